package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/loadgen"
)

// TestLevelBound: the run's header says what ends a level; a run bounded
// by its duration alone no longer reads "0 requests per level".
func TestLevelBound(t *testing.T) {
	for i, c := range []struct {
		o    Options
		want string
	}{
		{Options{Requests: 300, Warmup: 2}, "300 requests (+2 warm-up) per level"},
		{Options{Requests: 1}, "1 request (+0 warm-up) per level"}, // it read "1 requests"
		{Options{Requests: 1, Duration: time.Second}, "1 request or 1s per level, whichever ends first (+0 warm-up)"},
		{Options{Duration: 10 * time.Second}, "10s per level (+0 warm-up)"},
		{Options{Requests: 300, Duration: 10 * time.Second, Warmup: 2}, "300 requests or 10s per level, whichever ends first (+2 warm-up)"},
		// A trace replays its arrivals (it read "0 requests (+0 warm-up) per
		// level" and then sent two); its first Warmup arrivals are the warm-up.
		{Options{Trace: make([]loadgen.TraceArrival, 2)}, "the trace's 2 arrivals (0 of them warm-up)"},
		{Options{Trace: make([]loadgen.TraceArrival, 50), Warmup: 4, Duration: 10 * time.Second}, "the trace's 50 arrivals, those due in the first 10s (4 of them warm-up)"},
		// A count: the lines after the warm-up, as many as there are (it
		// read "20 requests (+1 warm-up) per level" of a 12-line trace).
		{Options{Trace: make([]loadgen.TraceArrival, 12), Requests: 5, Warmup: 1}, "the trace's first 5 arrivals after the warm-up (+1 warm-up)"},
		{Options{Trace: make([]loadgen.TraceArrival, 12), Requests: 20, Warmup: 1}, "the trace's 11 arrivals after the warm-up, fewer than the 20 requests asked (+1 warm-up)"},
	} {
		if got := c.o.levelBound(); got != c.want {
			t.Errorf("case %d: %q; want %q", i, got, c.want)
		}
	}
}

// TestReadKeyFile: the key is the first line, trimmed; an empty first line,
// or one past maxKeyLine (a device, a file with no newline), is refused
// without quoting what was read.
func TestReadKeyFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if key, err := ReadKeyFile(write("ok", "  sk-abc \nsecond line\n")); err != nil || key != "sk-abc" {
		t.Errorf("ReadKeyFile = %q, %v; want sk-abc", key, err)
	}
	if key, err := ReadKeyFile(write("long-ok", strings.Repeat("k", maxKeyLine-1)+"\n"+strings.Repeat("x", 2*maxKeyLine))); err != nil || len(key) != maxKeyLine-1 {
		t.Errorf("a key just under the bound: %d bytes, %v", len(key), err)
	}
	if _, err := ReadKeyFile(write("empty", "\nsk-abc\n")); err == nil || !strings.Contains(err.Error(), "the first line is empty") {
		t.Errorf("empty first line: %v", err)
	}
	for _, p := range []string{write("huge", strings.Repeat("SECRET", 20000)), "/dev/zero"} {
		_, err := ReadKeyFile(p)
		if err == nil || !strings.Contains(err.Error(), "the first line is longer than 64 KiB: not a key file") || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("ReadKeyFile(%s) = %v; want the bound, nothing read quoted", p, err)
		}
	}
}
