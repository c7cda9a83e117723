package report

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestOpenLoopRampUpLeftOut: an open level of 20 req/s whose rate climbs
// linearly from 0 over a 3 s ramp-up (--ramp-up 3s) and then holds for 3 s,
// every request 200 ms long, all on worker 0 (as the open loop sends them).
// Its steady state starts when the climb has ended and the server has
// filled at the full rate (one 200 ms request later: TestOpenLevelFillLeftOut),
// so its rate reads the 20 req/s it is named by and the ramp (3.2 s) is
// reported apart. The old code started the steady state at the first send,
// counted the climb in, and read 15.7 req/s with "ramp 0.00 s". report (SummarizeRun) takes the
// ramp-up from run.json's scenario.
func TestOpenLoopRampUpLeftOut(t *testing.T) {
	const (
		rate = 20.0
		ramp = 3.0 // s
		span = 6.0 // s
	)
	dir := t.TempDir()
	sc := json.RawMessage(`{"name":"t","load":{"rate":[20],"ramp_up":"3s","duration":"6s"}}`)
	if err := rundir.WriteManifest(dir, &rundir.Manifest{Target: rundir.TargetInfo{Kind: "mock"}, Scenario: sc}); err != nil {
		t.Fatal(err)
	}
	rw, err := rundir.CreateRecordWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Arrival k is due where the ramped rate's integral, Λ(t) = R·t²/(2T)
	// before T and R·T/2 + R·(t − T) after, reaches k + ½.
	const origin = 500 * ms
	for k := 0; ; k++ {
		u := float64(k) + 0.5
		var at float64
		if u < rate*ramp/2 {
			at = math.Sqrt(2 * ramp * u / rate)
		} else {
			at = ramp + (u-rate*ramp/2)/rate
		}
		if at >= span {
			break
		}
		sent := origin + int64(at*1e9)
		if err := rw.Write(&rundir.Record{ID: uint64(k), Stage: rundir.StageMeasure, Level: rate, Worker: 0, OK: true,
			ScheduledNS: sent, SentNS: sent, FirstTokenNS: sent + 50*ms, EndNS: sent + 200*ms, DoneNS: sent + 200*ms,
			OutputTokens: 10, InputTokens: 10, OutputTokensSource: rundir.SourceServer}); err != nil {
			t.Fatal(err)
		}
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	sum, _, err := SummarizeRun(dir, SLO{})
	if err != nil {
		t.Fatal(err)
	}
	l := sum.Levels[0]
	if l.Steady == nil {
		t.Fatal("no steady state")
	}
	if math.Abs(l.RequestsPerS-rate) > 0.5 || math.Abs(l.OutputTokensPerS-10*rate) > 5 {
		t.Errorf("steady state %.2f req/s, %.1f out tok/s; want %g req/s, %g tok/s: the ramp-up was counted in", l.RequestsPerS, l.OutputTokensPerS, rate, 10*rate)
	}
	// The ramp-up, then the fill: the first send at least one request's
	// 0.2 s after the climb ended, within one gap (1/20 s).
	if d := l.Steady.RampS - (ramp + 0.2); d < 0 || d > 1/rate {
		t.Errorf("ramp %.3f s left out; want the %g s ramp-up and the 0.2 s fill, and at most one gap more", l.Steady.RampS, ramp)
	}
}
