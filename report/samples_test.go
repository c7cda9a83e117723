package report

import "testing"

// TestMinSamples: 10/(1−q) by hand: p95 → 10/0.05 = 200, p99 → 1,000.
func TestMinSamples(t *testing.T) {
	for p, want := range map[float64]int{50: 20, 90: 100, 95: 200, 99: 1000, 99.9: 10000} {
		if got := MinSamples(p); got != want {
			t.Errorf("MinSamples(%v) = %d; want %d", p, got, want)
		}
	}
	if !SmallSample(6, 99) || SmallSample(1000, 99) || SmallSample(0, 99) || !SmallSample(199, 95) || SmallSample(200, 95) {
		t.Error("SmallSample disagrees with MinSamples")
	}
	if got := MarkSmall("12.5", 30, 95); got != "12.5*" {
		t.Errorf("MarkSmall = %q", got)
	}
}
