package live

import (
	"io"
	"testing"
	"time"
)

// BenchmarkRedraw is one whole redraw of the terminal progress, as its
// ticker does it twice a second: a snapshot with 10,000 requests in the
// window (2,000 requests/s), the frame, the cursor movement and the write
// (to io.Discard). At 2 redraws a second, 1 ms a redraw is 0.2 % of a core.
func BenchmarkRedraw(b *testing.B) {
	start := time.Now().Add(-10 * time.Second)
	s := New(Options{Start: start})
	s.LevelStarted(LevelPlan{Level: 64, Requests: 100000})
	now := time.Since(start).Nanoseconds()
	for i := range int64(20000) {
		s.Add(rec(64, now-10*int64(time.Second)+i*500*int64(time.Microsecond), 100*ms, 20*ms, 16))
	}
	p := NewProgress(io.Discard, s, ProgressOptions{Mode: ModeTTY, Width: 120})
	b.ReportAllocs()
	for b.Loop() {
		if err := p.draw(false, false); err != nil {
			b.Fatal(err)
		}
	}
}
