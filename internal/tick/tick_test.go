package tick

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"
)

// TestEvery: three ticks 250 ms apart (at 0, 250 and 500 ms of fake time)
// and then nil for count 3; f's error ends the loop at once; a context
// ended between ticks ends it with its error.
func TestEvery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var at []time.Duration
		err := Every(t.Context(), 250*time.Millisecond, 3, func() error {
			at = append(at, time.Since(start))
			return nil
		})
		if err != nil || len(at) != 3 || at[0] != 0 || at[1] != 250*time.Millisecond || at[2] != 500*time.Millisecond {
			t.Errorf("count 3: err %v, ticks at %v", err, at)
		}

		stop := errors.New("stop")
		n := 0
		if err := Every(t.Context(), time.Second, 0, func() error {
			if n++; n == 2 {
				return stop
			}
			return nil
		}); err != stop || n != 2 {
			t.Errorf("f's error: %v after %d ticks", err, n)
		}

		ctx, cancel := context.WithTimeout(t.Context(), 1100*time.Millisecond)
		defer cancel()
		n = 0
		if err := Every(ctx, time.Second, 0, func() error { n++; return nil }); err != context.DeadlineExceeded || n != 2 {
			t.Errorf("ctx ended: %v after %d ticks, want DeadlineExceeded after 2", err, n)
		}
	})
}

// TestSleep: Sleep reports true after d, false as soon as the context ends
// first (and at once for a context already done, whatever d).
func TestSleep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if !Sleep(t.Context(), 3*time.Second) || time.Since(start) != 3*time.Second {
			t.Errorf("Sleep 3s: returned after %v; want true after 3s", time.Since(start))
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start = time.Now()
		if Sleep(ctx, time.Hour) || time.Since(start) != time.Second {
			t.Errorf("Sleep 1h under a 1s context: returned after %v; want false after 1s", time.Since(start))
		}
		if Sleep(ctx, 0) || Sleep(ctx, -time.Second) {
			t.Error("Sleep on a done context: true; want false")
		}
		if !Sleep(t.Context(), 0) {
			t.Error("Sleep 0 on a live context: false; want true")
		}
	})
}

// TestIgnoreStop: the context's own end, wrapped or not, is no error once
// the context is done; the same error before it is done, and any other
// error, come back as they are.
func TestIgnoreStop(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	other := errors.New("disk full")
	if err := IgnoreStop(ctx, context.Canceled); err != context.Canceled {
		t.Errorf("live context, Canceled: %v; want it back", err)
	}
	cancel()
	if err := IgnoreStop(ctx, fmt.Errorf("watch: %w", context.Canceled)); err != nil {
		t.Errorf("done context, its wrapped end: %v; want nil", err)
	}
	if err := IgnoreStop(ctx, other); err != other {
		t.Errorf("done context, another error: %v; want %v", err, other)
	}
	if err := IgnoreStop(ctx, nil); err != nil {
		t.Errorf("nil: %v", err)
	}
}
