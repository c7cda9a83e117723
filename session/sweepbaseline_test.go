package session

import (
	"math"
	"testing"

	"github.com/inferbench/inferbench/adaptive"
)

// TestSweepBaselineSkipsAnUnknownThroughput: a sweep judges a closed
// level's saturation against the lower level of the best throughput. A
// first level without one (NaN: its sending ended before its fill) stayed
// the baseline, for nothing compares greater than NaN, and a baseline of
// no throughput judges no later level saturated. The capacity search had
// the same fault (adaptive.More); the sweep now picks by it too.
func TestSweepBaselineSkipsAnUnknownThroughput(t *testing.T) {
	ar := &adaptiveRun{decided: []adaptive.Decision{
		{Level: 1, Throughput: adaptive.Estimate{Value: math.NaN()}},
		{Level: 2, Throughput: adaptive.Estimate{Value: 900}},
		{Level: 4, Throughput: adaptive.Estimate{Value: 1500}},
		{Level: 8, Throughput: adaptive.Estimate{Value: math.NaN()}},
	}}
	if b := ar.baseline(16); b == nil || b.Level != 4 {
		t.Errorf("baseline below 16: %+v; want level 4 (1500 tok/s)", b)
	}
	if b := ar.baseline(2); b == nil || b.Level != 1 {
		t.Errorf("baseline below 2: %+v; want level 1, the only one (its throughput unknown)", b)
	}
}
