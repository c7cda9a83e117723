package main

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/inferbench/inferbench/session"
)

// TestCalibrate runs a short calibration (two mock processes' worth of
// figures for the harness and the bare client) and checks every figure the
// JSON promises is there and physically possible: the mock injects 50 ms of
// TTFT, so neither client may measure less; both moved requests and tokens;
// the open streams asked for were held.
func TestCalibrate(t *testing.T) {
	if testing.Short() {
		t.Skip("starts mock processes")
	}
	var out, errOut bytes.Buffer
	o := &session.CalibrateOptions{Window: 300 * time.Millisecond, BiasStreams: []int{4}, OpenStreams: []int{40}, Rate: 200, Burst: 50, StartMock: session.StartMockProcess}
	cal, err := session.Calibrate(t.Context(), o, &errOut)
	if err != nil {
		t.Fatalf("calibrate: %v\n%s", err, errOut.String())
	}
	if err := cal.WriteJSON(&out); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("calibrate JSON: %v\n%s", err, out.String())
	}
	for _, k := range []string{"max_requests_per_s", "max_requests_per_s_server_sized", "max_tokens_per_s", "send_lag_p99_ms", "burst_send_lag_max_ms", "burst_requests", "max_open_streams", "bytes_per_stream", "floor", "ttft_bias"} {
		if _, ok := got[k]; !ok {
			t.Errorf("calibrate JSON has no %q:\n%s", k, out.String())
		}
	}
	var c session.Calibration
	if err := json.Unmarshal(out.Bytes(), &c); err != nil {
		t.Fatal(err)
	}
	for name, cal := range map[string]*session.Calibration{"harness": &c, "floor": c.Floor} {
		if cal == nil {
			t.Fatalf("%s: missing", name)
		}
		if cal.MaxRequestsPerS <= 0 || cal.MaxTokensPerS <= 0 {
			t.Errorf("%s: %.1f req/s, %.1f tok/s; want both > 0", name, cal.MaxRequestsPerS, cal.MaxTokensPerS)
		}
		for _, k := range []string{"p50_ms_at_4", "p99_ms_at_4"} {
			v, ok := cal.TTFTBias[k]
			if !ok || v < 0 || v > 1000 {
				t.Errorf("%s: TTFT bias %s = %v (present %v); the mock injects 50 ms, so 0 ≤ bias", name, k, v, ok)
			}
		}
		if cal.SendLagP99MS < 0 || cal.SendLagRate != 200 {
			t.Errorf("%s: send lag p99 %.3f ms at %g req/s", name, cal.SendLagP99MS, cal.SendLagRate)
		}
		// The last of 50 sent at once is late by the sends before it: more
		// than nothing, less than the whole run.
		if cal.BurstRequests != 50 || cal.BurstSendLagMaxMS <= 0 || cal.BurstSendLagMaxMS > 60e3 {
			t.Errorf("%s: the last of a burst of %d sent after %.3f ms; want 50 and a lag > 0", name, cal.BurstRequests, cal.BurstSendLagMaxMS)
		}
	}
	for name, cal := range map[string]*session.Calibration{"harness": &c, "floor": c.Floor} {
		if cal.MaxOpenStreams == nil || *cal.MaxOpenStreams != 40 || cal.BytesPerStream <= 0 {
			t.Errorf("%s: open streams %v at %.0f B each; want 40 held and a size", name, cal.MaxOpenStreams, cal.BytesPerStream)
		}
	}
	if got := c.TTFTBias["p50_ms_at_4"]; got > c.TTFTBias["p99_ms_at_4"] {
		t.Errorf("TTFT bias p50 %.3f > p99 %.3f", got, c.TTFTBias["p99_ms_at_4"])
	}
}
