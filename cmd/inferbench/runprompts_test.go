package main

import (
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// promptMock serves the fixed-timing mock; without tokenize, its
// /tokenize answers 404 as a server without the endpoint does.
func promptMock(t *testing.T, tokenize bool) string {
	t.Helper()
	m, err := mock.New(mock.Config{TTFT: time.Millisecond, ITL: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	h := http.Handler(m)
	if !tokenize {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/tokenize") {
				http.NotFound(w, r)
				return
			}
			m.ServeHTTP(w, r)
		})
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestRunExactPromptsMock: asked for 512 tokens, every prompt is 512 by the
// mock's count (its /tokenize and its prompt_tokens are one stand-in
// tokenizer); with a shared prefix of 100 tokens in 2 groups, 612, and the
// records name the group. run.json says how prompts were sized and the
// summary that all were exact.
func TestRunExactPromptsMock(t *testing.T) {
	url := promptMock(t, true)
	for _, c := range []struct {
		args        []string
		want, group int
	}{
		{nil, 512, 0},
		{[]string{"--shared-prefix-tokens", "100", "--prefix-groups", "2"}, 612, 2},
	} {
		dir := filepath.Join(t.TempDir(), "run")
		args := append([]string{"run", "--target", "mock", "--url", url, "--model", "m", "-c", "4", "-n", "12", "--warmup", "1",
			"--prompt-tokens", "512", "--max-tokens", "2", "--gpu-backend", "none", "--out", dir}, c.args...)
		if _, stderr, err := runApp(t, args...); err != nil {
			t.Fatalf("%v: %v\n%s", c.args, err, stderr)
		}
		groups := map[int]int{}
		for _, r := range readRecords(t, dir) {
			if r.InputTokens != c.want || r.InputTokensSource != rundir.SourceServer || r.RequestedInputTokens != c.want {
				t.Errorf("%v: record %d: input %d (%s), requested %d; want %d by the server", c.args, r.ID, r.InputTokens, r.InputTokensSource, r.RequestedInputTokens, c.want)
			}
			groups[r.PrefixGroup]++
		}
		if c.group == 0 && (len(groups) != 1 || groups[0] == 0) || c.group > 0 && (len(groups) != 2 || groups[1] == 0 || groups[2] == 0) {
			t.Errorf("%v: prefix groups %v", c.args, groups)
		}
		m, err := rundir.ReadManifest(dir)
		if err != nil {
			t.Fatal(err)
		}
		if m.Load.InputTokensSource != "server-tokenize" {
			t.Errorf("%v: run.json input_tokens_source %q (%s)", c.args, m.Load.InputTokensSource, m.Load.InputTokensNote)
		}
		sum, err := report.ReadSummary(filepath.Join(dir, rundir.SummaryFile))
		if err != nil {
			t.Fatal(err)
		}
		if ln := sum.Levels[0].Lengths; ln == nil || ln.InputChecked != 12 || ln.InputExactShare != 1 {
			t.Errorf("%v: summary lengths %+v; want 12 checked, all exact", c.args, ln)
		}
	}
}

// TestRunPromptSizingFallback: a server whose /tokenize is missing falls
// back to a calibration on the warm-up, saying why in run.json; asked for
// the server's count explicitly, the run is refused in one line (exit 2).
func TestRunPromptSizingFallback(t *testing.T) {
	url := promptMock(t, false)
	dir := filepath.Join(t.TempDir(), "run")
	base := []string{"run", "--target", "vllm", "--url", url, "--model", "m", "-n", "4", "--warmup", "1",
		"--prompt-tokens", "64", "--max-tokens", "2", "--gpu-backend", "none", "--server-metrics", "off"}
	if _, stderr, err := runApp(t, append(base, "--out", dir)...); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	m, err := rundir.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Load.InputTokensSource != "calibrated" || !strings.Contains(m.Load.InputTokensNote, "no tokenize endpoint") ||
		!strings.Contains(m.Load.InputTokensNote, "calibrated on 3 requests") {
		t.Errorf("run.json: source %q, note %q", m.Load.InputTokensSource, m.Load.InputTokensNote)
	}
	for _, r := range readRecords(t, dir) {
		if r.InputTokens != 64 {
			t.Errorf("record %d: %d input tokens by the server, want 64 (the mock counts words: factor 1)", r.ID, r.InputTokens)
		}
	}
	_, _, err = runApp(t, append(base, "--prompt-sizing", "server", "--out", filepath.Join(t.TempDir(), "run"))...)
	if code := exitCode(err, io.Discard); code != exitUsage || !strings.Contains(err.Error(), "no tokenize endpoint") || strings.Contains(err.Error(), "\n") {
		t.Errorf("--prompt-sizing server without /tokenize: exit %d, %v", code, err)
	}
}

// TestRunDatasetFlags: --dataset reaches the scenario's datasets and
// traces without YAML; the length filters keep the prompts within them
// (by the estimates: "Hi." 1 token, the haiku's output hint 200); bad
// arguments and bad files are one line naming the flag, file and line.
func TestRunDatasetFlags(t *testing.T) {
	url := promptMock(t, true)
	run := func(args ...string) (string, error) {
		dir := filepath.Join(t.TempDir(), "run")
		_, stderr, err := runApp(t, append([]string{"run", "--target", "mock", "--url", url, "--model", "m", "--warmup", "0",
			"--gpu-backend", "none", "--out", dir}, args...)...)
		if err != nil {
			t.Logf("%v: %s", args, stderr)
		}
		return dir, err
	}
	dir, err := run("--dataset", "jsonl:testdata/prompts/prompts.jsonl", "-n", "6",
		"--dataset-min-input", "5", "--dataset-max-output", "100", "--dataset-seed", "3")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range readRecords(t, dir) {
		if r.RequestedInputTokens != 13 && r.RequestedInputTokens != 21 || r.RequestedOutputTokens != 8 {
			t.Errorf("jsonl record %d: requested %d in, %d out; want 13 or 21 in (the two prompts kept), 8 out", r.ID, r.RequestedInputTokens, r.RequestedOutputTokens)
		}
	}
	// --dataset-output-tokens: every prompt asks for that many, whatever
	// its hint (4, 8, 8 or 200 here).
	dir, err = run("--dataset", "jsonl:testdata/prompts/prompts.jsonl", "-n", "8", "--dataset-output-tokens", "3")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range readRecords(t, dir) {
		if r.RequestedOutputTokens != 3 {
			t.Errorf("--dataset-output-tokens 3: record %d requested %d out", r.ID, r.RequestedOutputTokens)
		}
	}
	// --max-tokens with a dataset only fills in missing hints, and says so.
	_, stderr, err := runApp(t, "run", "--target", "mock", "--url", url, "--model", "m", "--warmup", "0", "--gpu-backend", "none",
		"--dataset", "jsonl:testdata/prompts/prompts.jsonl", "-n", "2", "--max-tokens", "5", "--out", filepath.Join(t.TempDir(), "run"))
	if err != nil || !strings.Contains(stderr, "--max-tokens applies only to prompts without an output hint; --dataset-output-tokens N sets every prompt's") {
		t.Errorf("--max-tokens with a dataset: %v, stderr %q; want the note", err, stderr)
	}
	dir, err = run("--dataset", "sharegpt:testdata/prompts/sharegpt.json", "-n", "4")
	if err != nil {
		t.Fatal(err)
	}
	var recs []*rundir.Record
	for _, r := range readRecords(t, dir) {
		if r.Stage == rundir.StageMeasure { // not the spread's probe
			recs = append(recs, r)
		}
	}
	if len(recs) != 4 || recs[0].RequestedInputTokens != 12 && recs[0].RequestedInputTokens != 7 {
		t.Errorf("sharegpt: %d measured records, first requested %d in; want 4, 12 or 7 in", len(recs), recs[0].RequestedInputTokens)
	}
	dir, err = run("--dataset", "trace:testdata/prompts/trace.jsonl", "--prompt-sizing", "estimate")
	if err != nil {
		t.Fatal(err)
	}
	in := map[int]bool{}
	for _, r := range readRecords(t, dir) {
		in[r.InputTokens] = true
	}
	if len(in) != 3 || !in[64] || !in[128] || !in[32] {
		t.Errorf("trace: input lengths %v; want 64, 128, 32", in)
	}
	// A Mooncake trace: its lengths are replayed, and its hash_ids, as the
	// run says (TestRunTraceBlocksHitThePrefixCache: as shared text).
	mc := filepath.Join(t.TempDir(), "mooncake.jsonl")
	if err := os.WriteFile(mc, []byte(`{"timestamp": 0, "input_length": 40, "output_length": 3, "hash_ids": [0]}`+"\n"+
		`{"timestamp": 20, "input_length": 24, "output_length": 2, "hash_ids": [0, 1]}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mcDir := filepath.Join(t.TempDir(), "run")
	_, stderr, err = runApp(t, "run", "--target", "mock", "--url", url, "--model", "m", "--gpu-backend", "none",
		"--dataset", "trace:"+mc, "--prompt-sizing", "estimate", "--out", mcDir)
	if err != nil || !strings.Contains(stderr, "trace: 2 of 2 requests name prompt blocks (hash_ids): prompts naming the same blocks share their text") {
		t.Errorf("mooncake trace: %v, stderr %q; want the hash_ids line", err, stderr)
	}
	clear(in)
	for _, r := range readRecords(t, mcDir) {
		in[r.InputTokens+1000*r.RequestedOutputTokens] = true
	}
	if len(in) != 2 || !in[3040] || !in[2024] {
		t.Errorf("mooncake trace: input + 1000·output %v; want 3040 and 2024", in)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--dataset", "csv:x.csv"}, `--dataset: unknown format "csv"`},
		{[]string{"--dataset", "prompts.txt"}, "--dataset: want sharegpt:FILE"},
		// A file named without its format, and a format mistyped, are
		// told what to write.
		{[]string{"--dataset", "prompts.jsonl"}, "--dataset prompts.jsonl: name its format first: jsonl:prompts.jsonl (a prompt a line) or sharegpt:prompts.jsonl"},
		{[]string{"--dataset", "sharegp:x.json"}, `--dataset: unknown format "sharegp": did you mean sharegpt:x.json?`},
		{[]string{"--dataset", "jsonl:testdata/prompts/bad.jsonl"}, "bad.jsonl: line 2: prompt: a JSON number"},
		{[]string{"--dataset", "jsonl:testdata/prompts/missing.jsonl"}, "missing.jsonl"},
		{[]string{"--dataset", "jsonl:testdata/prompts/prompts.jsonl", "--dataset-min-input", "500"}, "none of the 4 prompts"},
		{[]string{"--dataset-max-input", "5"}, "--dataset-max-input needs a dataset"},
		{[]string{"--dataset-output-tokens", "5"}, "--dataset-output-tokens needs a dataset"},
		{[]string{"--dataset", "jsonl:testdata/prompts/prompts.jsonl", "--dataset-output-tokens", "-1"}, "--dataset-output-tokens: must be between 1 and 16777216 tokens (0: each prompt's hint), got -1"},
		{[]string{"--dataset", "trace:testdata/prompts/trace.jsonl", "--rate", "5"}, "--rate does not apply"},
		// The trace gives the lengths: a length flag was ignored unseen.
		{[]string{"--dataset", "trace:testdata/prompts/trace.jsonl", "--max-tokens", "16"}, "--max-tokens: not used with load.trace: each line gives"},
		{[]string{"--dataset", "trace:testdata/prompts/trace.jsonl", "--prompt-tokens", "16"}, "--prompt-tokens: not used with load.trace"},
		// A trace no longer than its warm-up was sent whole and ended "no
		// request was measured".
		{[]string{"--dataset", "trace:testdata/prompts/trace.jsonl", "--warmup", "3"}, "the trace's 3 arrivals would all be warm-up (a warm-up of 3) and none measured"},
		{[]string{"--dataset", "jsonl:testdata/prompts/prompts.jsonl", "--prompt-tokens", "9"}, "--prompt-tokens is not used with --dataset"},
	} {
		_, err := run(c.args...)
		if code := exitCode(err, io.Discard); code != exitUsage || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: exit %d, %v; want one line with %q", c.args, code, err, c.want)
		}
	}
}

// TestRunTraceBlocksHitThePrefixCache: a Mooncake trace's hash_ids reach
// the server as shared text, and the mock's prefix cache (vLLM's, by
// 16-token blocks of its /tokenize tokens) finds exactly the blocks the
// trace shares: the second request repeats blocks 0 and 1 (1,024 tokens),
// the third block 0 (512), the fourth none; 1,536 of the 3,500 prompt
// tokens are hits, counted by the mock's vllm:prefix_cache_* counters.
// With load.trace.block_tokens 256, a trace of 256-token blocks: the
// second request repeats three (768 of 2,200). On the twelve published
// lines of Mooncake's conversation trace (scenarios/testdata), 5,632 of
// 54,305, 11 × 512: every request after the first shares block 0, and
// nothing else (README's number). Before, the hash_ids were not read and
// every prompt was its own words: no hit.
func TestRunTraceBlocksHitThePrefixCache(t *testing.T) {
	for _, tt := range []struct {
		name, lines, scenario string
		queried, hit          string
		requests              int     // run.json load.requests: the lines (no warm-up)
		lastDue               float64 // load.trace_last_due_s: the last line's, time_scale applied
	}{
		{"512", `{"timestamp": 0, "input_length": 1300, "output_length": 2, "hash_ids": [0, 1, 2]}
{"timestamp": 150, "input_length": 1200, "output_length": 2, "hash_ids": [0, 1, 3]}
{"timestamp": 300, "input_length": 700, "output_length": 2, "hash_ids": [0, 4]}
{"timestamp": 450, "input_length": 300, "output_length": 2, "hash_ids": [5]}
`, "", "3500.0", "1536.0", 4, 0.45},
		{"256", `{"timestamp": 0, "input_length": 1200, "output_length": 2, "hash_ids": [0, 1, 2, 3, 4]}
{"timestamp": 150, "input_length": 1000, "output_length": 2, "hash_ids": [0, 1, 2, 9]}
`, "name: blocks\nload:\n  warmup: 0\n  trace: {file: mooncake.jsonl, block_tokens: 256}\n", "2200.0", "768.0", 2, 0.15},
		// The twelve published lines (scenarios/testdata), a hundred times
		// as fast: every request after the first shares block 0, nothing
		// else: 11 × 512 of 54,305 (README).
		{"512 published", "", "name: blocks\nload:\n  warmup: 0\n  trace: {file: mooncake.jsonl, time_scale: 0.01}\n", "54305.0", "5632.0", 12, 0.09},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := mock.New(mock.Config{GPU: "h100-sxm", Model: "llama-3-8b", Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(m)
			t.Cleanup(srv.Close)
			dir := t.TempDir()
			trace := filepath.Join(dir, "mooncake.jsonl")
			lines := []byte(tt.lines)
			if tt.lines == "" {
				if lines, err = os.ReadFile("../../scenarios/testdata/mooncake-conversation-sample.jsonl"); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(trace, lines, 0o644); err != nil {
				t.Fatal(err)
			}
			load := []string{"--dataset", "trace:" + trace}
			if tt.scenario != "" {
				file := filepath.Join(dir, "blocks.yaml")
				if err := os.WriteFile(file, []byte(tt.scenario), 0o644); err != nil {
					t.Fatal(err)
				}
				load = []string{"--scenario", file}
			}
			_, stderr, err := runApp(t, append([]string{"run", "--target", "vllm", "--url", srv.URL, "--model", "llama-3-8b", "--no-probe",
				"--gpu-backend", "none", "--server-metrics", "off", "--out", filepath.Join(dir, "run"), "-q"}, load...)...)
			if err != nil {
				t.Fatalf("run: %v\n%s", err, stderr)
			}
			size, _, _ := strings.Cut(tt.name, " ")
			if !strings.Contains(stderr, "requests name prompt blocks (hash_ids): prompts naming the same blocks share their text, "+size+" tokens a block") {
				t.Errorf("stderr %q; want the blocks line", stderr)
			}
			if !strings.Contains(stderr, ": trace (one level, numbered 0), the trace's") {
				t.Errorf("stderr %q; want the start line to say the trace is one level, numbered 0 (it said \"trace [0]\")", stderr)
			}
			if q, h := mockCounter(t, srv.URL, "vllm:prefix_cache_queries_total"), mockCounter(t, srv.URL, "vllm:prefix_cache_hits_total"); q != tt.queried || h != tt.hit {
				t.Errorf("prefix cache: %s queried, %s hit; want %s and %s", q, h, tt.queried, tt.hit)
			}
			rm, err := rundir.ReadManifest(filepath.Join(dir, "run"))
			if err != nil {
				t.Fatal(err)
			}
			if rm.Load.SharedPrompts != "trace blocks" {
				t.Errorf("run.json load.shared_prompts %q; want \"trace blocks\"", rm.Load.SharedPrompts)
			}
			// What watch shows of the level: its total and the ETA's end.
			if rm.Load.Requests != tt.requests || math.Abs(rm.Load.TraceLastDueS-tt.lastDue) > 1e-9 {
				t.Errorf("run.json load.requests %d, trace_last_due_s %g; want %d and %g", rm.Load.Requests, rm.Load.TraceLastDueS, tt.requests, tt.lastDue)
			}
		})
	}
}

// mockCounter is the value of counter name on the mock's /metrics page, as
// written there.
func mockCounter(t *testing.T, url, name string) string {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for line := range strings.Lines(string(body)) {
		if rest, ok := strings.CutPrefix(line, name); ok && (rest[0] == ' ' || rest[0] == '{') {
			f := strings.Fields(line)
			return f[len(f)-1]
		}
	}
	return "absent"
}
