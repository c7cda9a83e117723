package session

import (
	"bytes"
	"encoding/json"
	"maps"
	"strings"
	"testing"
)

// TestCalibrationBench: the bench format is Go benchmark result lines, one
// per client, each value followed by its unit.
func TestCalibrationBench(t *testing.T) {
	floor := &Calibration{MaxRequestsPerS: 13000, MaxTokensPerS: 2e6, SendLagP99MS: 0.5, TTFTBias: map[string]float64{"p99_ms_at_1000": 2.5}}
	c := &Calibration{MaxRequestsPerS: 11000.25, MaxRequestsPerSServerSized: 6000.5, MaxTokensPerS: 1.5e6, SendLagP99MS: 0.65, MaxOpenStreams: ptr(10000), BytesPerStream: 25854,
		TTFTBias: map[string]float64{"p99_ms_at_1000": 2.08, "p50_ms_at_1000": 0.63}, Floor: floor}
	var b bytes.Buffer
	if err := c.WriteBench(&b); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for l := range strings.SplitSeq(b.String(), "\n") {
		if strings.HasPrefix(l, "Benchmark") {
			lines = append(lines, l)
		}
	}
	want := []string{
		"BenchmarkCalibrate/harness 1 11000.2 req/s 1500000 tok/s 0.6500 send-lag-p99-ms 6000.5 req/s-server-sized 0.6300 ttft-bias-p50-ms-at-1000 2.0800 ttft-bias-p99-ms-at-1000 10000 open-streams 25854 B/stream",
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

// TestSetTTFTBias: the bias is the measured TTFT less the 50 ms injected,
// keyed by percentile and streams; at 1,000 streams the p99 is also the
// headline figure, at other counts it is not.
func TestSetTTFTBias(t *testing.T) {
	c := &Calibration{TTFTBias: map[string]float64{}}
	c.setTTFTBias(4, 51.5, 53)
	c.setTTFTBias(1000, 52, 58.25)
	want := map[string]float64{"p50_ms_at_4": 1.5, "p99_ms_at_4": 3, "p50_ms_at_1000": 2, "p99_ms_at_1000": 8.25}
	if !maps.Equal(c.TTFTBias, want) || c.TTFTBiasP99At1000 == nil || *c.TTFTBiasP99At1000 != 8.25 {
		t.Errorf("TTFT bias %v, p99 at 1000 %v; want %v and 8.25", c.TTFTBias, c.TTFTBiasP99At1000, want)
	}
}

// TestCalibrationTextOpenStreamsSkipped: with --open-streams "" no stream
// count is tried (MaxOpenStreams nil), and the table says so; it read "open streams held 0 0"
// and "client heap per open stream 0.0 bytes", as if none could be held.
func TestCalibrationTextOpenStreamsSkipped(t *testing.T) {
	c := &Calibration{MaxRequestsPerS: 100, MaxTokensPerS: 1000, TTFTBias: map[string]float64{}, Floor: &Calibration{MaxRequestsPerS: 120, TTFTBias: map[string]float64{}}}
	var b bytes.Buffer
	if err := c.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "open streams held: not measured") || strings.Contains(out, "heap per open stream") {
		t.Errorf("open streams skipped, table:\n%s\nwant \"open streams held: not measured\" and no heap row", out)
	}
	// Tried and not held is a measured 0.
	c.MaxOpenStreams = ptr(0)
	b.Reset()
	if err := c.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); strings.Contains(out, "not measured") || !strings.Contains(out, "heap per open stream") {
		t.Errorf("1,000 streams tried, none held, table:\n%s\nwant the held count and the heap row", out)
	}
	// The JSON tells the two apart too: a measured 0 is written, an
	// untried count is not (both were absent, as an omitted 0).
	for _, tc := range []struct {
		n    *int
		want bool
	}{{ptr(0), true}, {nil, false}} {
		c.MaxOpenStreams = tc.n
		j, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(j), `"max_open_streams":0`); got != tc.want {
			t.Errorf("max open streams %v: JSON %s; want \"max_open_streams\":0 %v", tc.n, j, tc.want)
		}
	}
}

func ptr(n int) *int { return &n }
