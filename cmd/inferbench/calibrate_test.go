package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
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
	o := &calibrateOptions{Format: "json", Window: 300 * time.Millisecond, BiasStreams: []int{4}, OpenStreams: []int{40}, Rate: 200}
	if err := runCalibrate(t.Context(), o, &out, &errOut); err != nil {
		t.Fatalf("calibrate: %v\n%s", err, errOut.String())
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("calibrate JSON: %v\n%s", err, out.String())
	}
	for _, k := range []string{"max_requests_per_s", "max_tokens_per_s", "send_lag_p99_ms", "max_open_streams", "bytes_per_stream", "floor", "ttft_bias"} {
		if _, ok := got[k]; !ok {
			t.Errorf("calibrate JSON has no %q:\n%s", k, out.String())
		}
	}
	var c calibration
	if err := json.Unmarshal(out.Bytes(), &c); err != nil {
		t.Fatal(err)
	}
	for name, cal := range map[string]*calibration{"harness": &c, "floor": c.Floor} {
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
	}
	for name, cal := range map[string]*calibration{"harness": &c, "floor": c.Floor} {
		if cal.MaxOpenStreams != 40 || cal.BytesPerStream <= 0 {
			t.Errorf("%s: open streams %d at %.0f B each; want 40 held and a size", name, cal.MaxOpenStreams, cal.BytesPerStream)
		}
	}
	if got := c.TTFTBias["p50_ms_at_4"]; got > c.TTFTBias["p99_ms_at_4"] {
		t.Errorf("TTFT bias p50 %.3f > p99 %.3f", got, c.TTFTBias["p99_ms_at_4"])
	}
}

// TestCalibrationBench: the bench format is Go benchmark result lines, one
// per client, each value followed by its unit.
func TestCalibrationBench(t *testing.T) {
	floor := &calibration{MaxRequestsPerS: 13000, MaxTokensPerS: 2e6, SendLagP99MS: 0.5, TTFTBias: map[string]float64{"p99_ms_at_1000": 2.5}}
	c := &calibration{MaxRequestsPerS: 11000.25, MaxTokensPerS: 1.5e6, SendLagP99MS: 0.65, MaxOpenStreams: 10000, BytesPerStream: 25854,
		TTFTBias: map[string]float64{"p99_ms_at_1000": 2.08, "p50_ms_at_1000": 0.63}, Floor: floor}
	var b bytes.Buffer
	if err := writeCalibrationBench(&b, c); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for l := range strings.SplitSeq(b.String(), "\n") {
		if strings.HasPrefix(l, "Benchmark") {
			lines = append(lines, l)
		}
	}
	want := []string{
		"BenchmarkCalibrate/harness 1 11000.2 req/s 1500000 tok/s 0.6500 send-lag-p99-ms 0.6300 ttft-bias-p50-ms-at-1000 2.0800 ttft-bias-p99-ms-at-1000 10000 open-streams 25854 B/stream",
		"BenchmarkCalibrate/floor 1 13000.0 req/s 2000000 tok/s 0.5000 send-lag-p99-ms 2.5000 ttft-bias-p99-ms-at-1000",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("bench lines:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	for _, l := range lines {
		if f := strings.Fields(l); len(f)%2 != 0 {
			t.Errorf("%q: want name, count, then value-unit pairs", l)
		}
	}
}
