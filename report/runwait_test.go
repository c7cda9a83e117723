package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// waitSeries is a client sampled every second from 4 s to 16 s whose
// threads' cumulative run-queue wait is wait(t) (nil: not recorded).
func waitSeries(wait func(s int64) *float64) []rundir.ClientSample {
	var out []rundir.ClientSample
	for s := int64(4); s <= 16; s++ {
		out = append(out, rundir.ClientSample{TNS: s * 1e9, CPUSeconds: float64(s) / 100, Cores: 2, RunWaitSeconds: wait(s)})
	}
	return out
}

// The client's run-queue wait over a level, hand-computed: window (5 s,
// 15 s], its first interval from the sample at 5 s, its last ending at
// 15 s; the wait 0 → 3 s over those 10 s is 0.3 threads waiting on
// average, past ClientRunWaitBound (0.1): CLIENT-BOUND, though its CPU
// (1 %) and scheduler are quiet. 0 → 0.5 s, 0.05 threads, is not. The
// samples outside (4 s and 16 s, with wild values) do not count.
func TestClientRunWaitHandComputed(t *testing.T) {
	l := &Level{Level: 1, StartNS: 5e9 + 1, EndNS: 15e9, WindowS: 10}
	for _, c := range []struct {
		total   float64
		threads float64
		bound   bool
	}{{3, 0.3, true}, {0.5, 0.05, false}} {
		samples := waitSeries(func(s int64) *float64 {
			v := c.total * float64(s-5) / 10
			switch s {
			case 4:
				v = -7
			case 16:
				v = 100
			}
			return &v
		})
		got := SummarizeClient(samples, l, false)
		if got.RunWaitS == nil || got.RunWaitThreads == nil || !near(*got.RunWaitS, c.total) || !near(*got.RunWaitThreads, c.threads) || got.Bound != c.bound {
			t.Errorf("wait 0 → %v s: %v s, %v threads, bound %v %q; want %v threads, %v", c.total, got.RunWaitS, got.RunWaitThreads, got.Bound, got.Reasons, c.threads, c.bound)
		}
		if c.bound && (len(got.Reasons) != 1 || !strings.Contains(got.Warning(), "CLIENT-BOUND: the load generator was near its limit (the host kept 0.30 of its threads waiting for a CPU on average (run-queue wait 3.00 s)")) {
			t.Errorf("warning %q", got.Warning())
		}
	}
	// No run_wait_s (not Linux, a run written before it): nothing said.
	none := SummarizeClient(waitSeries(func(int64) *float64 { return nil }), l, false)
	if none.RunWaitS != nil || none.RunWaitThreads != nil || none.Bound {
		t.Errorf("without the field: %+v", none)
	}
}

// A sharded run keeps the most-waiting shard's figure and names it.
func TestClientRunWaitPerShard(t *testing.T) {
	series := func(total float64) []rundir.ClientSample {
		return waitSeries(func(s int64) *float64 {
			v := total * float64(min(max(s, 5), 15)-5) / 10
			return &v
		})
	}
	sum := &Summary{Levels: []Level{{Level: 2, StartNS: 5e9 + 1, EndNS: 15e9, WindowS: 10}}}
	JudgeClientsPerShard(sum, map[int][]rundir.ClientSample{0: series(0.2), 1: series(2)}, false)
	c := sum.Levels[0].Client
	if c.RunWaitThreads == nil || !near(*c.RunWaitThreads, 0.2) || len(c.Reasons) != 1 || !strings.HasPrefix(c.Reasons[0], "shard 1: the host kept 0.20") {
		t.Errorf("merged: %v threads, reasons %q; want shard 1's 0.2", c.RunWaitThreads, c.Reasons)
	}
}
