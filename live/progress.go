package live

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// Defaults for ProgressOptions fields left zero.
const (
	// DefaultProgressInterval is how often a plain progress line is
	// printed when the output is not a terminal (a CI log).
	DefaultProgressInterval = 10 * time.Second
	// DefaultRefresh is how often a terminal's live lines are redrawn, and
	// how soon a finished level's result line appears.
	DefaultRefresh = 500 * time.Millisecond
	// DefaultWidth is the width assumed when a terminal does not say.
	DefaultWidth = 80
)

// Mode says how Progress writes.
type Mode int

const (
	// ModeAuto draws on a terminal and prints plain lines elsewhere,
	// including on a terminal that says it cannot move its cursor
	// (TERM=dumb: Emacs's shell, some CI consoles).
	ModeAuto Mode = iota
	// ModeTTY redraws the live lines in place (ANSI cursor movement).
	ModeTTY
	// ModePlain prints plain lines with no control characters.
	ModePlain
	// ModeResults prints only the result line of each level, plain (no
	// live line, no control characters).
	ModeResults
)

// ProgressOptions configure a Progress.
type ProgressOptions struct {
	// Mode picks terminal or plain output; ModeAuto asks the terminal.
	Mode Mode
	// Interval is the period of plain progress lines; 0 means DefaultProgressInterval.
	Interval time.Duration
	// Refresh is the terminal's redraw period; 0 means DefaultRefresh.
	Refresh time.Duration
	// Width is the terminal's width; 0 asks the terminal at each redraw
	// (DefaultWidth if it cannot tell).
	Width int
}

// Progress writes a State's progress to a writer (stderr: progress never
// goes to stdout, which carries the results). It owns the ticker: Run
// redraws until its context ends. Other messages meant for the same
// writer while it runs go through Writer, so they do not tear the live lines.
type Progress struct {
	w       io.Writer
	s       *State
	o       ProgressOptions
	tty     bool
	fit     bool // ModeResults on a terminal: result lines laid out for its width
	fd      int
	mu      sync.Mutex
	printed int      // Frame.Results already written
	live    []string // the live lines on screen (tty) or last printed
	buf     bytes.Buffer
	// termWidth reads the terminal's width (ok false: it cannot tell);
	// watchResize starts telling of the terminal's resizes (SIGWINCH),
	// where the output is a terminal, and returns the stop of it. Tests
	// give their own (one that runs a Progress on a real terminal in a
	// synctest bubble must: signal.Notify with a channel made in a bubble
	// is fatal to the runtime).
	termWidth   func() (int, bool)
	watchResize func() (<-chan os.Signal, func())
	// termHeight reads the terminal's height in rows (ok false: it
	// cannot tell): a live block is drawn in one row fewer (fitHeight).
	termHeight func() (int, bool)
}

// NewProgress returns a Progress of s writing to w.
func NewProgress(w io.Writer, s *State, o ProgressOptions) *Progress {
	p := &Progress{w: w, s: s, o: o, fd: -1, watchResize: noResizes}
	if IsTerminal(w) {
		// Drawn elsewhere (ModeTTY forced on a pipe), a terminal's
		// resize is none of its business.
		p.watchResize = watchSIGWINCH
	}
	p.o.Interval = cmp.Or(o.Interval, DefaultProgressInterval)
	p.o.Refresh = cmp.Or(o.Refresh, DefaultRefresh)
	if f, ok := w.(interface{ Fd() uintptr }); ok {
		p.fd = int(f.Fd())
	}
	p.termWidth = func() (int, bool) {
		if p.fd < 0 {
			return 0, false
		}
		w, _, err := term.GetSize(p.fd)
		return w, err == nil && w > 0
	}
	p.termHeight = func() (int, bool) {
		if p.fd < 0 {
			return 0, false
		}
		_, h, err := term.GetSize(p.fd)
		return h, err == nil && h > 0
	}
	switch o.Mode {
	case ModeTTY:
		p.tty = true
	case ModeAuto:
		p.tty = IsTerminal(w) && CanRedraw()
	case ModeResults:
		// No redraw, but the lines are a terminal's: a result row wider
		// than it wrapped mid-number (the table is 64 columns).
		p.fit = IsTerminal(w)
	}
	return p
}

// IsTerminal reports whether w is a terminal (golang.org/x/term).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// CanRedraw reports whether the terminal named by $TERM can move its
// cursor. "dumb" is the terminfo entry of a terminal with no cursor
// addressing at all: the redraw's ESC[1A and ESC[J would be printed there
// as text on every refresh. An unset TERM is not taken as dumb: a
// terminal launched without an environment still understands ANSI.
func CanRedraw() bool { return os.Getenv("TERM") != "dumb" }

// noResizes tells of no resize.
func noResizes() (<-chan os.Signal, func()) { return nil, func() {} }

// TTY reports whether the Progress draws on a terminal.
func (p *Progress) TTY() bool { return p.tty }

// width is the terminal's width now: read at each frame, so a resized
// terminal is drawn at its new width.
func (p *Progress) width() int {
	if p.o.Width > 0 {
		return p.o.Width
	}
	if w, ok := p.termWidth(); ok {
		return w
	}
	return DefaultWidth
}

// Run draws until ctx ends, then draws the last results, clears the live
// lines and returns the first write error, if any. Call it after the last
// feed (LevelFinished, End) so the last result lines are shown. On a
// terminal it redraws at once when the terminal is resized (SIGWINCH), at
// its new width, and stops listening for resizes when it returns.
func (p *Progress) Run(ctx context.Context) error {
	t := time.NewTicker(p.o.Refresh)
	defer t.Stop()
	var resized <-chan os.Signal // nil: none
	if p.tty {
		ch, stop := p.watchResize()
		defer stop()
		resized = ch
	}
	lastPlain := time.Now()
	for {
		select {
		case <-ctx.Done():
			return p.draw(false, true)
		case <-resized:
			// The old live lines are re-wrapped or cut at the new width
			// now: erased and drawn again at it, not up to a refresh later.
			if err := p.draw(false, false); err != nil {
				return err
			}
		case now := <-t.C:
			plain := !p.tty && p.o.Mode != ModeResults && plainDue(now, lastPlain, p.o.Interval, p.o.Refresh)
			if plain {
				lastPlain = now
			}
			if err := p.draw(plain, false); err != nil {
				return err
			}
		}
	}
}

// plainDue reports whether a plain progress line is due at the tick now,
// the last having been written at last: interval has passed, give or take
// half a refresh. Ticks come a few microseconds early or late; compared
// exactly, a tick a hair short of the interval was skipped and the line
// came a whole refresh late (--progress-interval 1s printed at 1 and 1.5 s
// by turns).
func plainDue(now, last time.Time, interval, refresh time.Duration) bool {
	return now.Sub(last) >= interval-refresh/2
}

// draw writes one frame: the new result lines, and the live lines (tty:
// always, in place; plain: when plainLive). final clears the live lines.
func (p *Progress) draw(plainLive, final bool) error {
	f := p.begin()
	defer p.mu.Unlock()
	switch {
	case final:
		p.live = nil
	case p.tty:
		p.live = f.Live
		p.writeLive()
	case plainLive:
		p.live = f.Live
		p.writeLive()
	}
	if p.buf.Len() == 0 {
		return nil
	}
	_, err := p.w.Write(p.buf.Bytes())
	return err
}

// begin starts a write of what the State holds now: it renders it, locks
// p.mu (the caller unlocks it) and leaves in the buffer the erasing of the
// live lines on a terminal, then the result lines not written yet, which
// go before anything else written.
func (p *Progress) begin() Frame {
	snap := p.s.Snapshot()
	f := Render(&snap, p.width(), p.tty || p.fit)
	if p.tty {
		f.Live = p.fitHeight(f.Live)
	}
	p.mu.Lock()
	p.buf.Reset()
	if p.tty && len(p.live) > 0 {
		// The cursor is at the start of the live block (writeLive): clear
		// from there down (ANSI ED).
		p.buf.WriteString("\r\x1b[J")
	}
	p.writeResults(f.Results)
	return f
}

// fitHeight returns the first of the live lines that fit on the terminal
// with the row below them, where the cursor goes after the last: a block
// as tall as the terminal scrolled its first lines off the top at each
// redraw, and the move back up (CUU) stops at the top row, so each redraw
// left them in the scrollback (a 10×5 pane: "level 1", "stream",
// "0:00/0:" twice a second). The first lines are the level and its
// progress. A terminal that does not say its height is drawn on whole.
func (p *Progress) fitHeight(live []string) []string {
	if h, ok := p.termHeight(); ok && len(live) > h-1 {
		return live[:max(h-1, 0)]
	}
	return live
}

// writeResults writes the result lines of results not written yet (an
// empty entry, the header of a terminal too narrow for the table, is none).
func (p *Progress) writeResults(results []string) {
	for _, l := range results[min(p.printed, len(results)):] {
		if l == "" {
			continue
		}
		p.buf.WriteString(l)
		p.buf.WriteByte('\n')
	}
	p.printed = max(p.printed, len(results))
}

// writeLive writes the live lines. On a terminal it then moves the
// cursor back up to the start of the first (ANSI CUU): the next frame
// erases the block from there down, with no count of the rows it takes.
// A count is wrong once the terminal is resized: narrowed, a terminal
// that re-wraps its lines (VTE, Konsole, kitty, Alacritty, iTerm2,
// Windows Terminal, tmux) spreads each line wider than it over several
// rows, one that cuts them (xterm, the Linux console) keeps each on its
// row, and which one it is cannot be asked. The start of a line stays the
// start of its line in both: moving up the rows counted at the new width
// was right for the first and, in the second, moved past the block and
// erased as many result lines above it; one row a line was right for the
// second and left the first's wrapped rows on screen. Each line fits in
// the width it was rendered at (Render), one row each as it is written.
func (p *Progress) writeLive() {
	for _, l := range p.live {
		p.buf.WriteString(l)
		p.buf.WriteByte('\n')
	}
	if p.tty && len(p.live) > 0 {
		fmt.Fprintf(&p.buf, "\x1b[%dA", len(p.live))
	}
}

// Writer returns a writer for other messages to the same output: on a
// terminal each write clears the live lines, writes, and draws them again
// below. Write whole lines.
func (p *Progress) Writer() io.Writer { return progressWriter{p} }

type progressWriter struct{ p *Progress }

func (w progressWriter) Write(b []byte) (int, error) {
	p := w.p
	// The State now. Result lines it has that were not printed go first:
	// a message follows what happened before it, and a level's result,
	// printed at the next refresh, came after the run's closing lines
	// (adaptive's spend) when its level was the last. On a terminal the
	// live lines drawn again below the message are the State's now too,
	// not the last frame's: a message often says what changed (the first
	// Ctrl-C's "stopping" replaces the ETA), and the last frame would show
	// the old line until the next refresh.
	f := p.begin()
	defer p.mu.Unlock()
	p.buf.Write(b)
	if p.tty && len(p.live) > 0 {
		p.live = f.Live
		p.writeLive()
	}
	if _, err := p.w.Write(p.buf.Bytes()); err != nil {
		return 0, err
	}
	return len(b), nil
}
