package live

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// pairTarget streams like a server that packs two tokens into each event
// and says so: a role-only event at 100 ms (no token), then events events
// of two tokens 100 ms apart from 200 ms, then a usage-only event (no
// token) and the final usage.
func pairTarget(events int) fakeTarget {
	return fakeTarget{RoleAt: 100 * time.Millisecond, TTFT: 200 * time.Millisecond, ITL: 100 * time.Millisecond,
		Events: events, PerEvent: 2, UsageChunk: true}
}

// jsonMap is v as JSON objects: what the page reads, and a field the
// State does not have is absent rather than a compile error.
func jsonMap(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestStreamedRateMidRequest: four streams of one request each, run by a
// loadgen.Runner through the tracked target, each streaming 2 tokens every
// 100 ms from 200 ms to 6.1 s (60 events, 120 tokens), completing at 6.1 s.
// The terminal, the page's snapshot and its points show the tokens as they
// stream, long before any request completes; the level's result line is
// report's throughput of the completed requests, as before.
//
// Snapshots every 0.5 s from 0.55 s, as the progress takes them, never at
// an event. At 1.05 s each stream has sent the events at 0.2…1.0 s, 9 × 2
// tokens: 4 × 18 = 72 tokens since the level's start, 1.05 s ago: 68.57
// tok/s (the 200 ms before the first tokens included). At 5.55 s: events
// 0.2…5.5 s, 54 each, 432 tokens; at 6.05 s, 59 each, 472; the streamed
// window reaches back 2 s to the 4.05 s sample (39 events each, 312
// tokens): (472 − 312) / 2 = 80 tok/s, and the point's rate since 5.55 s
// (472 − 432) / 0.5 = 80 too: 4 streams × 2 tokens / 100 ms. The rolling window of completions reads 0 until 6.1 s.
// The result line: 480 tokens over the level's window, 6.1 s: 78.7 tok/s.
func TestStreamedRateMidRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Run: "streamed", Start: t0, Window: 5 * time.Second})
		target := s.Track(pairTarget(60))
		r, err := loadgen.New(target, loadgen.Workload{Model: "m", PromptTokens: 8, MaxTokens: 120},
			loadgen.Concurrency(4), loadgen.Requests(4), loadgen.Level(4, 0))
		if err != nil {
			t.Fatal(err)
		}
		s.LevelStarted(LevelPlan{Level: 4, Requests: 4})
		var frames strings.Builder
		type look struct {
			snap  map[string]any
			point map[string]any
			live  string
		}
		looks := map[int64]look{}
		done := make(chan struct{})
		go func() {
			defer close(done)
			var prev Snapshot
			for at := int64(550); at <= 6050; at += 500 {
				sleepTo(t0, at*ms)
				cur := s.Snapshot()
				p := pointOf(&prev, &cur)
				prev = cur
				f := Render(&cur, 160, false)
				fmt.Fprintf(&frames, "at %d ms:\n%s", at, frameText(f))
				looks[at] = look{jsonMap(t, cur), jsonMap(t, p), strings.Join(f.Live, "\n")}
			}
		}()
		var (
			mu   sync.Mutex // the workers hand their records over concurrently
			recs []*rundir.Record
		)
		if _, err := r.Run(t.Context(), t.Context(), t0, func(rec *rundir.Record) error {
			mu.Lock()
			recs = append(recs, rec)
			mu.Unlock()
			s.Add(rec)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		<-done
		s.LevelFinished(4, nil)
		final := s.Snapshot()
		f := Render(&final, 160, false)
		fmt.Fprintf(&frames, "at the end:\n%s", frameText(f))

		for _, rec := range recs {
			if rec.DoneNS < 6*int64(time.Second) {
				t.Fatalf("a request completed at %d ns, before 6 s: the looks below are not mid-request", rec.DoneNS)
			}
		}
		num := func(m map[string]any, path ...string) (float64, bool) {
			var v any = m
			for _, k := range path {
				o, ok := v.(map[string]any)
				if !ok {
					return 0, false
				}
				v = o[k]
			}
			x, ok := v.(float64)
			return x, ok
		}
		for _, c := range []struct {
			at        int64
			window    float64 // tok/s over the window
			line      string
			point     float64 // tok/s since the previous look
			completed float64 // the completions' rate, for contrast
		}{
			{1050, 72 / 1.05, "69 streamed tok/s", (72 - 4*2*4) / 0.5, 0},
			{6050, 80, "80 streamed tok/s", 80, 0},
		} {
			l := looks[c.at]
			if got, ok := num(l.snap, "window", "streamed_tokens_per_s"); !ok || !near(got, c.window) {
				t.Errorf("at %d ms: snapshot's window streamed_tokens_per_s %v (%v); want %v", c.at, got, ok, c.window)
			}
			if got, ok := num(l.snap, "window", "output_tokens_per_s"); !ok || got != c.completed {
				t.Errorf("at %d ms: output_tokens_per_s %v; want %v: no request completed yet", c.at, got, c.completed)
			}
			if !strings.Contains(l.live, c.line) {
				t.Errorf("at %d ms: live line %q; want %q", c.at, l.live, c.line)
			}
			if got, ok := num(l.point, "streamed_tps_window"); !ok || !near(got, c.window) {
				t.Errorf("at %d ms: point's streamed_tps_window %v (%v); want %v", c.at, got, ok, c.window)
			}
			if got, ok := num(l.point, "streamed_tps"); !ok || !near(got, c.point) {
				t.Errorf("at %d ms: point's streamed_tps %v (%v); want %v", c.at, got, ok, c.point)
			}
		}
		if got, _ := num(looks[6050].snap, "streamed_tokens"); got != 472 {
			t.Errorf("at 6.05 s: %v tokens streamed; want 472", got)
		}
		if got, _ := num(jsonMap(t, final), "streamed_tokens"); got != 480 {
			t.Errorf("at the end: %v tokens streamed; want 480 (4 × 60 events of 2)", got)
		}
		golden(t, "streamed-run", frames.String())
	})
}

// TestTrackCountsChunksAsTheRunDoes: the streamed counter counts a
// token-bearing chunk for loadgen.EventTokens of its count (1 where the
// server says nothing or something impossible), and nothing for a chunk
// without a token, whichever request or attempt it belongs to.
func TestTrackCountsChunksAsTheRunDoes(t *testing.T) {
	chunks := []targets.Chunk{
		{},                         // role only: 0
		{Content: "a"},             // 1
		{Reasoning: "b"},           // 1
		{ToolArgs: "{"},            // 1
		{Tokens: 3},                // 3 (a count, no text)
		{Content: "cd", Tokens: 2}, // 2
		{Content: "e", Tokens: loadgen.MaxServerTokens + 1}, // absurd: 1
		{Usage: &targets.Usage{CompletionTokens: 99}},       // usage only: 0
	}
	s := New(Options{})
	tt := s.Track(listTarget(chunks))
	var seen int
	for range 2 {
		if _, err := tt.Stream(t.Context(), targets.Request{}, func(targets.Chunk) { seen++ }); err != nil {
			t.Fatal(err)
		}
	}
	if seen != 2*len(chunks) {
		t.Errorf("the run saw %d chunks; want all %d", seen, 2*len(chunks))
	}
	if got, want := s.Snapshot().StreamedTokens, int64(2*(1+1+1+3+2+1)); got != want {
		t.Errorf("streamed %d tokens; want %d", got, want)
	}
	if !s.Snapshot().StreamedKnown || New(Options{}).Snapshot().StreamedKnown {
		t.Error("StreamedKnown is not whether the State tracks the target")
	}
}

// listTarget streams its chunks at once.
type listTarget []targets.Chunk

func (l listTarget) Stream(_ context.Context, _ targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	for _, c := range l {
		on(c)
	}
	return targets.Final{}, nil
}

// TestStreamedRateFromLevelStart: a level's streamed rate counts from its
// own start, not the tokens of the level before; past the streamed window
// (2 s) it is the tokens of the last 2 s, the counter at the window's start
// read between the two readings around it as growing evenly.
func TestStreamedRateFromLevelStart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Start: t0, Window: 5 * time.Second})
		s.Track(listTarget(nil))
		s.LevelStarted(LevelPlan{Level: 1})
		s.streamed.Add(1000)
		sleepTo(t0, 2*int64(time.Second))
		s.Snapshot()
		s.LevelFinished(1, nil)
		s.LevelStarted(LevelPlan{Level: 2})
		sleepTo(t0, 3*int64(time.Second))
		s.streamed.Add(50) // level 2's: 50 in its first second
		want := func(when string, tps float64) {
			t.Helper()
			w := s.Snapshot().Window
			span := min(int64(2*time.Second), w.StreamedSpanNS)
			if !near(w.StreamedTokensPerS, tps) || w.StreamedSpanNS != span {
				t.Errorf("%s: %v tok/s over %d ns; want %v", when, w.StreamedTokensPerS, w.StreamedSpanNS, tps)
			}
		}
		if w := s.Snapshot().Window; !near(w.StreamedTokensPerS, 50) || w.StreamedSpanNS != int64(time.Second) {
			t.Errorf("level 2 at 1 s: %v tok/s over %d ns; want 50 over 1 s", w.StreamedTokensPerS, w.StreamedSpanNS)
		}
		// Next look at 15 s: no reading between 3 s and 15 s, so the 600
		// tokens are taken as streamed evenly: 500 by 13 s, 100 in the last
		// 2 s.
		sleepTo(t0, 15*int64(time.Second))
		s.streamed.Add(600)
		want("level 2 at 15 s, 600 over 12 s", 50)
		// Then every second: at 21 s the window is 19 s … 21 s.
		for sec := int64(16); sec <= 21; sec++ {
			sleepTo(t0, sec*int64(time.Second))
			s.streamed.Add(int64(10 * sec))
			s.Snapshot()
		}
		want("level 2 at 21 s, 200 + 210 in 2 s", 205)
		if n := len(s.tokSamples); n != 3 {
			t.Errorf("%d samples kept; want 3 (19 s, 20 s, 21 s)", n)
		}
		// At 21.5 s the window starts at 19.5 s, half way from the 19 s
		// reading to the 20 s one (200 more): 100 of those, 210, and 100.
		sleepTo(t0, 21*int64(time.Second)+500*ms)
		s.streamed.Add(100)
		want("level 2 at 21.5 s", (100+210+100)/2.0)
		s.LevelFinished(2, nil)
		cur := s.Snapshot()
		if w := cur.Window; w.StreamedTokensPerS != 0 {
			t.Errorf("no level running: streamed %v tok/s; want 0", w.StreamedTokensPerS)
		}
		if p := pointOf(&Snapshot{}, &cur); p.StreamedTPSWindow != nil {
			t.Errorf("no level running: point's streamed window rate %v; want none", *p.StreamedTPSWindow)
		}
	})
}

// TestStreamedRateFollowsTheRamp: a level that starts as one stream (the
// auto spread's probe, 100 tok/s for 1.5 s) and then streams at 800 tok/s
// (every worker started). The tokens arrive every 10 ms; the views look
// every 0.5 s, as the terminal does. The live rate is the tokens of the
// last 2 s, or since the level's start while it is younger:
//
//	1.0 s: 100 / 1 s                         = 100
//	2.0 s: (150 + 0.5 · 800) / 2 s            = 275
//	2.5 s: (100 + 1.0 · 800) / 2 s            = 450
//	3.0 s: ( 50 + 1.5 · 800) / 2 s            = 625
//	3.5 s: 2 · 800 / 2 s                      = 800, and so on
//
// 2 s after the ramp it reads the level's rate. Over a 5 s window, as
// before, it read 500 at 3.5 s and 730 at 6 s, still averaging the probe in.
func TestStreamedRateFollowsTheRamp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Start: t0})
		s.Track(listTarget(nil))
		s.LevelStarted(LevelPlan{Level: 8})
		want := map[int64]float64{1000: 100, 2000: 275, 2500: 450, 3000: 625, 3500: 800, 6000: 800}
		got := map[int64]float64{}
		var prev Snapshot
		for at := int64(10); at <= 6000; at += 10 {
			sleepTo(t0, at*ms)
			if at <= 1500 {
				s.streamed.Add(1)
			} else {
				s.streamed.Add(8)
			}
			if at%500 != 0 {
				continue
			}
			cur := s.Snapshot()
			got[at] = cur.Window.StreamedTokensPerS
			if w, ok := want[at]; ok {
				if p := pointOf(&prev, &cur); p.StreamedTPSWindow == nil {
					t.Errorf("at %d ms: the point has no streamed_tps_window; want %v", at, w)
				} else if !near(*p.StreamedTPSWindow, w) {
					t.Errorf("at %d ms: the point's streamed_tps_window %v; want %v", at, *p.StreamedTPSWindow, w)
				}
				if line := strings.Join(Render(&cur, 160, false).Live, "\n"); !strings.Contains(line, fmt.Sprintf(" %.0f streamed tok/s", w)) {
					t.Errorf("at %d ms: live line %q; want %.0f streamed tok/s", at, line, w)
				}
			}
			prev = cur
		}
		for at, w := range want {
			if !near(got[at], w) {
				t.Errorf("at %d ms: %v streamed tok/s; want %v", at, got[at], w)
			}
		}
	})
}

// TestSnapshotNamesItsSpans: the snapshot says the spans its rolling
// numbers and streamed rate are taken over, the defaults and any other,
// so the page's captions can name them.
func TestSnapshotNamesItsSpans(t *testing.T) {
	for _, c := range []struct {
		o              Options
		window, stream float64
	}{
		{Options{}, 5e9, 2e9},
		{Options{Window: 3 * time.Second, StreamedWindow: 750 * time.Millisecond}, 3e9, 750e6},
	} {
		m := jsonMap(t, New(c.o).Snapshot())
		if got := m["window_ns"]; got != c.window {
			t.Errorf("%+v: window_ns %v; want %v", c.o, got, c.window)
		}
		if got := m["streamed_window_ns"]; got != c.stream {
			t.Errorf("%+v: streamed_window_ns %v; want %v", c.o, got, c.stream)
		}
	}
}
