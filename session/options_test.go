package session

import (
	"testing"
	"time"
)

// TestLevelBound: the run's header says what ends a level; a run bounded
// by its duration alone no longer reads "0 requests per level".
func TestLevelBound(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Requests: 300, Warmup: 2}, "300 requests (+2 warm-up) per level"},
		{Options{Duration: 10 * time.Second}, "10s per level (+0 warm-up)"},
		{Options{Requests: 300, Duration: 10 * time.Second, Warmup: 2}, "300 requests or 10s per level, whichever ends first (+2 warm-up)"},
	} {
		if got := c.o.levelBound(); got != c.want {
			t.Errorf("%+v: %q; want %q", c.o, got, c.want)
		}
	}
}
