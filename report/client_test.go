package report

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestSummarizeClient: CPU share is ΔCPU / Δwall / cores per interval;
// each threshold adds its reason.
func TestSummarizeClient(t *testing.T) {
	samples := []rundir.ClientSample{
		{TNS: 0, CPUSeconds: 10, Cores: 2},
		// 1 s later 1.0 s more CPU on 2 cores: 50 %.
		{TNS: 1e9, CPUSeconds: 11, Cores: 2, SchedLatencyP99MS: 0.5, GCPauseMS: 1, HeapBytes: 100},
		// then 1.9 s in 1 s: 95 %.
		{TNS: 2e9, CPUSeconds: 12.9, Cores: 2, SchedLatencyP99MS: 7, GCPauseMS: 2, HeapBytes: 300},
	}
	l := &Level{Level: 4, StartNS: 5e8, EndNS: 2e9, WindowS: 1.5, Requests: Requests{Total: 100, OK: 50, Failed: 50}, MeanInFlight: 2,
		SendLagMS: Dist{N: 100, P99: 1}}
	c := SummarizeClient(samples, l, l.Level)
	if c.Samples != 2 || c.CPUShare == nil || !near(c.CPUShare.Mean, 0.725) || !near(c.CPUShare.Peak, 0.95) {
		t.Fatalf("client = %+v share %+v; want 2 samples, mean 72.5%%, peak 95%%", c, c.CPUShare)
	}
	if c.GCPauseMS != 3 || c.HeapPeakBytes != 300 || c.SchedLatencyP99MS != 7 {
		t.Errorf("gc %v heap %v sched %v", c.GCPauseMS, c.HeapPeakBytes, c.SchedLatencyP99MS)
	}
	// Scheduler 7 ms ≥ 5 ms, and 2 of 4 streams in flight < 80 %; CPU mean
	// 72.5 % and send lag 1 ms are fine.
	// Little's law: 100 requests in 1.5 s is 66.7 req/s; 2 in flight on
	// average is 30 ms each.
	if !c.Bound || len(c.Reasons) != 2 || !strings.Contains(c.Reasons[0], "scheduler") ||
		!strings.Contains(c.Reasons[1], "2.0 of 4 streams in flight") || !strings.Contains(c.Reasons[1], "67 req/s × 30.0 ms") {
		t.Errorf("reasons = %q", c.Reasons)
	}
	// The in-flight check is for closed loops only, and not for sessions,
	// whose workers think between turns. Half the requests completed is
	// enough.
	if c := SummarizeClient(samples, l, 0); len(c.Reasons) != 1 {
		t.Errorf("open loop reasons = %q", c.Reasons)
	}
	// Nor for a level whose requests mostly failed (a server that was
	// down: refusals are in flight for a fraction of a millisecond).
	failing := *l
	failing.Requests = Requests{Total: 100, OK: 49, Failed: 51}
	if c := SummarizeClient(samples, &failing, failing.Level); len(c.Reasons) != 1 {
		t.Errorf("failing level's reasons = %q", c.Reasons)
	}
	withSessions := *l
	withSessions.Sessions = &SessionLevel{Sessions: 10}
	if c := SummarizeClient(samples, &withSessions, withSessions.Level); len(c.Reasons) != 1 {
		t.Errorf("session reasons = %q", c.Reasons)
	}
	quiet := []rundir.ClientSample{{TNS: 0, CPUSeconds: 1, Cores: 2}, {TNS: 1e9, CPUSeconds: 1.1, Cores: 2}}
	// Send lag p99 past its bound counts on 100 sends, not on 99 (their
	// p99 is the largest or next to it).
	for _, n := range []int{99, 100} {
		c := SummarizeClient(quiet, &Level{Level: 1, StartNS: 1, EndNS: 1e9, SendLagMS: Dist{N: n, P99: 12}}, 0)
		if c.Bound != (n >= ClientSendLagMinSends) {
			t.Errorf("send lag p99 12 ms over %d sends: bound %v %q", n, c.Bound, c.Reasons)
		}
	}
	if c := SummarizeClient(quiet, &Level{Level: 1, StartNS: 1, EndNS: 1e9}, 1); c.Bound {
		t.Errorf("a quiet client is flagged: %q", c.Reasons)
	}
}

// TestSchedLatencyOverWindow: the level's scheduler p99 is taken over all
// its scheduling events, so one busy interval among many does not flag it;
// a level whose events are slow throughout is flagged. Intervals outside
// the level do not count.
func TestSchedLatencyOverWindow(t *testing.T) {
	const ms = int64(1e6)
	calm := [][2]int64{{ms / 4, 990}, {ms, 10}}                // p99 0.25 ms
	burst := [][2]int64{{ms / 4, 950}, {ms, 20}, {8 * ms, 30}} // p99 8 ms
	slow := [][2]int64{{ms, 980}, {8 * ms, 20}}                // p99 8 ms
	series := func(hists ...[][2]int64) []rundir.ClientSample {
		out := []rundir.ClientSample{{TNS: 0, Cores: 2}}
		for i, h := range hists {
			out = append(out, rundir.ClientSample{TNS: int64(i+1) * 250 * ms, Cores: 2,
				SchedLatencyP99MS: HistQuantile(h, 0.99) / 1e6, SchedHist: h})
		}
		return out
	}
	l := &Level{Level: 1, StartNS: 1, EndNS: 2500 * ms}
	// Ten intervals, one with a burst: 10,000 events, 30 of them 8 ms
	// (0.3 %), and 20 + 90 ≤ 1 ms: rank 9,900 falls in the 1 ms bucket.
	hs := slices.Repeat([][][2]int64{calm}, 10)
	hs[4] = burst
	c := SummarizeClient(series(hs...), l, 0)
	if c.SchedLatencyP99MS != 1 || c.SchedLatencyPeakMS != 8 || c.Bound {
		t.Errorf("one burst: p99 %v ms, peak %v ms, bound %v %q; want 1, 8, false",
			c.SchedLatencyP99MS, c.SchedLatencyPeakMS, c.Bound, c.Reasons)
	}
	// Slow throughout: p99 8 ms, flagged.
	c = SummarizeClient(series(slices.Repeat([][][2]int64{slow}, 10)...), l, 0)
	if c.SchedLatencyP99MS != 8 || !c.Bound || !strings.Contains(c.Reasons[0], "scheduler latency p99 8.0 ms") {
		t.Errorf("slow: p99 %v ms, %q", c.SchedLatencyP99MS, c.Reasons)
	}
	// The slow intervals after the level (the next level's) are not its.
	hs = append(slices.Repeat([][][2]int64{calm}, 10), slices.Repeat([][][2]int64{slow}, 10)...)
	if c := SummarizeClient(series(hs...), l, 0); c.Samples != 10 || c.SchedLatencyP99MS != 1.0/4 || c.Bound {
		t.Errorf("next level counted: %d samples, p99 %v ms", c.Samples, c.SchedLatencyP99MS)
	}
}

// TestMergedClientsJudgedPerShard: in a merged run directory each shard's
// client samples are judged on their own, not as one interleaved series.
func TestMergedClientsJudgedPerShard(t *testing.T) {
	dir := t.TempDir()
	rw, err := rundir.CreateRecordWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := rec(0, 1, 0, [][2]int64{{100, 1}, {200, 1}}, 2, 1)
	r.DoneNS = 3e9
	rw.Write(r)
	rw.Close()
	// Shard 0 idles (10 % CPU); shard 1 burns 95 %. Interleaved, their
	// cumulative CPU counters would make nonsense deltas.
	lines := `{"t_ns":0,"cpu_s":1,"cores":1,"shard":0}
{"t_ns":0,"cpu_s":50,"cores":1,"shard":1}
{"t_ns":1000000000,"cpu_s":1.1,"cores":1,"shard":0}
{"t_ns":1000000000,"cpu_s":50.95,"cores":1,"shard":1}
{"t_ns":2000000000,"cpu_s":1.2,"cores":1,"shard":0}
{"t_ns":2000000000,"cpu_s":51.9,"cores":1,"shard":1}
`
	os.WriteFile(filepath.Join(dir, rundir.ClientFile), []byte(lines), 0o644)
	sum, _, err := SummarizeRun(dir, SLO{})
	if err != nil {
		t.Fatal(err)
	}
	c := sum.Levels[0].Client
	if c == nil || !c.Bound || len(c.Reasons) != 1 || !strings.HasPrefix(c.Reasons[0], "shard 1: client CPU at 95%") {
		t.Fatalf("client = %+v", c)
	}
}
