package report

import "math"

// MinSamples is the fewest samples a percentile p (in percent: 95, 99)
// should rest on: 10/(1−q) with q = p/100, so that about ten samples lie
// beyond it (p50: 20, p90: 100, p95: 200, p99: 1,000, p99.9: 10,000).
// Below it the percentile is decided by the few largest values.
func MinSamples(p float64) int {
	q := p / 100
	if q >= 1 {
		return math.MaxInt
	}
	// Round before ceiling: 10/(1−0.99) is 1000.0000000000009 in floats.
	return int(math.Ceil(math.Round(10/(1-q)*1e6) / 1e6))
}

// SmallSample reports whether n samples are too few for percentile p
// (MinSamples).
func SmallSample(n int, p float64) bool {
	return n > 0 && n < MinSamples(p)
}

// SmallSampleMark is appended to a percentile that rests on too few
// samples (SmallSample); SmallSampleNote explains it under a table.
const (
	SmallSampleMark = "*"
	SmallSampleNote = "* fewer samples than the percentile needs, 10/(1−q): p50 20, p90 100, p95 200, p99 1,000, p99.9 10,000; it is set by the few largest values"
)

// MarkSmall returns s with SmallSampleMark when n is too small for p.
func MarkSmall(s string, n int, p float64) string {
	if SmallSample(n, p) {
		return s + SmallSampleMark
	}
	return s
}
