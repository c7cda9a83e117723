package session

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// TestStartLineWritesOutItsNames: the run's start line names its model and
// run directory as the user gave them, written out for a terminal: a
// directory named with a newline and a right-to-left override (U+202E)
// was printed raw, splitting the line and reversing what followed.
func TestStartLineWritesOutItsNames(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := adaptiveOptions(t, "http://mock")
		o.Dial = fixedMockBubble(t, 5*time.Millisecond, time.Millisecond, 4)
		o.Precision, o.Requests = 0, 4
		o.Out = filepath.Join(t.TempDir(), "a\nb\u202ec")
		o.Model = "m\x1b[2J"
		var log strings.Builder
		if _, err := Run(t.Context(), t.Context(), o, io.MultiWriter(&log)); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(log.String(), "\n") {
			if strings.Contains(line, "→") && (!strings.Contains(line, `a\nb\u202ec`) || !strings.Contains(line, `m\x1b[2J`)) {
				t.Errorf("start line %q; want the directory and model written out", line)
			}
		}
		if strings.ContainsAny(log.String(), "\u202e\x1b") {
			t.Errorf("a raw override or escape in the log:\n%s", log.String())
		}
	})
}
