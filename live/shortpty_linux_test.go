//go:build linux

package live

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/inferbench/inferbench/internal/ptytest"
	"golang.org/x/sys/unix"
)

// TestShortPTYKeepsTheLiveBlockOnScreen: on a terminal of fewer rows than
// the live lines take (a pane of 5 rows at 10 columns, where a level's
// live line is 7), the block drawn is at most the rows less one: the
// cursor goes down a row past each line, so a block of the terminal's
// height scrolled its first lines off the top on every redraw, and the
// move back up stopped at the top row. Each redraw left those lines in
// the scrollback: `run` at 10×5 put "level 1 / stream / 0:00/0:" there
// twice a second. As the terminal grows, the lines come back.
func TestShortPTYKeepsTheLiveBlockOnScreen(t *testing.T) {
	t.Setenv("TERM", "xterm")
	term := ptytest.Open(t, 20)
	resize := func(rows, cols int) {
		t.Helper()
		if err := unix.IoctlSetWinsize(int(term.TTY.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: uint16(rows), Col: uint16(cols)}); err != nil {
			t.Fatal(err)
		}
	}
	p := NewProgress(term.TTY, narrowingState(), ProgressOptions{})
	if !p.TTY() {
		t.Fatal("ModeAuto did not find the pseudo-terminal")
	}
	for _, rows := range []int{4, 2, 1} {
		resize(rows, 20)
		if err := p.draw(false, false); err != nil {
			t.Fatal(err)
		}
		if len(p.live) > rows-1 {
			t.Errorf("%d rows: a live block of %d lines %q; want at most %d", rows, len(p.live), p.live, rows-1)
		}
	}
	resize(24, 20)
	if err := p.draw(false, false); err != nil {
		t.Fatal(err)
	}
	if len(p.live) < 4 {
		t.Errorf("24 rows: %d live lines %q; want the whole block (4 or more at 20 columns)", len(p.live), p.live)
	}
	text := term.Close()
	for _, m := range regexp.MustCompile(`\x1b\[(\d+)A`).FindAllStringSubmatch(text, -1) {
		if n, _ := strconv.Atoi(m[1]); n > 23 {
			t.Errorf("moved up %d rows on a terminal of at most 24", n)
		}
	}
}
