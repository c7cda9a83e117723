package merge

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

const ms = int64(time.Millisecond)

// rec is a successful measured request at level 2: sent at sentMS, first
// token ttftMS later, three tokens, the last at e2eMS after the send.
func rec(id uint64, sentMS, ttftMS, e2eMS int64) *rundir.Record {
	s := sentMS * ms
	ft, end := s+ttftMS*ms, s+e2eMS*ms
	return &rundir.Record{ID: id, Stage: rundir.StageMeasure, Level: 2, ScheduledNS: s, SentNS: s, FirstByteNS: ft,
		FirstTokenNS: ft, EndNS: end, DoneNS: end,
		Chunks: [][2]int64{{ft, 1}, {(ft + end) / 2, 1}, {end, 1}}, OutputTokens: 3, InputTokens: 10, OK: true, Status: 200}
}

type shardSpec struct {
	index, count int
	start        time.Time
	startAt      *time.Time
	model        string
	seed         int
	records      []*rundir.Record
	gpu, client  []string
	levels       []rundir.LevelSpan
}

// writeShard makes a shard's run directory under root.
func writeShard(t *testing.T, root, name string, s shardSpec) string {
	t.Helper()
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if s.model == "" {
		s.model = "m"
	}
	end := s.start.Add(5 * time.Second)
	m := &rundir.Manifest{Tool: "inferbench", Version: "test", Host: rundir.Host{Name: name, CPUs: 2},
		Target:   rundir.TargetInfo{Kind: "vllm", URL: "http://x", API: "chat", Model: s.model},
		Scenario: json.RawMessage(`{"name":"t","workload":{"seed":` + strings.Repeat("1", max(s.seed, 1)) + `},"slo":{"ttft":"350ms","percentile":50}}`),
		Load:     rundir.LoadInfo{Profile: "concurrency", Concurrency: 2, Requests: 4, Seed: 1},
		Start:    s.start, End: &end, ExitState: rundir.ExitComplete, Records: int64(len(s.records)),
		Shard:  &rundir.Shard{Index: s.index, Count: s.count, Seed: loadgen.ShardSeed(1, s.index), IDs: rundir.IDScheme, StartAt: s.startAt},
		Levels: s.levels}
	if s.count == 0 {
		m.Shard = nil
	}
	if err := rundir.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	rw, err := rundir.CreateRecordWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.records {
		if err := rw.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	for file, lines := range map[string][]string{rundir.GPUFile: s.gpu, rundir.ClientFile: s.client} {
		if lines != nil {
			if err := os.WriteFile(filepath.Join(dir, file), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

func readRecords(t *testing.T, dir string) []*rundir.Record {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, rundir.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []*rundir.Record
	for r, err := range rundir.ReadRecords(f) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// TestMergeRebasesAndRecomputes merges two hand-made shards whose starts
// lie 2 s apart (shard 0 later) and checks every number against values
// computed by hand.
func TestMergeRebasesAndRecomputes(t *testing.T) {
	root := t.TempDir()
	s0 := writeShard(t, root, "s0", shardSpec{index: 0, count: 2, start: t0.Add(2 * time.Second),
		records: []*rundir.Record{rec(0, 0, 100, 300), rec(2, 1000, 200, 400)},
		gpu:     []string{`{"t_ns":0,"index":0,"uuid":"GPU-a","power_w":300}`, `{"t_ns":1000000000,"index":0,"uuid":"GPU-a","power_w":310}`},
		client:  []string{`{"t_ns":0,"cpu_s":1,"cores":2}`, `{"t_ns":1000000000,"cpu_s":1.5,"cores":2}`}})
	s1 := writeShard(t, root, "s1", shardSpec{index: 1, count: 2, start: t0,
		records: []*rundir.Record{rec(1, 0, 300, 500), rec(3, 1000, 400, 600)},
		gpu:     []string{`{"t_ns":0,"index":0,"uuid":"GPU-a","power_w":999}`},
		client:  []string{`{"t_ns":0,"cpu_s":2,"cores":2}`, `{"t_ns":1000000000,"cpu_s":3.9,"cores":2}`}})
	out := filepath.Join(root, "merged")
	res, err := Merge(Options{Dirs: []string{s1, s0}, Out: out})
	if err != nil {
		t.Fatal(err)
	}

	// Records: the union, shard 0's moved 2 s later; durations unchanged.
	recs := readRecords(t, out)
	byID := map[uint64]*rundir.Record{}
	for _, r := range recs {
		byID[r.ID] = r
	}
	if len(recs) != 4 || len(byID) != 4 {
		t.Fatalf("merged %d records, ids %v; want 4 distinct", len(recs), slices.Sorted(func(y func(uint64) bool) {
			for id := range byID {
				y(id)
			}
		}))
	}
	want0 := rec(0, 2000, 100, 300)
	if got := byID[0]; got.SentNS != want0.SentNS || got.FirstTokenNS != want0.FirstTokenNS || got.EndNS != want0.EndNS ||
		got.DoneNS != want0.DoneNS || got.ScheduledNS != want0.ScheduledNS || !slices.Equal(got.Chunks, want0.Chunks) || got.FirstTokenNS-got.SentNS != 100*ms {
		t.Errorf("shard 0's id 0 re-based: %+v; want %+v", got, want0)
	}
	if got := byID[1]; got.SentNS != 0 || got.FirstTokenNS != 300*ms {
		t.Errorf("shard 1's id 1 moved: sent %d first token %d; want 0 and 300 ms", got.SentNS, got.FirstTokenNS)
	}
	// Completion order: id 1 (0.5 s), id 3 (1.6 s), id 0 (2.3 s), id 2 (3.4 s).
	var order []uint64
	for _, r := range recs {
		order = append(order, r.ID)
	}
	if !slices.Equal(order, []uint64{1, 3, 0, 2}) {
		t.Errorf("merged order %v; want completion order [1 3 0 2]", order)
	}

	// Summary from the raw records: TTFT {100, 200, 300, 400} ms.
	// p50 = 250, p90 = 300 + 0.7·100 = 370 (linear between ranks), mean 250.
	// SLO TTFT ≤ 350 ms per request: 3 of 4 met it; window 0 → 3.4 s.
	if len(res.Summary.Levels) != 1 {
		t.Fatalf("levels %d; want 1", len(res.Summary.Levels))
	}
	l := res.Summary.Levels[0]
	if l.Requests.Total != 4 || l.Requests.OK != 4 {
		t.Errorf("requests %+v; want 4 ok", l.Requests)
	}
	if l.TTFTMS.P50 != 250 || l.TTFTMS.P90 != 370 || l.TTFTMS.Mean != 250 {
		t.Errorf("TTFT p50 %v p90 %v mean %v; want 250, 370, 250", l.TTFTMS.P50, l.TTFTMS.P90, l.TTFTMS.Mean)
	}
	if l.StartNS != 0 || l.EndNS != 3400*ms {
		t.Errorf("window %d–%d ns; want 0–3.4e9", l.StartNS, l.EndNS)
	}
	// 12 output tokens over the 3.4 s window.
	if want := 12 / 3.4; abs(l.WindowOutputTokensPerS-want) > 1e-9 {
		t.Errorf("output tokens/s over the window %v; want %v", l.WindowOutputTokensPerS, want)
	}
	onDisk, err := report.ReadSummary(filepath.Join(out, rundir.SummaryFile))
	if err != nil || onDisk.Levels[0].TTFTMS.P90 != 370 {
		t.Errorf("summary.json: %v, %+v", err, onDisk)
	}

	// run.json: merged start is shard 1's; shards listed with offsets.
	m, err := rundir.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Start.Equal(t0) || m.Records != 4 || m.Shard != nil || m.Merged == nil || m.ExitState != rundir.ExitComplete {
		t.Fatalf("manifest start %v records %d shard %v merged %v state %s", m.Start, m.Records, m.Shard, m.Merged, m.ExitState)
	}
	if got := m.Merged.Shards; len(got) != 2 || got[0].Index != 0 || got[0].OffsetNS != 2e9 || got[1].OffsetNS != 0 || got[0].Records != 2 {
		t.Errorf("merged shards %+v", got)
	}
	if m.Merged.StartSpreadNS != 2e9 || m.Merged.GPUFrom != 0 || m.Host.CPUs != 4 {
		t.Errorf("spread %d gpu from %d cpus %d; want 2e9, 0, 4", m.Merged.StartSpreadNS, m.Merged.GPUFrom, m.Host.CPUs)
	}
	if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, "2s apart") }) {
		t.Errorf("no warning about the 2 s start spread: %q", res.Warnings)
	}

	// gpu.jsonl: shard 0's only (the lowest observer), moved by 2 s.
	b, err := os.ReadFile(filepath.Join(out, rundir.GPUFile))
	if err != nil {
		t.Fatal(err)
	}
	wantGPU := `{"index":0,"power_w":300,"t_ns":2000000000,"uuid":"GPU-a"}` + "\n" + `{"index":0,"power_w":310,"t_ns":3000000000,"uuid":"GPU-a"}` + "\n"
	if string(b) != wantGPU {
		t.Errorf("gpu.jsonl:\n%s\nwant\n%s", b, wantGPU)
	}
	// client.jsonl: both, re-based, tagged, in time order.
	b, err = os.ReadFile(filepath.Join(out, rundir.ClientFile))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var v struct {
			T     int64 `json:"t_ns"`
			Shard int   `json:"shard"`
		}
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatal(err)
		}
		got = append(got, time.Duration(v.T).String()+"/"+string(rune('0'+v.Shard)))
	}
	if want := []string{"0s/1", "1s/1", "2s/0", "3s/0"}; !slices.Equal(got, want) {
		t.Errorf("client.jsonl (t/shard) %v; want %v", got, want)
	}
	// Client verdict per shard: shard 1 used 1.9 CPU-s of 2 cores over 1 s
	// (95 % ≥ 90 %: bound); shard 0 used 0.5 (25 %). Interleaved, the
	// deltas would be garbage.
	c := l.Client
	if c == nil || !c.Bound || c.CPUShare == nil || abs(c.CPUShare.Mean-0.95) > 1e-9 {
		t.Fatalf("client verdict %+v; want bound at 95 %% (shard 1)", c)
	}
	if len(c.Reasons) != 1 || !strings.HasPrefix(c.Reasons[0], "shard 1: client CPU at 95%") {
		t.Errorf("reasons %q; want shard 1's CPU", c.Reasons)
	}
}

func abs(x float64) float64 { return max(x, -x) }

// TestMergeRefuses gives mismatched shards and checks the reason; nothing
// is left in the output directory.
func TestMergeRefuses(t *testing.T) {
	at := t0.Add(time.Minute)
	other := t0.Add(2 * time.Minute)
	ok0 := shardSpec{index: 0, count: 2, start: t0, records: []*rundir.Record{rec(0, 0, 100, 200)}}
	ok1 := shardSpec{index: 1, count: 2, start: t0, records: []*rundir.Record{rec(1, 0, 100, 200)}}
	with := func(s shardSpec, f func(*shardSpec)) shardSpec { f(&s); return s }
	cases := []struct {
		name    string
		a, b    shardSpec
		partial bool
		want    string
	}{
		{"same shard twice", ok0, ok0, false, "shard 0/2 given twice"},
		{"different scenario", ok0, with(ok1, func(s *shardSpec) { s.seed = 2 }), false, "different scenarios (workload.seed: 1 vs 11)"},
		{"different model", ok0, with(ok1, func(s *shardSpec) { s.model = "other" }), false, "different targets"},
		{"overlapping ids", ok0, with(ok1, func(s *shardSpec) { s.records = []*rundir.Record{rec(0, 0, 100, 200)} }), false, "holds record id 0, which is not its own"},
		{"different counts", ok0, with(ok1, func(s *shardSpec) { s.count = 3 }), false, "different shard counts"},
		{"not a shard", ok0, with(ok1, func(s *shardSpec) { s.count = 0 }), false, "is not a shard"},
		{"different start-at", with(ok0, func(s *shardSpec) { s.startAt = &at }), with(ok1, func(s *shardSpec) { s.startAt = &other }), false, "different --start-at"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			a := writeShard(t, root, "a", tc.a)
			b := writeShard(t, root, "b", tc.b)
			out := filepath.Join(root, "out")
			_, err := Merge(Options{Dirs: []string{a, b}, Out: out, Partial: tc.partial})
			var r *Refused
			if !errors.As(err, &r) || !strings.Contains(r.Reason, tc.want) {
				t.Fatalf("err %v; want refused with %q", err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(out, rundir.ManifestFile)); err == nil {
				t.Errorf("refused merge left %s", rundir.ManifestFile)
			}
		})
	}
}

// TestMergeMissingShard refuses 2 of 3 shards unless Partial.
func TestMergeMissingShard(t *testing.T) {
	root := t.TempDir()
	a := writeShard(t, root, "a", shardSpec{index: 0, count: 3, start: t0, records: []*rundir.Record{rec(0, 0, 100, 200)}})
	b := writeShard(t, root, "b", shardSpec{index: 2, count: 3, start: t0, records: []*rundir.Record{rec(2, 0, 100, 200)}})
	_, err := Merge(Options{Dirs: []string{a, b}, Out: filepath.Join(root, "out")})
	var r *Refused
	if !errors.As(err, &r) || !strings.Contains(r.Reason, "shard 1 of 3 missing") {
		t.Fatalf("err %v; want shard 1 of 3 missing", err)
	}
	res, err := Merge(Options{Dirs: []string{a, b}, Out: filepath.Join(root, "out2"), Partial: true})
	if err != nil || res.Manifest.Records != 2 {
		t.Fatalf("partial merge: %v, %+v", err, res)
	}
	// A second merge into the same directory is refused: it holds a run.
	_, err = Merge(Options{Dirs: []string{a, b}, Out: filepath.Join(root, "out2"), Partial: true})
	if !errors.As(err, &r) || !strings.Contains(r.Reason, "already holds a run") {
		t.Errorf("merge into a run: %v", err)
	}
}

// TestScenarioDiff names the differing fields.
func TestScenarioDiff(t *testing.T) {
	a := json.RawMessage(`{"name":"x","load":{"concurrency":4,"requests":10},"slo":{"ttft":"1s"}}`)
	b := json.RawMessage(`{"load":{"requests":10,"concurrency":8},"name":"x","slo":{"ttft":"1s"}}`)
	if got := scenarioDiff(a, a); got != "" {
		t.Errorf("diff of equal documents %q", got)
	}
	if got, want := scenarioDiff(a, b), "load.concurrency: 4 vs 8"; got != want {
		t.Errorf("diff %q; want %q", got, want)
	}
}

// TestMergeRefusesAShardAsOut: --out naming a shard, by its path or through
// a link to it, is refused as one of the shards before anything is written.
func TestMergeRefusesAShardAsOut(t *testing.T) {
	root := t.TempDir()
	a := writeShard(t, root, "a", shardSpec{index: 0, count: 2, start: t0, records: []*rundir.Record{rec(0, 0, 100, 200)}})
	b := writeShard(t, root, "b", shardSpec{index: 1, count: 2, start: t0, records: []*rundir.Record{rec(1, 0, 100, 200)}})
	link := filepath.Join(root, "link")
	if err := os.Symlink(a, link); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{a, link} {
		_, err := Merge(Options{Dirs: []string{a, b}, Out: out})
		var r *Refused
		if !errors.As(err, &r) || !strings.Contains(r.Reason, "is one of the shards") {
			t.Errorf("--out %s: err %v; want refused as one of the shards", out, err)
		}
	}
}
