package loadgen

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// instantTarget answers every request at once: a role chunk, four one-token
// chunks and the usage, with no waiting, so that a level's cost is the
// load generator's own.
type instantTarget struct{}

func (instantTarget) Stream(_ context.Context, _ targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	on(targets.Chunk{})
	for range 4 {
		on(targets.Chunk{Content: "x", Tokens: 1})
	}
	u := &targets.Usage{PromptTokens: 8, CompletionTokens: 4}
	on(targets.Chunk{Usage: u})
	return targets.Final{FinishReason: "length", Usage: u}, nil
}

// BenchmarkLevel is the load generator's cost of one level of 1,000
// requests against a target that answers at once, per send loop: closed
// (8 workers), open (Poisson at 10⁶ req/s, so the pacer never waits long)
// and open sessions (two turns each, no think time). One op is the whole
// level: scheduling, claiming ids, sending, recording to a sink that drops
// the records. trace-burst is a trace of 1,000 lines all due at its start:
// its last-ms metric is when the last of them was sent, from the window's
// start (the burst's whole send time).
func BenchmarkLevel(b *testing.B) {
	var last atomic.Int64
	drop := func(r *rundir.Record) error {
		for v := last.Load(); r.SentNS-r.ScheduledNS > v && !last.CompareAndSwap(v, r.SentNS-r.ScheduledNS); v = last.Load() {
		}
		return nil
	}
	twoTurns := &Sessions{Turns: func(uint64) int { return 2 }}
	for _, c := range []struct {
		name string
		w    Workload
		opts []Option
	}{
		{"closed", Workload{Model: "m", PromptTokens: 8, MaxTokens: 4}, []Option{Concurrency(8)}},
		{"open", Workload{Model: "m", PromptTokens: 8, MaxTokens: 4}, []Option{Rate(1e6, ArrivalPoisson, 1)}},
		{"open-sessions", Workload{Model: "m", PromptTokens: 8, MaxTokens: 4, Sessions: twoTurns}, []Option{Rate(1e6, ArrivalPoisson, 1)}},
		{"trace-burst", Workload{Model: "m", PromptTokens: 8, MaxTokens: 4}, []Option{Trace(make([]TraceArrival, 1000))}},
	} {
		b.Run(c.name, func(b *testing.B) {
			r, err := New(instantTarget{}, c.w, append([]Option{Requests(1000), Level(1, 0), Timeout(time.Minute)}, c.opts...)...)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var lastSum int64
			for b.Loop() {
				last.Store(0)
				if _, err := r.Run(b.Context(), b.Context(), time.Now(), drop); err != nil {
					b.Fatal(err)
				}
				lastSum += last.Load()
			}
			if c.name == "trace-burst" {
				b.ReportMetric(float64(lastSum)/float64(b.N)/1e6, "last-ms")
			}
		})
	}
}
