package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/session"
)

// mergeApp runs `inferbench merge ARGS…` and returns stdout, stderr and the
// exit code.
func mergeApp(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	app := &cli.App{Name: "inferbench", Writer: &stdout, ErrWriter: &stderr, ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{mergeCommand()},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usagef("%v", err)
		}}
	err := app.RunContext(t.Context(), append([]string{"inferbench", "merge"}, args...))
	code := exitCode(err, &stderr)
	return stdout.String(), stderr.String(), code
}

func recordsByID(t *testing.T, dir string) map[uint64]*rundir.Record {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, rundir.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[uint64]*rundir.Record{}
	for r, err := range rundir.ReadRecords(f) {
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := out[r.ID]; dup {
			t.Fatalf("%s: id %d twice", dir, r.ID)
		}
		if r.Stage == rundir.StageProbe {
			continue // each process's spread probe, after the workload's ids
		}
		out[r.ID] = r
	}
	return out
}

// chatScenario is interactive-chat's workload at one concurrency.
const chatScenario = `name: sharded-chat
target: {kind: vllm, url: "http://mock", model: llama-3-8b}
workload:
  prompt_tokens: {dist: uniform, min: 256, max: 768}
  output_tokens: {dist: normal, mean: 256, stddev: 64, min: 32, max: 512}
  ignore_eos: true
  seed: 7
load:
  concurrency: 16
  requests: 160
  warmup: 16
  timeout: 60s
slo:
  percentile: 95
  ttft: 1s
`

// TestShardsMergeLikeOneProcess is issue #12's check: one seeded scenario
// (interactive-chat's length distributions, concurrency 16) run as one
// process and as 4 shards started together (--start-at) against the
// simulated engine, in virtual time; the merged shards hold the same
// requests (ids, prompt and output lengths) and the same percentiles within
// a tolerance; mismatched shards are refused with the reason.
func TestShardsMergeLikeOneProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("two simulated runs")
	}
	dir := t.TempDir()
	scenario := filepath.Join(dir, "chat.yaml")
	if err := os.WriteFile(scenario, []byte(chatScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := mock.Config{GPU: "h100-sxm", Model: "llama-3-8b", MaxSeqs: 64, Seed: 1}
	args := []string{"--scenario", scenario, "--gpu-backend", "none", "--server-metrics", "off", "-q"}
	single := filepath.Join(dir, "single")
	synctest.Test(t, func(t *testing.T) {
		m, err := mock.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		pn := serveOnPipe(t, m)
		if _, stderr, err := runOnPipe(t.Context(), pn, append(args, "--out", single)...); err != nil {
			t.Fatalf("one process: %v\n%s", err, stderr)
		}
	})
	var shards []string
	for i := range 4 {
		shards = append(shards, filepath.Join(dir, fmt.Sprintf("shard-%d", i)))
	}
	synctest.Test(t, func(t *testing.T) {
		m, err := mock.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		pn := serveOnPipe(t, m)
		startAt := time.Now().Add(time.Second).UTC()
		// Flags are parsed one shard at a time (urfave/cli's shared help
		// flags are not safe for concurrent parsing); the runs go together.
		var wg sync.WaitGroup
		for i, out := range shards {
			o := shardOptions(t, append(args, "--shard", fmt.Sprintf("%d/4", i), "--start-at", startAt.Format(time.RFC3339), "--out", out))
			o.Dial = pn.Dial
			wg.Go(func() {
				var stderr bytes.Buffer
				if err := runRun(t.Context(), t.Context(), o, true, io.Discard, &stderr); err != nil {
					t.Errorf("shard %d: %v\n%s", i, err, stderr.String())
				}
			})
		}
		wg.Wait()
		// Each shard waited for --start-at: its start is that instant.
		for _, d := range shards {
			mf, err := rundir.ReadManifest(d)
			if err != nil {
				t.Fatal(err)
			}
			if !mf.Start.Equal(startAt) || mf.Shard == nil || mf.Shard.StartAt == nil || !mf.Shard.StartAt.Equal(startAt) {
				t.Errorf("%s: start %v shard %+v; want start and start_at %v", d, mf.Start, mf.Shard, startAt)
			}
		}
	})
	if t.Failed() {
		t.FailNow()
	}

	merged := filepath.Join(dir, "merged")
	if _, stderr, code := mergeApp(t, "--out", merged, "-q", shards[2], shards[0], shards[3], shards[1]); code != 0 {
		t.Fatalf("merge: exit %d\n%s", code, stderr)
	}

	// The same requests: ids 0…175, each with the same prompt and output
	// lengths (the workload is a function of the global id).
	one, many := recordsByID(t, single), recordsByID(t, merged)
	if len(one) != 176 || len(many) != len(one) {
		t.Fatalf("records: one process %d, merged shards %d; want 176 each", len(one), len(many))
	}
	for id, r := range one {
		s, ok := many[id]
		if !ok {
			t.Fatalf("id %d missing from the merged shards", id)
		}
		if s.InputTokens != r.InputTokens || s.OutputTokens != r.OutputTokens || s.Stage != r.Stage {
			t.Errorf("id %d: merged %s in %d out %d; one process %s in %d out %d", id, s.Stage, s.InputTokens, s.OutputTokens, r.Stage, r.InputTokens, r.OutputTokens)
		}
	}

	a := readSum(t, single).Levels
	b := readSum(t, merged).Levels
	if len(a) != 1 || len(b) != 1 {
		t.Fatalf("levels: %d and %d; want 1", len(a), len(b))
	}
	la, lb := a[0], b[0]
	if la.Requests != lb.Requests || lb.Requests.Total != 160 || lb.Requests.Failed != 0 {
		t.Errorf("requests: one process %+v, merged %+v; want 160 ok each", la.Requests, lb.Requests)
	}
	// Percentiles within tolerance: the server sees 16 streams either way;
	// what differs is how the streams' starts interleave (each shard spreads
	// its own 4 workers), so requests batch with different neighbours.
	near := func(name string, x, y, tol float64) {
		t.Helper()
		if d := (y - x) / x; d > tol || d < -tol {
			t.Errorf("%s: one process %.2f, merged shards %.2f (%+.1f%%, tolerance ±%.0f%%)", name, x, y, 100*d, 100*tol)
		} else {
			t.Logf("%s: one process %.2f, merged shards %.2f (%+.1f%%)", name, x, y, 100*d)
		}
	}
	near("TTFT p50 ms", la.TTFTMS.P50, lb.TTFTMS.P50, 0.10)
	near("TTFT p90 ms", la.TTFTMS.P90, lb.TTFTMS.P90, 0.15)
	near("TPOT p50 ms", la.TPOTMS.P50, lb.TPOTMS.P50, 0.05)
	near("TPOT p99 ms", la.TPOTMS.P99, lb.TPOTMS.P99, 0.10)
	near("E2E p50 ms", la.E2EMS.P50, lb.E2EMS.P50, 0.05)
	near("E2E p99 ms", la.E2EMS.P99, lb.E2EMS.P99, 0.10)
	near("output tokens/s", la.OutputTokensPerS, lb.OutputTokensPerS, 0.05)

	mf, err := rundir.ReadManifest(merged)
	if err != nil {
		t.Fatal(err)
	}
	// 176 records and each shard's spread probe.
	if mf.Merged == nil || mf.Merged.Count != 4 || len(mf.Merged.Shards) != 4 || mf.Merged.StartSpreadNS != 0 || mf.Records != 176+4 {
		t.Errorf("merged run.json: records %d merged %+v", mf.Records, mf.Merged)
	}

	// Mismatched shards are refused with the reason, exit 2.
	for _, tc := range []struct {
		dirs []string
		want string
	}{
		{[]string{shards[0], single}, "is not a shard"},
		{[]string{shards[0], shards[0], shards[1], shards[2]}, "given twice"},
		{[]string{shards[0], shards[1]}, "shards 2, 3 of 4 missing"},
	} {
		_, stderr, code := mergeApp(t, append([]string{"--out", filepath.Join(dir, "refused")}, tc.dirs...)...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("merge %v: exit %d, %q; want 2 and %q", tc.dirs, code, stderr, tc.want)
		}
	}
}

// shardOptions parses `run ARGS…` into its options without running.
func shardOptions(t *testing.T, args []string) *session.Options {
	t.Helper()
	var o *session.Options
	cmd := runCommand(nil)
	cmd.Action = func(c *cli.Context) (err error) {
		o, err = runOptionsFrom(c)
		return err
	}
	app := &cli.App{Name: "inferbench", Writer: io.Discard, ErrWriter: io.Discard, Commands: []*cli.Command{cmd},
		ExitErrHandler: func(*cli.Context, error) {}}
	if err := app.RunContext(t.Context(), append([]string{"inferbench", "run"}, args...)); err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return o
}

func readSum(t *testing.T, dir string) *report.Summary {
	t.Helper()
	s, err := report.ReadSummary(filepath.Join(dir, rundir.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
