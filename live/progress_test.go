package live

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// syncBuffer is a bytes.Buffer safe for the Progress goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runProgress runs a Progress of s on out while feed runs, then stops it.
func runProgress(t *testing.T, s *State, out *syncBuffer, o ProgressOptions, feed func(p *Progress)) {
	p := NewProgress(out, s, o)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	feed(p)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// feedTwoLevels runs level 1 (10 requests, one every 300 ms) and level 2
// (5 requests), finishing each; mid, if set, runs after level 1's fifth.
func feedTwoLevels(s *State, mid func()) {
	for _, lv := range []struct {
		level float64
		n     int
	}{{1, 10}, {2, 5}} {
		s.LevelStarted(LevelPlan{Level: lv.level, Requests: lv.n})
		for range lv.n {
			time.Sleep(300 * time.Millisecond)
			now := time.Since(s.start).Nanoseconds()
			s.Add(rec(lv.level, now-250*ms, 50*ms, 20*ms, 11))
			if lv.level == 1 && s.Snapshot().Levels[0].Done == 5 && mid != nil {
				mid()
			}
		}
		s.LevelFinished(lv.level, nil)
	}
}

var doneTotal = regexp.MustCompile(`level 1  (\d+)/10`)

// TestProgressTTY: on a terminal the live line is redrawn in place, each
// level's result line is written once, other messages pass above the live
// line, and the last frame leaves no live line behind.
func TestProgressTTY(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{})
		var out syncBuffer
		runProgress(t, s, &out, ProgressOptions{Mode: ModeTTY, Width: 100}, func(p *Progress) {
			feedTwoLevels(s, func() {
				time.Sleep(time.Second) // a redraw or two
				fmt.Fprintln(p.Writer(), "inferbench: a warning")
			})
			time.Sleep(time.Second)
		})
		text := out.String()
		if n := strings.Count(text, ResultHeader+"\n"); n != 1 {
			t.Errorf("result header written %d times; want 1", n)
		}
		for _, lv := range []string{"     1      10      0", "     2       5      0"} {
			if n := strings.Count(text, lv); n != 1 {
				t.Errorf("result line %q written %d times; want 1", lv, n)
			}
		}
		seen := map[string]bool{}
		for _, m := range doneTotal.FindAllStringSubmatch(text, -1) {
			seen[m[1]] = true
		}
		if len(seen) < 3 {
			t.Errorf("live line showed %d distinct done counts (%v); want at least 3", len(seen), seen)
		}
		// Each frame leaves the cursor at the start of its live line (up
		// one row); the next erases from there down.
		if !strings.Contains(text, "\x1b[1A\r\x1b[J") {
			t.Error("no redraw in place (cursor up to the live line, erase down)")
		}
		// The warning: the live line erased, the warning, the live line again.
		if !regexp.MustCompile(`\x1b\[1A\r\x1b\[Jinferbench: a warning\nlevel 1  5/10 `).MatchString(text) {
			t.Errorf("warning not written over the live line and followed by it:\n%q", text)
		}
		// The end: the live line erased for level 2's result; nothing after.
		if !regexp.MustCompile(`\x1b\[1A\r\x1b\[J {6}2 {7}5 {6}0 [^\n\x1b]*\n$`).MatchString(text) {
			t.Errorf("output ends %q; want level 2's result written over the last live line", text[max(0, len(text)-120):])
		}
	})
}

// TestProgressPlain: in a log, a progress line every interval and the
// result lines as the levels finish, no control characters.
func TestProgressPlain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{})
		var out syncBuffer
		runProgress(t, s, &out, ProgressOptions{Mode: ModePlain, Interval: 2 * time.Second}, func(*Progress) {
			feedTwoLevels(s, nil) // 4.5 s
		})
		text := out.String()
		for _, c := range []byte(text) {
			if c < 0x20 && c != '\n' {
				t.Fatalf("plain output holds control byte %#x:\n%s", c, text)
			}
		}
		// Progress lines at 2 s and 4 s (level 2 started at 3 s).
		want := []string{"inferbench: level 1  6/10", "inferbench: level 2  3/5"}
		var got []string
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, "inferbench: level") {
				got = append(got, l)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("progress lines %q; want %d", got, len(want))
		}
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Errorf("progress line %d %q; want it to start %q", i, got[i], want[i])
			}
		}
		if strings.Count(text, ResultHeader) != 1 || !strings.Contains(text, "\n      2       5      0") {
			t.Errorf("result lines missing or repeated:\n%s", text)
		}
	})
}

// TestPlainLinesKeepTheirInterval: with ticks a few microseconds early or
// late, as real tickers deliver them, a plain line every second comes at
// every second tick of 500 ms, never a tick late.
func TestPlainLinesKeepTheirInterval(t *testing.T) {
	const refresh, interval = 500 * time.Millisecond, time.Second
	t0 := time.Unix(1e9, 0)
	last := t0
	var at []time.Duration
	for i := 1; i <= 12; i++ {
		jitter := 40 * time.Microsecond
		if i%4 == 0 {
			jitter = -jitter // this tick, and so the next print, early
		}
		now := t0.Add(time.Duration(i)*refresh + jitter)
		if plainDue(now, last, interval, refresh) {
			at, last = append(at, now.Sub(t0).Round(time.Millisecond)), now
		}
	}
	want := []time.Duration{1, 2, 3, 4, 5, 6}
	if len(at) != len(want) {
		t.Fatalf("lines at %v; want one a second", at)
	}
	for i, d := range at {
		if d != want[i]*time.Second {
			t.Fatalf("lines at %v; want one a second", at)
		}
	}
	// An interval below the refresh: a line every tick.
	if !plainDue(t0.Add(refresh), t0, 100*time.Millisecond, refresh) {
		t.Error("100 ms interval, 500 ms refresh: a tick printed nothing")
	}
}

// fakeTarget streams Events token-bearing events in virtual time: the
// first after TTFT, the rest ITL apart, each of PerEvent tokens (1 when 0,
// said in the chunk, as a server that packs tokens and says so), then the
// server's usage. RoleAt > 0 sends a role-only event (no token) first, at
// RoleAt; UsageChunk a usage-only event (no token) last.
type fakeTarget struct {
	TTFT, ITL, RoleAt time.Duration
	Events, PerEvent  int
	UsageChunk        bool
}

func (f fakeTarget) Stream(ctx context.Context, _ targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	per := max(f.PerEvent, 1)
	t := time.NewTimer(f.TTFT)
	defer t.Stop()
	if f.RoleAt > 0 {
		t.Reset(f.RoleAt)
	}
	wait := func(d time.Duration, reset bool) error {
		if reset {
			t.Reset(d)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return nil
		}
	}
	if f.RoleAt > 0 {
		if err := wait(0, false); err != nil {
			return targets.Final{}, err
		}
		on(targets.Chunk{}) // the role
		t.Reset(f.TTFT - f.RoleAt)
	}
	for i := range f.Events {
		if err := wait(f.ITL, i > 0); err != nil {
			return targets.Final{}, err
		}
		on(targets.Chunk{Content: strings.Repeat("x", per), Tokens: per})
	}
	u := &targets.Usage{PromptTokens: 8, CompletionTokens: per * f.Events}
	if f.UsageChunk {
		on(targets.Chunk{Usage: u})
	}
	return targets.Final{FinishReason: "length", Usage: u}, nil
}

// TestProgressUnderRunner: a loadgen.Runner feeding the State through its
// sink and a tracked target, as a run does; the terminal shows the count
// grow, requests in flight, and the result equal to the records'.
func TestProgressUnderRunner(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		s := New(Options{Run: "runner", Start: start})
		target := s.Track(fakeTarget{TTFT: 200 * time.Millisecond, ITL: 50 * time.Millisecond, Events: 17})
		r, err := loadgen.New(target, loadgen.Workload{Model: "m", PromptTokens: 8, MaxTokens: 17},
			loadgen.Concurrency(2), loadgen.Requests(30), loadgen.Level(2, 0))
		if err != nil {
			t.Fatal(err)
		}
		var out syncBuffer
		var inFlight []int64
		runProgress(t, s, &out, ProgressOptions{Mode: ModeTTY, Width: 120}, func(*Progress) {
			s.LevelStarted(LevelPlan{Level: 2, Requests: 30})
			go func() {
				// 650 ms never lands on a request boundary (every whole
				// second) in these ten samples, where which of "one ended"
				// and "the next started" runs first is up to the scheduler.
				for range 10 {
					time.Sleep(650 * time.Millisecond)
					inFlight = append(inFlight, s.Snapshot().InFlight)
				}
			}()
			if _, err := r.Run(t.Context(), t.Context(), start, func(rec *rundir.Record) error { s.Add(rec); return nil }); err != nil {
				t.Fatal(err)
			}
			synctest.Wait()
			s.LevelFinished(2, nil)
		})
		text := out.String()
		seen := map[string]bool{}
		for _, m := range regexp.MustCompile(`level 2  (\d+)/30`).FindAllStringSubmatch(text, -1) {
			seen[m[1]] = true
		}
		if len(seen) < 3 {
			t.Errorf("%d distinct done/total values: %v; want at least 3", len(seen), seen)
		}
		if !strings.Contains(text, "in flight 2") {
			t.Errorf("no live line with 2 in flight:\n%q", text)
		}
		for _, n := range inFlight {
			if n != 2 {
				t.Errorf("in flight %v during the run; want 2 throughout", inFlight)
				break
			}
		}
		// 17 tokens, TTFT 200 ms, TPOT 50 ms: each request is 1 s.
		res := s.Snapshot().Levels[0].Result
		if res.OK != 30 || !near(res.TTFTP95, 200) || !near(res.TPOTP95, 50) {
			t.Errorf("result %+v; want 30 ok, TTFT 200 ms, TPOT 50 ms", res)
		}
	})
}

// TestProgressMessageRedrawsTheStateNow: the live line drawn again below a
// message is the State's at that moment, not the last frame's: the first
// Ctrl-C's message is followed by "stopping", not by the ETA the last
// frame showed (which stayed until the next refresh).
func TestProgressMessageRedrawsTheStateNow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{})
		var out syncBuffer
		p := NewProgress(&out, s, ProgressOptions{Mode: ModeTTY, Width: 160, Refresh: time.Hour})
		s.LevelStarted(LevelPlan{Level: 8, Duration: 20 * time.Second})
		time.Sleep(2 * time.Second)
		if err := p.draw(false, false); err != nil {
			t.Fatal(err)
		}
		s.Stopping(5 * time.Second)
		fmt.Fprintln(p.Writer(), "inferbench: stopping")
		text := out.String()
		_, after, _ := strings.Cut(text, "inferbench: stopping\n")
		if !strings.Contains(text, "ETA 0:18") || !strings.Contains(after, "stopping: ≤ 0:05") || strings.Contains(after, "ETA") {
			t.Errorf("output %q; want the ETA frame, then the message followed by the stopping line", text)
		}
	})
}

// TestMessageAfterTheResultBefore: a message written after a level
// finished comes after that level's result line, on a terminal and in a
// plain log, though no refresh printed it yet (the run's closing lines
// came before its last level's result).
func TestMessageAfterTheResultBefore(t *testing.T) {
	for _, mode := range []Mode{ModeTTY, ModePlain} {
		synctest.Test(t, func(t *testing.T) {
			s := New(Options{})
			var out syncBuffer
			runProgress(t, s, &out, ProgressOptions{Mode: mode, Width: 100, Refresh: time.Hour, Interval: time.Hour}, func(p *Progress) {
				s.LevelStarted(LevelPlan{Level: 1, Requests: 1})
				s.Add(rec(1, 0, 50*ms, 20*ms, 11))
				s.LevelFinished(1, nil)
				fmt.Fprintln(p.Writer(), "inferbench: the run's closing line")
			})
			text := out.String()
			res, msg := strings.Index(text, "\n      1       1      0"), strings.Index(text, "closing line")
			if res < 0 || msg < 0 || res > msg || strings.Count(text, "      1       1      0") != 1 {
				t.Errorf("mode %v: the result line (at %d) before the message (at %d), once:\n%s", mode, res, msg, text)
			}
		})
	}
}
