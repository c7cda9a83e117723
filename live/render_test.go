package live

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sweepSnapshot is a sweep at 75 s: levels 1 and 8 finished (8 failed its
// SLO), level 16 running 123 of 216 requests, the client bound.
func sweepSnapshot() Snapshot {
	return Snapshot{Run: "sweep", NowNS: 75 * int64(time.Second), InFlight: 16, InFlightKnown: true, OK: 420, Failed: 4,
		ClientBound: true, ClientReasons: []string{"client CPU at 95% of its 2 cores"},
		Levels: []LevelSnapshot{
			{Plan: LevelPlan{Level: 1, Profile: "sweep", Requests: 100}, StartNS: 0, EndNS: 30e9, Done: 100, OK: 100, Finished: 1,
				Result: &Result{Level: 1, OK: 100, TTFTP50: 80.12, TTFTP95: 85.34, TPOTP95: 9.876, HasTTFT: true, HasTPOT: true, OutputTokensPerS: 812.5, SLO: VerdictPass}},
			{Plan: LevelPlan{Level: 8, Profile: "sweep", Requests: 200}, StartNS: 30e9, EndNS: 60e9, Done: 200, OK: 198, Failed: 2, Finished: 2,
				Result: &Result{Level: 8, OK: 198, Failed: 2, TTFTP50: 1020.7, TTFTP95: 1520.3, TPOTP95: 25.1, HasTTFT: true, HasTPOT: true, OutputTokensPerS: 2211.04,
					SLO: VerdictFail, Reasons: []string{"error rate 1.0% > 0.5%", "TTFT p95 1520.3 ms > 1s"}}},
			{Plan: LevelPlan{Level: 16, Profile: "sweep", Requests: 200, Warmup: 16}, Running: true, StartNS: 60e9, Done: 123, LastDoneNS: 74.9e9, OK: 105, Failed: 2,
				Window: Rolling{SpanNS: 5e9, Completed: 55, OK: 54, TTFT: Quantiles{N: 54, P50: 412.4, P95: 980.25},
					TPOT: Quantiles{N: 54, P50: 20, P95: 31}, RequestsPerS: 11, OutputTokensPerS: 1234.4}},
		}}
}

// durationSnapshot is a time-bound level at 12 s of 60 s, no token yet,
// in-flight unknown (a followed run), and a rate level finished with no
// SLO set.
func durationSnapshot() Snapshot {
	return Snapshot{Run: "rate", NowNS: 72 * int64(time.Second),
		Levels: []LevelSnapshot{
			{Plan: LevelPlan{Level: 2.5, Profile: "rate", Duration: time.Minute}, StartNS: 0, EndNS: 60e9, Done: 150, OK: 150, Finished: 1,
				Result: &Result{Level: 2.5, OK: 150, TTFTP50: 2.875, TTFTP95: 3.2, HasTTFT: true, OutputTokensPerS: 41.25, SLO: VerdictPass, Note: "ITL not judged live"}},
			{Plan: LevelPlan{Level: 5, Profile: "rate", Duration: time.Minute}, Running: true, StartNS: 60e9, Done: 0},
		}}
}

// steadySnapshot is one level running, nothing finished, nothing wrong.
func steadySnapshot() Snapshot {
	s := sweepSnapshot()
	s.Levels = s.Levels[2:]
	s.Levels[0].Failed = 0
	s.ClientBound, s.ClientReasons = false, nil
	return s
}

// streamedSnapshot is steadySnapshot where the State sees the chunks (a
// run, not a followed one): the live line shows the tokens streamed per
// second, not those of the completed requests.
func streamedSnapshot() Snapshot {
	s := steadySnapshot()
	s.StreamedKnown, s.StreamedTokens = true, 123456
	s.Levels[0].Window.StreamedTokensPerS, s.Levels[0].Window.StreamedSpanNS = 1587.6, 5e9
	return s
}

func frameText(f Frame) string {
	var b strings.Builder
	b.WriteString("results:\n")
	for _, l := range f.Results {
		b.WriteString(l + "\n")
	}
	b.WriteString("live:\n")
	for _, l := range f.Live {
		b.WriteString(l + "\n")
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "render", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s differs from the golden file (-want +got; go test -update rewrites it):\n%s", name, d)
	}
}

// TestRenderGolden: the frames of two snapshots on a narrow and a wide
// terminal, and in a log.
func TestRenderGolden(t *testing.T) {
	for name, snap := range map[string]Snapshot{"sweep": sweepSnapshot(), "duration": durationSnapshot(), "steady": steadySnapshot(),
		"streamed": streamedSnapshot()} {
		for _, width := range []int{60, 160} {
			f := Render(&snap, width, true)
			for _, l := range strings.Split(strings.Join(append(f.Results, f.Live...), "\n"), "\n") {
				if len(l) > width-1 {
					t.Errorf("%s at %d columns: line of %d columns: %q", name, width, len(l), l)
				}
			}
			golden(t, fmt.Sprintf("%s-tty-%d", name, width), frameText(f))
		}
		plain := Render(&snap, 60, false)
		if wide := Render(&snap, 160, false); frameText(wide) != frameText(plain) {
			t.Errorf("%s: plain output depends on the width", name)
		}
		text := frameText(plain)
		for _, c := range []byte(text) {
			if c < 0x20 && c != '\n' || c >= 0x7f {
				t.Errorf("%s: plain output holds byte %#x", name, c)
				break
			}
		}
		golden(t, name+"-plain", text)
	}
}

// TestRenderETA pins the ETA: requests left at the level's pace so far,
// counted down from its latest completion, or the time left of a
// duration, the sooner of the two.
func TestRenderETA(t *testing.T) {
	// 123 done (16 warm-up, 200 measured) in the 12.3 s from the level's
	// start at 60 s to its latest completion: 100 ms each, 93 left.
	l := LevelSnapshot{Plan: LevelPlan{Requests: 200, Warmup: 16}, StartNS: 60e9, Done: 123, LastDoneNS: 72.3e9,
		Window: Rolling{RequestsPerS: 3}}
	for _, tt := range []struct {
		elapsed, want int64
		why           string
	}{
		{12.3e9, 9.3e9, "at the completion: 93 × 100 ms (not 93 / 3 s, the window's rate)"},
		{12.35e9, 9.25e9, "50 ms after it: counted down"},
		{12.9e9, 9.2e9, "overdue by 500 ms: the 92 left after the next one"},
	} {
		if eta, ok := levelETA(&l, tt.elapsed); !ok || eta != tt.want {
			t.Errorf("%s: ETA %d, %v; want %d", tt.why, eta, ok, tt.want)
		}
	}
	l.Plan.Duration = 10 * time.Second
	if eta, ok := levelETA(&l, 7e9); !ok || eta != 3e9 {
		t.Errorf("count and duration: ETA %d, %v; want the 3 s left of the duration", eta, ok)
	}
	l.Plan.Duration, l.Done, l.LastDoneNS = 0, 0, 0
	if _, ok := levelETA(&l, 7e9); ok {
		t.Error("ETA told with no completion yet")
	}
	// A trace: ten lines at its start, ten 30 s later. After the first ten
	// completed in 1 s the pace says 1 s more; the schedule says 29 s.
	tr := LevelSnapshot{Plan: LevelPlan{Requests: 20, LastDue: 30 * time.Second}}
	for _, tt := range []struct{ elapsed, done, want int64 }{{0, 0, 30e9}, {1e9, 10, 29e9}, {29.2e9, 10, 0.8e9}, {31e9, 19, 0}} {
		tr.Done, tr.LastDoneNS = tt.done, min(tt.elapsed, 1e9)
		if eta, ok := levelETA(&tr, tt.elapsed); !ok || eta != tt.want {
			t.Errorf("trace at %v, %d done: ETA %v, %v; want %v (its last line due at 30 s)", time.Duration(tt.elapsed), tr.Done,
				time.Duration(eta), ok, time.Duration(tt.want))
		}
	}
	// With a duration the level lasts it, its last line due or not.
	tr.Plan = LevelPlan{Duration: 60 * time.Second, LastDue: 30 * time.Second}
	if eta, ok := levelETA(&tr, 31e9); !ok || eta != 29e9 {
		t.Errorf("trace of 60 s, last line at 30 s, at 31 s: ETA %v, %v; want the 29 s left of the duration", time.Duration(eta), ok)
	}
}

// TestRenderTraceDraining: a trace's level whose lines were all sent
// waits for the ones in flight: "draining", not an ETA (the pace, over
// the trace's quiet spans, said 0:06 for the last three of a burst that
// completed in half a second).
func TestRenderTraceDraining(t *testing.T) {
	l := LevelSnapshot{Plan: LevelPlan{Requests: 10, LastDue: 15 * time.Second}, Running: true, StartNS: 0, Done: 7, LastDoneNS: 15.4e9}
	s := Snapshot{NowNS: 15.5e9, InFlightKnown: true, InFlight: 3}
	text := func() string { return join(liveSegments(&s, &l)) }
	if got := text(); !strings.Contains(got, "draining") || strings.Contains(got, "ETA") {
		t.Errorf("all ten sent, three in flight: %q; want draining and no ETA", got)
	}
	s.InFlight, s.NowNS = 2, 14.9e9 // one line still to send
	if got := text(); strings.Contains(got, "draining") || !strings.Contains(got, "ETA 0:00") {
		t.Errorf("a line still to send at 14.9 s: %q; want ETA 0:00", got)
	}
	s.NowNS = 10e9
	if got := text(); !strings.Contains(got, "ETA 0:05") {
		t.Errorf("at 10 s: %q; want ETA 0:05 (the last line due at 15 s)", got)
	}
	// A followed run (watch) knows no requests in flight: by the clock,
	// draining once the last line is due, the ETA until then.
	s.InFlightKnown, s.InFlight = false, 0
	if got := text(); strings.Contains(got, "draining") || !strings.Contains(got, "ETA 0:05") {
		t.Errorf("followed, at 10 s: %q; want ETA 0:05", got)
	}
	s.NowNS = 15e9
	if got := text(); !strings.Contains(got, "draining") || strings.Contains(got, "ETA") {
		t.Errorf("followed, at 15 s: %q; want draining and no ETA", got)
	}
	l.Done = 10
	if got := text(); strings.Contains(got, "draining") {
		t.Errorf("followed, all ten done: %q; want no draining", got)
	}
}

// TestRenderStarting: before any level, a line says how long the run has
// been going, with its requests in flight where they are counted; none once
// a level started or the run ended.
func TestRenderStarting(t *testing.T) {
	s := Snapshot{NowNS: 6.5e9}
	if got := Render(&s, 100, false).Live; len(got) != 1 || got[0] != "inferbench: starting  0:06  no request done yet" {
		t.Errorf("followed, no record yet: %q", got)
	}
	s.InFlightKnown, s.InFlight = true, 1
	if got := Render(&s, 100, true).Live; len(got) != 1 || got[0] != "starting  0:06  in flight 1" {
		t.Errorf("in process, the probe in flight: %q", got)
	}
	if got := Render(&s, 20, true).Live; len(got) != 1 || got[0] != "starting  0:06" {
		t.Errorf("20 columns: %q; want the in-flight count dropped", got)
	}
	s.InFlight = 0
	if got := Render(&s, 100, true).Live; len(got) != 1 || got[0] != "starting  0:06" {
		t.Errorf("in process, nothing in flight yet: %q", got)
	}
	s.Ended = true
	if got := Render(&s, 100, false).Live; len(got) != 0 {
		t.Errorf("ended: %q; want no live line", got)
	}
	s.Ended, s.Levels = false, []LevelSnapshot{{Plan: LevelPlan{Level: 1, Requests: 4}, Running: true}}
	if got := Render(&s, 100, false).Live; len(got) != 1 || strings.Contains(got[0], "starting") {
		t.Errorf("a level running: %q", got)
	}
}

// TestETASteady: at concurrency 1 and 1.3 s a request (the mock's 128
// tokens at 10 ms), the ETA plus the time is the level's end at every
// frame, 4 a second, completions or not. With the rolling window's rate
// (3 or 4 completions in 5 s) the end moved by up to 11 s from one frame to
// the next (0:35, 0:46, 0:33 as a user saw it).
func TestETASteady(t *testing.T) {
	const every, total = 1.3e9, 60
	l := LevelSnapshot{Plan: LevelPlan{Requests: total}, StartNS: 0}
	for now := int64(every); now < total*every-every; now += 250e6 {
		l.Done = now / every
		l.LastDoneNS = l.Done * every
		eta, ok := levelETA(&l, now)
		if end := now + eta; !ok || end < total*every-1e3 || end > total*every+1e3 {
			t.Fatalf("at %v (%d done): ETA %v, %v: the end at %v; want %v", time.Duration(now), l.Done, time.Duration(eta), ok,
				time.Duration(end), time.Duration(total*every))
		}
	}
}

func TestFmt(t *testing.T) {
	if got := fmtDur(3723e9); got != "1:02:03" {
		t.Errorf("fmtDur(3723 s) = %q", got)
	}
	for v, want := range map[float64]string{9.876: "9.88ms", 980.25: "980.2ms", 1520.3: "1.52s", 125e3: "125s"} {
		if got := fmtMS(v); got != want {
			t.Errorf("fmtMS(%v) = %q; want %q", v, got, want)
		}
	}
	for v, want := range map[float64]string{9.876: "9.9ms", 980.25: "980ms", 1520.3: "1.5s", 125e3: "125s"} {
		if got := fmtMSShort(v); got != want {
			t.Errorf("fmtMSShort(%v) = %q; want %q", v, got, want)
		}
	}
}

// TestFitDropsLeastUseful: a narrow live line keeps the level, its
// progress, the ETA, the TTFT, the tokens/s and a client-bound warning, on
// more lines if it must, and drops the rest first.
func TestFitDropsLeastUseful(t *testing.T) {
	snap := sweepSnapshot()
	line := strings.Join(Render(&snap, 40, true).Live, "\n")
	for _, want := range []string{"level 16", "123/216", "ETA 0:11", "TTFT p50 412ms p95 980ms", "1234 tok/s", "CLIENT-BOUND"} {
		if !strings.Contains(line, want) {
			t.Errorf("40 columns: %q lacks %q", line, want)
		}
	}
	if bytes.Contains([]byte(line), []byte("in flight")) {
		t.Errorf("40 columns: %q kept the in-flight count over more useful parts", line)
	}
}
