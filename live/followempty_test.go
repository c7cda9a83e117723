package live

import (
	"context"
	"io"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// TestFollowRefusesAnEmptyPath: watch of an empty path waited for ever
// ("warning:  does not exist yet") where report and compare refuse one at
// once: an empty RUN_DIR names no directory a run could ever create. On
// the bubble's clock a follower that waits reaches the hour's deadline.
func TestFollowRefusesAnEmptyPath(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
		defer cancel()
		err := Follow(ctx, "", io.Discard, FollowOptions{Poll: MinPoll})
		if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "RUN_DIR is empty") {
			t.Errorf("Follow(\"\"): %v; want refused at once, RUN_DIR is empty", err)
		}
	})
}
