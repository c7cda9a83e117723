package loadgen

import (
	"context"
	"math"
	"testing"
	"time"
)

// TestArrivalsExpected: Expected is what Stream gives — the same count, and
// the last due time exactly for a constant schedule, on average over 4,000
// seeds for a random one (within 1 %) — bounded by count or by horizon,
// with and without a ramp-up. A constant 40/s schedule of 30 sends its last
// at 29/40 = 0.725 s; the spend estimate of a fixed rate level is built on
// it (adaptive.Account).
func TestArrivalsExpected(t *testing.T) {
	for _, c := range []struct {
		kind       Arrival
		burstiness float64
		rate       float64
		ramp       time.Duration
		n          int
		horizon    time.Duration
	}{
		{ArrivalConstant, 1, 40, 0, 30, 2 * time.Second},  // count binds
		{ArrivalConstant, 1, 20, 0, 100, 2 * time.Second}, // horizon binds
		{ArrivalConstant, 1, 7, 0, 0, 3 * time.Second},
		{ArrivalConstant, 1, 10, time.Second, 30, 0},
		{ArrivalPoisson, 1, 40, 0, 30, 2 * time.Second},
		{ArrivalPoisson, 1, 20, 0, 100, 2 * time.Second},
		{ArrivalPoisson, 1, 10, time.Second, 30, 0},
		{ArrivalPoisson, 1, 10, 2 * time.Second, 0, 5 * time.Second},
		{ArrivalGamma, 0.5, 40, 0, 30, 2 * time.Second},
		{ArrivalGamma, 0.5, 20, 0, 100, 2 * time.Second},
	} {
		a, err := NewArrivals(c.kind, c.rate, c.burstiness, c.ramp, 1)
		if err != nil {
			t.Fatal(err)
		}
		count, last := a.Expected(c.n, c.horizon)
		seeds := 4000
		if c.kind == ArrivalConstant {
			seeds = 1
		}
		var sum float64
		for seed := range seeds {
			a, _ := NewArrivals(c.kind, c.rate, c.burstiness, c.ramp, uint64(seed))
			st := a.Stream(context.Background(), c.n, c.horizon)
			got, at := 0, time.Duration(0)
			for d, ok := st.Next(); ok; d, ok = st.Next() {
				got, at = got+1, d
			}
			if got != count {
				t.Fatalf("%+v seed %d: Stream gave %d arrivals; Expected says %d", c, seed, got, count)
			}
			sum += at.Seconds()
		}
		mean := sum / float64(seeds)
		tol := 0.01 * mean
		if c.kind == ArrivalConstant {
			tol = 1e-9
		}
		if math.Abs(last.Seconds()-mean) > tol {
			t.Errorf("%+v: Expected last arrival %.4f s; Stream's (mean over %d seeds) %.4f s", c, last.Seconds(), seeds, mean)
		}
	}
	a, _ := NewArrivals(ArrivalConstant, 40, 1, 0, 1)
	if n, last := a.Expected(30, 2*time.Second); n != 30 || last != 725*time.Millisecond {
		t.Errorf("constant 40/s, 30 sends: Expected %d, %v; want 30, 725ms", n, last)
	}
}
