package live

import (
	"context"
	"testing"
	"time"

	"github.com/inferbench/inferbench/targets"
)

// BenchmarkAdd is the cost a run pays per record: one Add of a 256-token
// record (report.PerRequest, the counters, the Prometheus series, the
// window's ring, the level's values).
func BenchmarkAdd(b *testing.B) {
	s := New(Options{})
	s.LevelStarted(LevelPlan{Level: 64})
	r := rec(64, 0, 100*ms, 20*ms, 256)
	b.ReportAllocs()
	for b.Loop() {
		s.Add(r)
	}
}

// BenchmarkAddParallel is Add from every P at once, as a run's workers call it.
func BenchmarkAddParallel(b *testing.B) {
	s := New(Options{})
	s.LevelStarted(LevelPlan{Level: 64})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		r := rec(64, 0, 100*ms, 20*ms, 256)
		for pb.Next() {
			s.Add(r)
		}
	})
}

// BenchmarkSnapshot takes a snapshot with 10,000 requests in the window
// (2,000 requests/s): the work a view does once a second.
func BenchmarkSnapshot(b *testing.B) {
	start := time.Now().Add(-10 * time.Second)
	s := New(Options{Start: start})
	s.LevelStarted(LevelPlan{Level: 64, Requests: 100000})
	now := time.Since(start).Nanoseconds()
	for i := range int64(20000) {
		s.Add(rec(64, now-10*int64(time.Second)+i*500*int64(time.Microsecond), 100*ms, 20*ms, 16))
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Snapshot()
	}
}

// BenchmarkRender draws one terminal frame of a sweep.
func BenchmarkRender(b *testing.B) {
	snap := sweepSnapshot()
	b.ReportAllocs()
	for b.Loop() {
		Render(&snap, 120, true)
	}
}

// BenchmarkTrackChunk is what Track adds to a request's chunks: a stream of
// 256 token-bearing chunks to a callback that does nothing, bare and
// through the tracked target (in flight counted, each chunk's tokens added
// to the streamed counter). ns/chunk is per chunk.
func BenchmarkTrackChunk(b *testing.B) {
	chunks := make(listTarget, 256)
	for i := range chunks {
		chunks[i] = targets.Chunk{Content: "x", Tokens: 1}
	}
	for _, c := range []struct {
		name   string
		target targets.Target
	}{{"bare", chunks}, {"tracked", New(Options{}).Track(chunks)}} {
		b.Run(c.name, func(b *testing.B) {
			ctx, sink := context.Background(), func(targets.Chunk) {}
			b.ReportAllocs()
			for b.Loop() {
				c.target.Stream(ctx, targets.Request{}, sink)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(chunks)), "ns/chunk")
		})
		// Every P streaming at once, as a run's workers do: the streamed
		// counter is one cache line they all add to.
		b.Run(c.name+"-parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				ctx, sink := context.Background(), func(targets.Chunk) {}
				for pb.Next() {
					c.target.Stream(ctx, targets.Request{}, sink)
				}
			})
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(chunks)), "ns/chunk")
		})
	}
}
