package mock

import (
	"bytes"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/servermetrics"
)

// A busy host stalls the engine goroutine: a step whose end has passed
// before the engine comes to wait for it moves the whole schedule, and the
// time lost is counted, exactly, in EngineStats and on /metrics (which
// servermetrics reads into server.jsonl). A stall shorter than its step —
// what a late timer does — costs nothing: the step still ends on time.
// On synctest's clock the stalls are exact: step 3 is held 7 ms past its
// end, step 6 5 ms, every other step half its length, so 12 ms are lost
// and the last token comes Σ steps + 12 ms after the request.
func TestEngineCountsTimeBehindSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServer(t, Config{GPU: "a100-80gb", Model: "llama-3-8b"})
		e := s.engine
		var step int
		var sum time.Duration
		e.stall = func(d time.Duration) {
			step++
			sum += d
			switch step {
			case 3:
				time.Sleep(d + 7*time.Millisecond)
			case 6:
				time.Sleep(d + 5*time.Millisecond)
			default:
				time.Sleep(d / 2)
			}
		}
		start := time.Now()
		src := e.submit(512, 16, nil)
		if !src.wait(t.Context(), 15) {
			t.Fatal("no last token")
		}
		took := time.Since(start)
		src.release()
		synctest.Wait()
		if step != 16 {
			t.Fatalf("%d steps, want 16 (one prefill, 15 decodes)", step)
		}
		const lost = 12 * time.Millisecond
		if got := e.stats().BehindNS; got != lost.Nanoseconds() {
			t.Errorf("BehindNS %d, want %d", got, lost.Nanoseconds())
		}
		if took != sum+lost {
			t.Errorf("last token after %v, want Σ steps %v + %v lost", took, sum, lost)
		}
		fams := scrape(t, s, "/metrics")
		f := fams[BehindScheduleFamily]
		if f == nil || f.GetType().String() != "COUNTER" || f.GetHelp() == "" {
			t.Fatalf("%s: %v, want a counter with help", BehindScheduleFamily, f)
		}
		if v := f.GetMetric()[0].GetCounter().GetValue(); v != 0.012 {
			t.Errorf("%s = %v, want 0.012", BehindScheduleFamily, v)
		}
		// What a run records: servermetrics reads the mock's page (the two
		// packages name the family apart; this holds them together).
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), "GET", "/metrics", nil))
		smp, err := servermetrics.Parse(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if v := smp.SimBehindSecondsTotal; v == nil {
			t.Errorf("server sample has no sim_behind_s_total, want 0.012")
		} else if *v != 0.012 {
			t.Errorf("server sample sim_behind_s_total %v, want 0.012", *v)
		}
	})
}

// Fixed timing has no schedule to fall behind (a token due is written as
// soon as the stream runs, the next still due at its own absolute time):
// its page has no behind-schedule family, and a run records none.
func TestFixedModeHasNoBehindSchedule(t *testing.T) {
	s := newServer(t, Config{TTFT: time.Millisecond, ITL: time.Millisecond, OutputTokens: 2})
	if f := scrape(t, s, "/metrics")[BehindScheduleFamily]; f != nil {
		t.Errorf("fixed mode publishes %s: %v", BehindScheduleFamily, f)
	}
}
