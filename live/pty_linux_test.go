//go:build linux

package live

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/internal/ptytest"
	"golang.org/x/sys/unix"
)

// TestProgressOnPTY: under a real pseudo-terminal of 60 columns, ModeAuto
// finds the terminal and its width: the live line is redrawn in place,
// shows several done/total values, and no line is wider than 59 columns.
func TestProgressOnPTY(t *testing.T) {
	t.Setenv("TERM", "xterm") // the test's own terminal type must not decide it
	text, redraws := progressOnPTY(t, 60, ProgressOptions{Refresh: 20 * time.Millisecond}, 8)
	if !redraws {
		t.Fatal("ModeAuto did not find the pseudo-terminal")
	}

	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`level 3  (\d)/8`).FindAllStringSubmatch(text, -1) {
		seen[m[1]] = true
	}
	if len(seen) < 3 {
		t.Errorf("%d distinct done/total values on the terminal: %v; want at least 3\n%q", len(seen), seen, text)
	}
	if !strings.Contains(text, "\x1b[1A\x1b[J") {
		t.Error("no redraw in place")
	}
	for _, l := range strings.Split(regexp.MustCompile(`\r?\x1b\[\d+A\x1b\[J`).ReplaceAllString(text, "\n"), "\n") {
		if len(l) > 59 {
			t.Errorf("line of %d columns on a 60-column terminal: %q", len(l), l)
		}
	}
	if !strings.Contains(text, "level 3  ok 8  failed 0\n  TTFT p50 ") { // narrower than the table: a block
		t.Errorf("no result line for level 3:\n%q", text)
	}
}

// TestProgressOnDumbTerminal: a pseudo-terminal whose TERM is "dumb" (Emacs's
// shell) cannot move its cursor, so ModeAuto prints plain lines there: no
// escape sequence reaches it, and the level's result line still does. The
// old code redrew with ESC[1A ESC[J, shown as text on every refresh.
func TestProgressOnDumbTerminal(t *testing.T) {
	t.Setenv("TERM", "dumb")
	text, redraws := progressOnPTY(t, 80, ProgressOptions{Refresh: 20 * time.Millisecond, Interval: 40 * time.Millisecond}, 4)
	if redraws {
		t.Error("ModeAuto redraws on a TERM=dumb terminal")
	}
	if strings.Contains(text, "\x1b") {
		t.Errorf("escape sequences on a TERM=dumb terminal:\n%q", text)
	}
	if !strings.Contains(text, "     3       4      0") {
		t.Errorf("no result line for level 3:\n%q", text)
	}
}

// progressOnPTY runs a Progress (ModeAuto) on a pseudo-terminal of cols
// columns through one level of n requests, one every 60 ms, and returns what
// the terminal received and whether the Progress chose to redraw.
func progressOnPTY(t *testing.T, cols int, o ProgressOptions, n int) (string, bool) {
	t.Helper()
	term := ptytest.Open(t, cols)
	s := New(Options{})
	p := NewProgress(term.TTY, s, o)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	s.LevelStarted(LevelPlan{Level: 3, Requests: n})
	for range n {
		time.Sleep(60 * time.Millisecond)
		now := time.Since(s.start).Nanoseconds()
		s.Add(rec(3, now-50*ms, 10*ms, 2*ms, 21))
	}
	s.LevelFinished(3, nil)
	time.Sleep(60 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return term.Close(), p.TTY()
}

// TestNarrowedPTYErasesTheWrappedRows: a pseudo-terminal narrowed from 100
// to 40 columns between two redraws (TIOCSWINSZ, what SIGWINCH tells of):
// the second redraw moves up over the rows the old live lines wrapped into
// at 40 columns, and draws lines that fit in 39. It moved up one row a
// line, as at 100 columns.
func TestNarrowedPTYErasesTheWrappedRows(t *testing.T) {
	t.Setenv("TERM", "xterm")
	term := ptytest.Open(t, 100)
	p := NewProgress(term.TTY, narrowingState(), ProgressOptions{})
	if !p.TTY() {
		t.Fatal("ModeAuto did not find the pseudo-terminal")
	}
	if err := p.draw(false, false); err != nil {
		t.Fatal(err)
	}
	old := p.live
	rows := 0
	for _, l := range old {
		rows += (len(l) + 39) / 40
	}
	if rows <= len(old) {
		t.Fatalf("live lines %q wrap into %d rows at 40 columns; the test needs more than one a line", old, rows)
	}
	if err := unix.IoctlSetWinsize(int(term.TTY.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 40}); err != nil {
		t.Fatal(err)
	}
	if err := p.draw(false, false); err != nil {
		t.Fatal(err)
	}
	text := term.Close()
	_, after, _ := strings.Cut(text, old[len(old)-1]+"\n")
	if want := fmt.Sprintf("\r\x1b[%dA\x1b[J", rows); !strings.HasPrefix(after, want) {
		t.Errorf("after the resize the redraw begins %q; want %q (the %d rows of %q at 40 columns)", after[:min(len(after), 12)], want, rows, old)
	}
	for _, l := range p.live {
		if len(l) > 39 {
			t.Errorf("a live line of %d columns at 40: %q", len(l), l)
		}
	}
}

// TestResultsModeOnNarrowPTY: ModeResults (run --progress off) on a
// terminal of 60 columns lays each level's result out for its width, as
// the live mode does, with no control characters: it printed the table's
// 64-column header and rows, which the terminal wrapped mid-number.
func TestResultsModeOnNarrowPTY(t *testing.T) {
	t.Setenv("TERM", "xterm")
	text, redraws := progressOnPTY(t, 60, ProgressOptions{Mode: ModeResults, Refresh: 20 * time.Millisecond}, 4)
	if redraws {
		t.Error("ModeResults redraws")
	}
	if strings.Contains(text, "\x1b") {
		t.Errorf("escape sequences in ModeResults:\n%q", text)
	}
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		if len(l) > 59 {
			t.Errorf("line of %d columns on a 60-column terminal: %q", len(l), l)
		}
	}
	if !strings.Contains(text, "level 3  ok 4  failed 0\n  TTFT p50 ") && !strings.Contains(text, "level 3  ok 4  failed 0\r\n  TTFT p50 ") {
		t.Errorf("no result block for level 3:\n%q", text)
	}
}
