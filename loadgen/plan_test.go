package loadgen

import (
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestRunnerPlan: Plan is the runner's own share. Unsharded, what it was
// given; shard 1 of 4 of 10 requests and 6 warm-ups over 8 workers,
// rundir.Share's 3 and 2 (10 = 3+3+2+2, 6 = 2+2+1+1); a trace without a
// count, its arrivals after the warm-up (shard 1 of 2 of 5: the 2nd and
// 4th). LastDue is
// the due time of the last line the runner sends, known for a trace only.
func TestRunnerPlan(t *testing.T) {
	w := Workload{Model: "m", PromptTokens: 4, MaxTokens: 4}
	trace := make([]TraceArrival, 5)
	for i := range trace {
		trace[i].Offset = time.Duration(i) * time.Second
	}
	for _, c := range []struct {
		name    string
		opts    []Option
		n, warm int
		d, last time.Duration
	}{
		{"plain", []Option{Requests(10), Warmup(6), Duration(time.Minute)}, 10, 6, time.Minute, 0},
		{"shard", []Option{Concurrency(8), Requests(10), Warmup(6), Shard(rundir.Shard{Index: 1, Count: 4})}, 3, 2, 0, 0},
		{"trace", []Option{Trace(trace), Shard(rundir.Shard{Index: 1, Count: 2})}, 2, 0, 0, 3 * time.Second},
		{"trace count", []Option{Trace(trace), Requests(2), Warmup(1)}, 2, 1, 0, 2 * time.Second},
		// The warm-up is the trace's first lines, not more: 3 + 2 = 5 (it
		// read 5 + 2, and a live line "5/7" never reached its total).
		{"trace warm-up", []Option{Trace(trace), Warmup(2)}, 3, 2, 0, 4 * time.Second},
		{"trace duration", []Option{Trace(trace), Duration(2500 * time.Millisecond)}, 0, 0, 2500 * time.Millisecond, 2 * time.Second},
		// A count beyond the trace: the lines it has (the plan said 10 + 1).
		{"trace count past its end", []Option{Trace(trace), Requests(10), Warmup(1)}, 4, 1, 0, 4 * time.Second},
	} {
		r, err := New(&fakeTarget{}, w, c.opts...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if n, warm, d, last := r.Plan(); n != c.n || warm != c.warm || d != c.d || last != c.last {
			t.Errorf("%s: plan %d, %d, %v, last due %v; want %d, %d, %v, %v", c.name, n, warm, d, last, c.n, c.warm, c.d, c.last)
		}
	}
}
