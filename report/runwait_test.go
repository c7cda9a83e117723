package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// waitSeries is a client sampled every second from 4 s to 16 s, running
// 0.01 s a second, whose threads' cumulative run-queue wait and timeslices
// are wait(t) and slices(t) (nil: not recorded).
func waitSeries(wait func(s int64) *float64, slices func(s int64) *int64) []rundir.ClientSample {
	var out []rundir.ClientSample
	for s := int64(4); s <= 16; s++ {
		out = append(out, rundir.ClientSample{TNS: s * 1e9, CPUSeconds: float64(s) / 100, Cores: 2, RunWaitSeconds: wait(s), RunSlices: slices(s)})
	}
	return out
}

// linear is a cumulative total that grows by total over (5 s, 15 s], with
// wild values outside, which must not be read.
func linear(total float64) func(int64) *float64 {
	return func(s int64) *float64 {
		v := total * float64(s-5) / 10
		switch s {
		case 4:
			v = -7
		case 16:
			v = 1e6
		}
		return &v
	}
}

func slicesUpTo(n int64) func(int64) *int64 {
	return func(s int64) *int64 {
		v := n * (s - 5) / 10
		switch s {
		case 4:
			v = 5e9
		case 16:
			v = 0
		}
		return &v
	}
}

// The client's run-queue wait over a level, hand-computed: window (5 s,
// 15 s], its first interval from the sample at 5 s, its last ending at
// 15 s, 0.1 s of CPU in it. 0 → 3 s of wait over 10,000 timeslices is 0.3
// ms a time (past ClientRunWaitBoundMS) and 30 s per CPU second (past
// ClientRunWaitPerCPUBound): CLIENT-BOUND, though its CPU (1 %) and
// scheduler are quiet; 3 s over 10 s is 0.3 threads waiting. 0.5 s over
// the same timeslices, 0.05 ms a time, is not flagged (5 s per CPU second
// alone is not enough).
func TestClientRunWaitHandComputed(t *testing.T) {
	l := &Level{Level: 1, StartNS: 5e9 + 1, EndNS: 15e9, WindowS: 10}
	for _, c := range []struct {
		total, meanMS, perCPU, threads float64
		bound                          bool
	}{{3, 0.3, 30, 0.3, true}, {0.5, 0.05, 5, 0.05, false}} {
		got := SummarizeClient(waitSeries(linear(c.total), slicesUpTo(10000)), l, 0)
		if got.RunWaitS == nil || got.RunWaitMeanMS == nil || got.RunWaitPerCPU == nil || got.RunWaitThreads == nil ||
			!near(*got.RunWaitS, c.total) || !near(*got.RunWaitMeanMS, c.meanMS) || !near(*got.RunWaitPerCPU, c.perCPU) || !near(*got.RunWaitThreads, c.threads) || got.Bound != c.bound {
			t.Errorf("wait 0 → %v s: %v s, %v ms, %v per CPU s, %v threads, bound %v %q; want %v ms, %v, %v threads, %v",
				c.total, got.RunWaitS, got.RunWaitMeanMS, got.RunWaitPerCPU, got.RunWaitThreads, got.Bound, got.Reasons, c.meanMS, c.perCPU, c.threads, c.bound)
		}
		if c.bound && (len(got.Reasons) != 1 || !strings.Contains(got.Warning(), "CLIENT-BOUND: the load generator was near its limit (its threads waited 0.30 ms on average for a CPU each time they became runnable, 30.0 s per second they ran: the host took the CPU away")) {
			t.Errorf("warning %q", got.Warning())
		}
	}
	// A busy client whose own threads queue for its cores (3 s of wait, 0.3
	// ms a time, but over 10 s of CPU: 0.3 s per CPU second) is the CPU
	// check's to judge, not the host's: not flagged here.
	busy := waitSeries(linear(3), slicesUpTo(10000))
	for i := range busy {
		busy[i].CPUSeconds = float64(busy[i].TNS) / 1e9
	}
	if got := SummarizeClient(busy, l, 0); got.RunWaitPerCPU == nil || !near(*got.RunWaitPerCPU, 0.3) || got.Bound {
		t.Errorf("0.3 ms a time over 10 s of CPU: %v per CPU s, bound %v %q; want 0.3, not flagged", got.RunWaitPerCPU, got.Bound, got.Reasons)
	}
	// Too few timeslices to judge (50): the wait is given, no mean, no flag.
	few := SummarizeClient(waitSeries(linear(3), slicesUpTo(50)), l, 0)
	if few.RunWaitS == nil || few.RunWaitMeanMS != nil || few.Bound {
		t.Errorf("50 timeslices: %v s, mean %v, bound %v; want the wait, no mean, not flagged", few.RunWaitS, few.RunWaitMeanMS, few.Bound)
	}
	// No run_wait_s (not Linux, a run written before it): nothing said.
	none := SummarizeClient(waitSeries(func(int64) *float64 { return nil }, func(int64) *int64 { return nil }), l, 0)
	if none.RunWaitS != nil || none.RunWaitMeanMS != nil || none.RunWaitThreads != nil || none.Bound {
		t.Errorf("without the fields: %+v", none)
	}
}

// A sharded run keeps the most-waiting shard's figures and names it.
func TestClientRunWaitPerShard(t *testing.T) {
	sum := &Summary{Levels: []Level{{Level: 2, StartNS: 5e9 + 1, EndNS: 15e9, WindowS: 10}}}
	JudgeClientsPerShard(sum, map[int][]rundir.ClientSample{
		0: waitSeries(linear(0.2), slicesUpTo(10000)),
		1: waitSeries(linear(2), slicesUpTo(10000)),
	}, nil)
	c := sum.Levels[0].Client
	if c.RunWaitMeanMS == nil || !near(*c.RunWaitMeanMS, 0.2) || c.RunWaitPerCPU == nil || !near(*c.RunWaitPerCPU, 20) ||
		len(c.Reasons) != 1 || !strings.HasPrefix(c.Reasons[0], "shard 1: its threads waited 0.20 ms") {
		t.Errorf("merged: %v ms, reasons %q; want shard 1's 0.2 ms", c.RunWaitMeanMS, c.Reasons)
	}
}

// The figures shown are those of the shard whose wait made the level
// CLIENT-BOUND, though another's threads waited more: shard 0 waited 3 s
// over 100,000 timeslices (0.03 ms a time, 30 s per CPU second, 0.3
// threads: not bound), shard 1 2 s over 10,000 (0.2 ms, 20 s, 0.2
// threads: bound). summary.json showed shard 0's 0.03 ms beside shard 1's
// reason of 0.20 ms.
func TestClientRunWaitPerShardShowsTheBoundShard(t *testing.T) {
	sum := &Summary{Levels: []Level{{Level: 2, StartNS: 5e9 + 1, EndNS: 15e9, WindowS: 10}}}
	JudgeClientsPerShard(sum, map[int][]rundir.ClientSample{
		0: waitSeries(linear(3), slicesUpTo(100000)),
		1: waitSeries(linear(2), slicesUpTo(10000)),
	}, nil)
	c := sum.Levels[0].Client
	if len(c.Reasons) != 1 || !strings.HasPrefix(c.Reasons[0], "shard 1: its threads waited 0.20 ms") {
		t.Fatalf("reasons %q; want shard 1's run-queue wait", c.Reasons)
	}
	if c.RunWaitMeanMS == nil || !near(*c.RunWaitMeanMS, 0.2) || c.RunWaitPerCPU == nil || !near(*c.RunWaitPerCPU, 20) ||
		c.RunWaitThreads == nil || !near(*c.RunWaitThreads, 0.2) {
		t.Errorf("merged %v ms, %v s per CPU second, %v threads; want shard 1's 0.2 ms, 20 s, 0.2", deref(c.RunWaitMeanMS), deref(c.RunWaitPerCPU), deref(c.RunWaitThreads))
	}
}

func TestRunWaitPerCPU(t *testing.T) {
	for _, tt := range []struct {
		wait, cpu, want float64
		ok              bool
	}{
		{3, 0.5, 6, true},
		{0, 1, 0, true},
		{1, 0, 0, false},  // no CPU time
		{-1, 1, 0, false}, // a total that went back
	} {
		got, ok := RunWaitPerCPU(tt.wait, tt.cpu)
		if !near(got, tt.want) || ok != tt.ok {
			t.Errorf("RunWaitPerCPU(%v, %v) = %v, %v; want %v, %v", tt.wait, tt.cpu, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRunWaitMeanMS(t *testing.T) {
	for _, tt := range []struct {
		wait, slices, want float64
		ok                 bool
	}{
		{3, 10000, 0.3, true},
		{0, 100, 0, true},
		{1, 99, 0, false},    // too few to judge
		{-1, 1000, 0, false}, // a total that went back
	} {
		got, ok := RunWaitMeanMS(tt.wait, tt.slices)
		if !near(got, tt.want) || ok != tt.ok {
			t.Errorf("RunWaitMeanMS(%v, %v) = %v, %v; want %v, %v", tt.wait, tt.slices, got, ok, tt.want, tt.ok)
		}
	}
}

// The wait per CPU second divides two schedstat readings of the same
// threads where client.jsonl has both (run_cpu_s beside run_wait_s), not
// the wait by getrusage's CPU time: here the threads ran 0.125 s over the
// window by schedstat and the process 0.1 s by getrusage, and waited 0.5 s
// over 1,000 timeslices (0.5 ms a time): 4.0 s per CPU second, under
// ClientRunWaitPerCPUBound, where getrusage's clock made it 5.0 and the
// level CLIENT-BOUND. A run written without run_cpu_s keeps getrusage's.
func TestClientRunWaitPerCPUFromOneClock(t *testing.T) {
	l := &Level{Level: 2, StartNS: 5e9 + 1, EndNS: 15e9, WindowS: 10}
	samples := waitSeries(linear(0.5), slicesUpTo(1000))
	run := linear(0.125)
	for i := range samples {
		samples[i].RunCPUSeconds = run(samples[i].TNS / 1e9)
	}
	got := SummarizeClient(samples, l, 0)
	if got.RunWaitPerCPU == nil || !near(*got.RunWaitPerCPU, 4) || got.RunWaitCPUFrom != "schedstat" || got.Bound {
		t.Errorf("with run_cpu_s: %v s per CPU second from %q, bound %v %q; want 4.0 from schedstat, not flagged",
			deref(got.RunWaitPerCPU), got.RunWaitCPUFrom, got.Bound, got.Reasons)
	}
	for i := range samples {
		samples[i].RunCPUSeconds = nil
	}
	old := SummarizeClient(samples, l, 0)
	if old.RunWaitPerCPU == nil || !near(*old.RunWaitPerCPU, 5) || old.RunWaitCPUFrom != "getrusage" || !old.Bound {
		t.Errorf("without run_cpu_s: %v s per CPU second from %q, bound %v; want 5.0 from getrusage, flagged",
			deref(old.RunWaitPerCPU), old.RunWaitCPUFrom, old.Bound)
	}
}
