//go:build linux

package live

import (
	"context"
	"fmt"
	"os"
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
	if !strings.Contains(text, "\x1b[1A\r\x1b[J") {
		t.Error("no redraw in place")
	}
	for _, l := range strings.Split(regexp.MustCompile(`\x1b\[\d+A\r\x1b\[J`).ReplaceAllString(text, "\n"), "\n") {
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
// to 40 columns between two redraws (TIOCSWINSZ, what SIGWINCH tells of).
// The first frame leaves the cursor at the start of its live lines, up as
// many rows as it drew lines at 100 columns; the second erases from there
// down, with no count of rows, which the resize made wrong either way (more
// rows a line where the terminal re-wraps them, one where it cuts them:
// TestNarrowingRedrawsCleanly), and draws lines that fit in 39 columns.
// It moved up the rows the old lines wrap into at 40 columns, past the
// block on a terminal that cuts its rows.
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
	if want := fmt.Sprintf("\x1b[%dA\r\x1b[J", len(old)); !strings.HasPrefix(after, want) {
		t.Errorf("between the frames %q; want %q (up the %d lines of %q, then erase down)", after[:min(len(after), 12)], want, len(old), old)
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

// TestSIGWINCHRedraws: on a pseudo-terminal narrowed from 100 to 40
// columns (TIOCSWINSZ) and a SIGWINCH to this process, as the terminal's
// resize sends it, the Progress redraws at its new width at once — its
// refresh here is an hour — where it waited for the next refresh (500 ms
// by default) with the old lines re-wrapped or cut meanwhile.
func TestSIGWINCHRedraws(t *testing.T) {
	t.Setenv("TERM", "xterm")
	term := ptytest.Open(t, 100)
	p := NewProgress(term.TTY, narrowingState(), ProgressOptions{Refresh: time.Hour})
	if !p.TTY() {
		t.Fatal("ModeAuto did not find the pseudo-terminal")
	}
	if err := p.draw(false, false); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	if err := unix.IoctlSetWinsize(int(term.TTY.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 40}); err != nil {
		t.Fatal(err)
	}
	narrow := func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, l := range p.live {
			if len(l) > 39 {
				return false
			}
		}
		return len(p.live) > 0
	}
	// The signal is sent until the Progress has redrawn: it may come
	// before Run listens. The test's deadline bounds the wait.
	deadline, bounded := t.Deadline()
	for !narrow() {
		if bounded && time.Until(deadline) < 5*time.Second {
			t.Fatal("no redraw at 40 columns after SIGWINCH")
		}
		if err := unix.Kill(os.Getpid(), unix.SIGWINCH); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
