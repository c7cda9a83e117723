package loadgen

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"testing/synctest"
	"time"
)

// TestPacerNeverEarly: on the real clock every wait ends at or after its due
// time, through both the timer and the fine sleep.
func TestPacerNeverEarly(t *testing.T) {
	p := newPacer()
	defer p.stop()
	for _, d := range []time.Duration{-time.Millisecond, 0, 50 * time.Microsecond, 700 * time.Microsecond, 2 * time.Millisecond, 5 * time.Millisecond} {
		due := time.Now().Add(d)
		if err := p.wait(context.Background(), due); err != nil {
			t.Fatal(err)
		}
		if now := time.Now(); now.Before(due) {
			t.Errorf("wait(%v) returned %v early", d, due.Sub(now))
		}
	}
	if p.coarse != (runtime.GOMAXPROCS(0) < 2) {
		t.Errorf("coarse = %v with GOMAXPROCS %d; want the fine sleep exactly when there are two Ps or more", p.coarse, runtime.GOMAXPROCS(0))
	}
}

// TestPacerCanceled: a context that ends stops the wait with its cause, and
// a context already ended stops it even when the due time has passed.
func TestPacerCanceled(t *testing.T) {
	p := newPacer()
	defer p.stop()
	stop := errors.New("stopped")
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(20*time.Millisecond, func() { cancel(stop) })
	if err := p.wait(ctx, time.Now().Add(time.Hour)); !errors.Is(err, stop) {
		t.Fatalf("wait = %v, want the cause", err)
	}
	if err := p.wait(ctx, time.Now().Add(-time.Second)); !errors.Is(err, stop) {
		t.Fatalf("wait past due on an ended context = %v, want the cause", err)
	}
}

// TestPacerInBubble: in a synctest bubble the clock does not follow the
// operating system's sleep; the pacer notices and waits on the bubble's
// timer, returning exactly at each due time.
func TestPacerInBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPacer()
		defer p.stop()
		start := time.Now()
		for _, off := range []time.Duration{time.Millisecond, 1500 * time.Microsecond, 10 * time.Millisecond, time.Second} {
			if err := p.wait(context.Background(), start.Add(off)); err != nil {
				t.Fatal(err)
			}
			if got := time.Since(start); got != off {
				t.Fatalf("in the bubble wait returned at %v, want %v", got, off)
			}
		}
		if !p.coarse {
			t.Error("the bubble's clock was not noticed")
		}
	})
}
