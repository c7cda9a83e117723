package history

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// writeRunOn writes writeRun's run on n GPUs named gpu.
func writeRunOn(t *testing.T, dir, gpu string, n int, start time.Time, seed uint64) {
	t.Helper()
	writeRun(t, dir, "nightly", 50, start, seed)
	rundirtest.EditManifest(t, dir, func(m *rundir.Manifest) {
		var devs []rundir.GPUDevice
		for i := range n {
			devs = append(devs, rundir.GPUDevice{Index: i, Name: gpu})
		}
		m.GPUs, _ = json.Marshal(devs)
		m.Server = &rundir.ServerInfo{Version: "0.6.3"}
	})
}

// TestBaselineMatchesHardware: an H100 entry is no baseline for an A100
// run (issue #20 item 12: median-of-7 over an H100 and an A100 run called
// the A100 a regression); A100 entries are, and with none the error says
// how many entries ran on other hardware.
// testStore is a history store in a temporary directory, closed with the test.
func testStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// addRun adds the run directory dir to s.
func addRun(t *testing.T, s *Store, dir string) {
	t.Helper()
	e, _, err := NewEntry(dir, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(t.Context(), e); err != nil {
		t.Fatal(err)
	}
}

// dayRun writes writeRunOn's run on 8 A100s at root/name, started day days
// after 2026-05-01 02:00 UTC (its seed day), its run.json then changed by
// edit (nil: none).
func dayRun(t *testing.T, root, name string, day int, edit func(*rundir.Manifest)) string {
	t.Helper()
	dir := filepath.Join(root, name)
	writeRunOn(t, dir, "NVIDIA A100-SXM4-80GB", 8, time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC).Add(time.Duration(day)*24*time.Hour), uint64(day))
	if edit != nil {
		rundirtest.EditManifest(t, dir, edit)
	}
	return dir
}

func TestBaselineMatchesHardware(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const a100, h100 = "NVIDIA A100-SXM4-80GB", "NVIDIA H100 80GB HBM3"
	base := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
	root := t.TempDir()
	add := func(name, gpu string, n, day int) string {
		dir := filepath.Join(root, name)
		writeRunOn(t, dir, gpu, n, base.Add(time.Duration(day)*24*time.Hour), uint64(day))
		e, _, err := NewEntry(dir, report.SLO{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Add(ctx, e); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	add("h100", h100, 8, 1)
	candDir := filepath.Join(root, "cand")
	writeRunOn(t, candDir, a100, 8, base.Add(5*24*time.Hour), 9)
	cand, err := compare.LoadRun(candDir, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Baseline(ctx, s, "median-of-7", cand)
	if !errors.Is(err, ErrNoBaseline) || !strings.Contains(err.Error(), "(1 on other hardware)") || !strings.Contains(err.Error(), a100+" ×8") {
		t.Fatalf("Baseline with only an H100 entry = %v; want ErrNoBaseline naming the A100 and 1 entry on other hardware", err)
	}
	add("a100-4", a100, 4, 2) // same model, other count: other hardware
	add("a100-1", a100, 8, 3)
	add("a100-2", a100, 8, 4)
	b, err := Baseline(ctx, s, "median-of-7", cand)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Summaries) != 2 || !strings.Contains(b.Label, "#4 #3") {
		t.Errorf("baseline %q over %d summaries; want the two A100 ×8 entries #4 #3", b.Label, len(b.Summaries))
	}
	b, err = Baseline(ctx, s, "latest", cand)
	if err != nil || !strings.Contains(b.Label, "#4") {
		t.Errorf("latest = %q, %v; want #4", b.Label, err)
	}
	if compare.GPUOf(&rundir.Manifest{GPUs: json.RawMessage(fmt.Sprintf(`[{"index":0,"name":%q}]`, h100))}).Same(compare.GPU{Name: a100, Count: 1}) {
		t.Errorf("an H100 is the same GPU as an A100")
	}
}

// TestBaselineMatchesSharding: a shard's entry is no baseline for a whole
// run (its throughput is its part of the load: in a median it read as a
// fall of half), nor a whole run's for a shard; the error counts them.
func TestBaselineMatchesSharding(t *testing.T) {
	ctx, s, root := t.Context(), testStore(t), t.TempDir()
	write := func(name string, day int, shard *rundir.Shard) string {
		if shard == nil {
			return dayRun(t, root, name, day, nil)
		}
		return dayRun(t, root, name, day, func(m *rundir.Manifest) { m.Shard = shard })
	}
	add := func(name string, day int, shard *rundir.Shard) { addRun(t, s, write(name, day, shard)) }
	add("s0", 1, &rundir.Shard{Index: 0, Count: 2})
	add("s1", 2, &rundir.Shard{Index: 1, Count: 2})
	cand, err := compare.LoadRun(write("cand", 5, nil), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Baseline(ctx, s, "median-of-7", cand)
	if !errors.Is(err, ErrNoBaseline) || !strings.Contains(err.Error(), "(0 on other hardware, 2 sharded otherwise)") {
		t.Fatalf("Baseline of a whole run with only shard entries = %v; want ErrNoBaseline counting 2 sharded otherwise", err)
	}
	add("whole", 3, nil)
	b, err := Baseline(ctx, s, "median-of-7", cand)
	if err != nil || !strings.HasPrefix(b.Label, "history:#3 ") {
		t.Errorf("baseline %q, %v; want the whole run #3 alone", b.Label, err)
	}
	shardCand, err := compare.LoadRun(write("cand-s0", 6, &rundir.Shard{Index: 0, Count: 2}), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := Baseline(ctx, s, "latest", shardCand); err != nil || !strings.Contains(b.Label, "#1") {
		t.Errorf("latest for shard 0/2 = %q, %v; want #1, the other 0/2", b.Label, err)
	}
}

// TestBaselineMatchesStatedGPU: without telemetry (a server on another
// machine), the GPU stated with run --gpu keys the hardware: an H100 run
// stated h100-sxm was the baseline of an A100 run stated a100-80gb, and
// the "no baseline" error said "GPU (none)". A stated GPU is the same as
// telemetry's name of it in the catalog, in the same count.
func TestBaselineMatchesStatedGPU(t *testing.T) {
	ctx, s, root := t.Context(), testStore(t), t.TempDir()
	write := func(name, stated string, day int) string {
		return dayRun(t, root, name, day, func(m *rundir.Manifest) { m.GPUStated, m.GPUs = stated, nil })
	}
	add := func(dir string) { addRun(t, s, dir) }
	add(write("h100", "h100-sxm", 1))
	cand, err := compare.LoadRun(write("cand", "a100-80gb", 5), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Baseline(ctx, s, "median-of-7", cand)
	if !errors.Is(err, ErrNoBaseline) || !strings.Contains(err.Error(), "GPU a100-80gb ×1 (stated))") || !strings.Contains(err.Error(), "(1 on other hardware)") {
		t.Fatalf("Baseline of an a100-80gb run with only an h100-sxm entry = %v; want ErrNoBaseline naming the stated A100 and 1 entry on other hardware", err)
	}
	add(write("a100x2", "a100-80gbx2", 2)) // other count: other hardware
	add(write("a100", "a100-80gb", 3))
	b, err := Baseline(ctx, s, "median-of-7", cand)
	if err != nil || !strings.HasPrefix(b.Label, "history:#3 ") {
		t.Errorf("baseline %q, %v; want the a100-80gb entry #3 alone", b.Label, err)
	}
	eight := json.RawMessage(`[` + strings.Repeat(`{"name":"NVIDIA H100 80GB HBM3"},`, 7) + `{"name":"NVIDIA H100 80GB HBM3"}]`)
	measured := compare.GPUOf(&rundir.Manifest{GPUs: eight})
	if !compare.GPUOf(&rundir.Manifest{GPUStated: "h100-sxmx8"}).Same(measured) {
		t.Errorf("h100-sxmx8 stated vs 8 H100s measured: not the same GPUs")
	}
	if a100 := compare.GPUOf(&rundir.Manifest{GPUStated: "a100-80gbx8"}); a100.Same(measured) || a100.String() != "a100-80gb ×8 (stated)" {
		t.Errorf("a100-80gbx8 stated (%s) vs 8 H100s measured: the same GPUs", a100)
	}
	if g := compare.GPUOf(&rundir.Manifest{GPUStated: "a100-80gb", GPUs: eight}); g.Name != "NVIDIA H100 80GB HBM3" || g.Stated {
		t.Errorf("stated a100-80gb, telemetry 8 H100s: %+v; want telemetry's", g)
	}
}

// TestBaselineLeavesOutPartialMerges: `merge --partial` of one shard of two
// is part of the load (half the throughput, at the whole run's level) and
// was a whole run to the history: the newest, it was history:latest, and a
// real halving of the candidate's throughput read as no change. It is left
// out of a whole run's baselines, counted as sharded, and is the baseline
// of a partial merge of the same shards.
func TestBaselineLeavesOutPartialMerges(t *testing.T) {
	ctx, s, root := t.Context(), testStore(t), t.TempDir()
	write := func(name string, day int, merged ...int) string {
		if merged == nil {
			return dayRun(t, root, name, day, nil)
		}
		return dayRun(t, root, name, day, func(m *rundir.Manifest) {
			m.Merged = &rundir.Merged{Count: 2}
			for _, i := range merged {
				m.Merged.Shards = append(m.Merged.Shards, rundir.MergedShard{Index: i})
			}
		})
	}
	add := func(name string, day int, merged ...int) { addRun(t, s, write(name, day, merged...)) }
	cand, err := compare.LoadRun(write("cand", 5, 0, 1), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	add("partial", 2, 0)
	if _, err := Baseline(ctx, s, "latest", cand); !errors.Is(err, ErrNoBaseline) || !strings.Contains(err.Error(), "(0 on other hardware, 1 sharded otherwise)") {
		t.Fatalf("Baseline of a full merge with only a partial merge stored = %v; want ErrNoBaseline counting 1 sharded otherwise", err)
	}
	add("whole", 1, 0, 1)
	add("partial-2", 3, 0)
	for _, spec := range []string{"latest", "median-of-7"} {
		if b, err := Baseline(ctx, s, spec, cand); err != nil || !strings.HasPrefix(b.Label, "history:#2 ") {
			t.Errorf("%s = %q, %v; want the whole run #2 alone, not the newer partial merges", spec, b.Label, err)
		}
	}
	partCand, err := compare.LoadRun(write("cand-partial", 6, 0), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := Baseline(ctx, s, "latest", partCand); err != nil || !strings.HasPrefix(b.Label, "history:#3 ") {
		t.Errorf("latest for a partial merge of shard 0 = %q, %v; want #3, the newest merge of shard 0", b.Label, err)
	}
}

// TestBaselineIsOfEarlierRuns: history:latest and history:median-of-N are
// of runs started before the candidate (run.json start); runs added after
// it started (an old run gated again, a store shared by branches) were
// its baseline, warned about as "earlier runs". With none earlier, the
// error says how many later ones were left out.
func TestBaselineIsOfEarlierRuns(t *testing.T) {
	ctx, s, root := t.Context(), testStore(t), t.TempDir()
	write := func(name string, day int) string { return dayRun(t, root, name, day, nil) }
	add := func(name string, day int) { addRun(t, s, write(name, day)) }
	cand, err := compare.LoadRun(write("cand", 5), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	add("later-1", 6)
	add("later-2", 7)
	for _, spec := range []string{"latest", "median-of-7"} {
		_, err := Baseline(ctx, s, spec, cand)
		if !errors.Is(err, ErrNoBaseline) || !strings.Contains(err.Error(), "2 started after the candidate (2026-05-06 02:00:00 UTC), left out") {
			t.Errorf("%s with only later runs = %v; want ErrNoBaseline counting 2 started after the candidate", spec, err)
		}
	}
	add("earlier-1", 3)
	add("earlier-2", 4)
	if b, err := Baseline(ctx, s, "latest", cand); err != nil || !strings.HasPrefix(b.Label, "history:#4 ") {
		t.Errorf("latest = %q, %v; want #4, the newest run started before the candidate", b.Label, err)
	}
	b, err := Baseline(ctx, s, "median-of-7", cand)
	if err != nil || !strings.Contains(b.Label, "#3") || !strings.Contains(b.Label, "#4") || strings.Contains(b.Label, "#1") || strings.Contains(b.Label, "#2") {
		t.Errorf("median-of-7 = %q, %v; want #3 and #4, not the later #1 and #2", b.Label, err)
	}
	if b, err := Baseline(ctx, s, "#1", cand); err != nil || !strings.HasPrefix(b.Label, "history:#1") {
		t.Errorf("#1 = %q, %v; want #1: an entry id is taken as given", b.Label, err)
	}
}
