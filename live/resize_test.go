package live

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/inferbench/inferbench/report"
)

// reflowTerm models a terminal that re-wraps its lines when its width
// changes, as VTE (GNOME Terminal), Konsole, kitty, Alacritty, WezTerm,
// iTerm2, Windows Terminal and tmux do: what the redraw writes (text,
// "\n" as the line discipline's CR LF, "\r", ESC[nA, ESC[J) lands in rows
// of at most width columns, a row that a long line wrapped into marked as
// continuing the one above; a resize joins the rows of each line and
// splits them again at the new width, the cursor moved with its place in
// its line. With cut, it models one that cuts its rows instead, as xterm
// does: a resize keeps every row where it is, cut to the new width, and
// the cursor on its row. There is no bottom: rows scrolled away are kept.
// It is safe for a Progress's goroutine and the test.
type reflowTerm struct {
	t     *testing.T
	mu    sync.Mutex
	cut   bool
	width int
	rows  []termRow
	r, c  int // the cursor's row and column
}

type termRow struct {
	text []rune
	cont bool // wrapped into from the row above
}

func newReflowTerm(t *testing.T, width int) *reflowTerm {
	return &reflowTerm{t: t, width: width, rows: []termRow{{}}}
}

// newCutTerm is a reflowTerm that cuts its rows when resized (xterm).
func newCutTerm(t *testing.T, width int) *reflowTerm {
	m := newReflowTerm(t, width)
	m.cut = true
	return m
}

func (m *reflowTerm) down() {
	m.r++
	if m.r == len(m.rows) {
		m.rows = append(m.rows, termRow{})
	}
}

func (m *reflowTerm) Write(b []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := string(b)
	for i := 0; i < len(s); {
		switch s[i] {
		case '\r':
			m.c = 0
			i++
		case '\n':
			m.down()
			m.c = 0
			i++
		case 0x1b:
			j := i + 2
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if i+1 >= len(s) || s[i+1] != '[' || j >= len(s) {
				m.t.Fatalf("unknown escape %q", s[i:])
			}
			n, _ := strconv.Atoi(s[i+2 : j])
			switch s[j] {
			case 'A':
				m.r = max(m.r-max(n, 1), 0)
			case 'J':
				if n != 0 {
					m.t.Fatalf("ESC[%dJ: only ESC[J is modelled", n)
				}
				row := &m.rows[m.r]
				row.text = row.text[:min(m.c, len(row.text))]
				m.rows = m.rows[:m.r+1]
			default:
				m.t.Fatalf("unknown escape %q", s[i:j+1])
			}
			i = j + 1
		default:
			ch, size := utf8.DecodeRuneInString(s[i:])
			i += size
			if m.c >= m.width { // autowrap
				m.down()
				m.rows[m.r] = termRow{cont: true}
				m.c = 0
			}
			row := &m.rows[m.r]
			for len(row.text) <= m.c {
				row.text = append(row.text, ' ')
			}
			row.text[m.c] = ch
			m.c++
		}
	}
	return len(b), nil
}

// resize re-wraps the rows at width columns, or cuts them (cut).
func (m *reflowTerm) resize(width int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cut {
		for i := range m.rows {
			m.rows[i].text = m.rows[i].text[:min(len(m.rows[i].text), width)]
		}
		m.width, m.c = width, min(m.c, width-1)
		return
	}
	type line struct{ text []rune }
	var lines []line
	curLine, curOff := 0, 0
	for i, row := range m.rows {
		if !row.cont || len(lines) == 0 {
			lines = append(lines, line{})
		}
		l := &lines[len(lines)-1]
		if i == m.r {
			curLine, curOff = len(lines)-1, len(l.text)+m.c
		}
		l.text = append(l.text, row.text...)
	}
	m.width, m.rows = width, nil
	for k, l := range lines {
		first := len(m.rows)
		for at := 0; at == 0 || at < len(l.text); at += width {
			m.rows = append(m.rows, termRow{text: append([]rune(nil), l.text[at:min(at+width, len(l.text))]...), cont: at > 0})
		}
		if k == curLine {
			m.r, m.c = first+min(curOff/width, len(m.rows)-1-first), curOff%width
		}
	}
}

// screen is every row's text, trailing spaces and the empty rows at the
// bottom left out.
func (m *reflowTerm) screen() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, row := range m.rows {
		out = append(out, strings.TrimRight(string(row.text), " "))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// narrowingState is a run whose level 1 has finished and level 2 runs, its
// live line long enough to wrap on a narrower terminal.
func narrowingState() *State {
	t0 := time.Now()
	s := New(Options{Start: t0, SLO: report.SLO{TTFT: time.Second}})
	s.LevelStarted(LevelPlan{Level: 1, Requests: 20})
	for k := range int64(20) {
		s.Add(rec(1, k*10*ms, 50*ms, 10*ms, 64))
	}
	s.LevelFinished(1, nil)
	s.LevelStarted(LevelPlan{Level: 2, Requests: 2000})
	now := time.Since(t0).Nanoseconds()
	for k := range int64(40) {
		s.Add(rec(2, now-500*ms+k*ms, 120*ms, 12*ms, 64))
	}
	return s
}

// TestNarrowingRedrawsCleanly: a terminal narrowed during a run (SIGWINCH)
// re-wraps the live lines drawn at its old width, each over more rows
// (VTE, kitty, tmux…), or cuts them, each on its row (xterm); the next
// redraw erases the old block either way and leaves on screen the
// permanent lines, as the terminal shows them, and the new live lines
// only. The redraw moved up over the rows counted at the new width: right
// where the terminal re-wraps, but where it cuts it moved up past the
// block, over as many rows of results, and erased them. Widened again, the
// rows are one a line, as before.
func TestNarrowingRedrawsCleanly(t *testing.T) {
	for _, kind := range []struct {
		name string
		term func(*testing.T, int) *reflowTerm
	}{{"re-wrapping", newReflowTerm}, {"cutting", newCutTerm}} {
		t.Run(kind.name, func(t *testing.T) {
			s := narrowingState()
			term := kind.term(t, 100)
			p := NewProgress(term, s, ProgressOptions{Mode: ModeTTY, Width: 100})
			draw := func() {
				t.Helper()
				if err := p.draw(false, false); err != nil {
					t.Fatal(err)
				}
			}
			draw()
			all := term.screen()
			if p.printed == 0 || len(p.live) == 0 || len(all) != 2+len(p.live) {
				t.Fatalf("at 100 columns the screen reads %q; want a header, a result line and the live lines %q", all, p.live)
			}
			// The permanent lines (none wraps at 100 columns), on a
			// terminal of theirs, resized as this one is.
			permanent := kind.term(t, 100)
			permanent.Write([]byte(strings.Join(all[:2], "\n") + "\n"))
			for _, width := range []int{40, 30, 60, 100, 45} {
				wide := 0
				for _, l := range p.live {
					wide = max(wide, utf8.RuneCountInString(l))
				}
				term.resize(width)
				permanent.resize(width)
				p.o.Width = width
				// Two refreshes: the second erases what the first drew.
				draw()
				draw()
				want := append(permanent.screen(), p.live...)
				got := term.screen()
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("narrowed to %d columns (live lines up to %d wide): the screen reads\n%s\nwant\n%s",
						width, wide, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			}
		})
	}
}

// TestResizeRedrawsAtOnce: told of a resize (SIGWINCH), the Progress reads
// the terminal's width again and redraws at once, not at its next refresh
// (up to 500 ms with the old lines re-wrapped or cut meanwhile); it stops
// listening for resizes when it ends. In a bubble: no time passes between
// the resize and the redraw.
func TestResizeRedrawsAtOnce(t *testing.T) {
	for _, kind := range []struct {
		name string
		term func(*testing.T, int) *reflowTerm
	}{{"re-wrapping", newReflowTerm}, {"cutting", newCutTerm}} {
		t.Run(kind.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := narrowingState()
				term := kind.term(t, 100)
				var width atomic.Int64
				width.Store(100)
				resized := make(chan os.Signal, 1)
				var watching, stopped atomic.Int32
				p := NewProgress(term, s, ProgressOptions{Mode: ModeTTY})
				p.termWidth = func() (int, bool) { return int(width.Load()), true }
				p.watchResize = func() (<-chan os.Signal, func()) {
					watching.Add(1)
					return resized, func() { stopped.Add(1) }
				}
				ctx, cancel := context.WithCancel(t.Context())
				done := make(chan error, 1)
				go func() { done <- p.Run(ctx) }()
				time.Sleep(DefaultRefresh) // the first frame, at 100 columns
				synctest.Wait()
				first := term.screen()
				if len(first) < 3 || utf8.RuneCountInString(first[len(first)-1]) < 60 {
					t.Fatalf("the first frame reads %q; want results and a live line drawn at 100 columns", first)
				}
				permanent := kind.term(t, 100)
				permanent.Write([]byte(strings.Join(first[:2], "\n") + "\n"))

				at := time.Now()
				width.Store(40)
				term.resize(40)
				permanent.resize(40)
				resized <- os.Interrupt // any signal: the channel says a resize
				synctest.Wait()
				if !time.Now().Equal(at) {
					t.Fatalf("time passed (%v) in the bubble", time.Since(at))
				}
				p.mu.Lock()
				live := slices.Clone(p.live)
				p.mu.Unlock()
				want := append(permanent.screen(), live...)
				if got := term.screen(); strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("right after the resize to 40 columns the screen reads\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
				for _, l := range live {
					if n := utf8.RuneCountInString(l); n > 39 {
						t.Errorf("a live line of %d columns after the resize to 40: %q", n, l)
					}
				}
				cancel()
				if err := <-done; err != nil {
					t.Fatal(err)
				}
				if watching.Load() != 1 || stopped.Load() != 1 {
					t.Errorf("resizes watched %d times and stopped %d times; want once each, stopped when the view ended", watching.Load(), stopped.Load())
				}
			})
		})
	}
}
