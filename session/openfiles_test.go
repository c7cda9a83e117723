package session

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// TestWarnsPastOpenFileLimit: -c 100000 against the mock on a host whose
// open-file limit is 20,000 recorded 35,002 of 100,000 requests as
// failures of class connection ("dial tcp …: socket: too many open files"),
// counted against the server, with no word before the load that the
// client could not open that many connections. Over plain HTTP each
// stream in flight holds a connection: a level past the limit is warned of
// before the load.
func TestWarnsPastOpenFileLimit(t *testing.T) {
	run := func(t *testing.T, streams int, limit uint64) string {
		var log strings.Builder
		synctest.Test(t, func(t *testing.T) {
			o := adaptiveOptions(t, "http://mock")
			o.Precision, o.Requests = 0, 2*streams
			o.Concurrency = 0
			o.Sweep = []int{streams / 2, streams}
			o.Dial = fixedMockBubble(t, 5*time.Millisecond, time.Millisecond, 2)
			o.openFiles = func() (uint64, bool) { return limit, true }
			if _, err := Run(t.Context(), t.Context(), o, &log); err != nil {
				t.Fatal(err)
			}
		})
		return log.String()
	}
	if got := run(t, 64, 50); !strings.Contains(got, "open-file limit") || !strings.Contains(got, "64") {
		t.Errorf("64 streams, a limit of 50 files: no warning:\n%s", got)
	}
	if got := run(t, 8, 1024); strings.Contains(got, "open-file limit") {
		t.Errorf("8 streams, a limit of 1024 files: warned:\n%s", got)
	}
}
