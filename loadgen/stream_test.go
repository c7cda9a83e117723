package loadgen

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"
)

// scheduleWhole is Schedule as it was before the Stream: every gap drawn
// into a slice, then scaled. It is the reference the Stream must give bit
// for bit (schedules are the same for a seed across versions: an A100 run
// of last week and an H100 run of today see the same arrivals).
func scheduleWhole(a *Arrivals, n int, horizon time.Duration) []time.Duration {
	if n <= 0 && horizon <= 0 {
		return nil
	}
	total := math.Inf(1) // expected arrivals in the window
	if horizon > 0 {
		total = a.lambda(horizon.Seconds())
	}
	count := n
	if horizon > 0 && (n <= 0 || float64(n) > total) {
		count = int(math.Round(total))
		if a.kind == ArrivalConstant {
			count = int(math.Ceil(total)) // arrivals at 0 … < horizon
		}
	}
	out := make([]time.Duration, 0, count)
	if a.kind == ArrivalConstant {
		for i := range count {
			if at := a.at(float64(i)); horizon <= 0 || at < horizon {
				out = append(out, at)
			}
		}
		return out
	}
	gaps := make([]float64, count+1)
	var sum float64
	for i := range gaps {
		gaps[i] = a.gap()
		sum += gaps[i]
	}
	if horizon <= 0 || float64(n) < total && n > 0 {
		// Bounded by count: the window is what n+1 gaps span on average.
		total = float64(count + 1)
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		// Every gap drawn was 0 (a gamma shape far below 1 draws exact
		// zeros): the draws carry no time scale, and scaling them gave
		// NaN due times that saturated to 292 years. Spread the window
		// evenly instead. Scenarios refuse such shapes (burstiness below
		// 0.01); this keeps a caller of the library from a schedule that
		// never fires.
		for i := range gaps {
			gaps[i] = 1
		}
		sum = float64(len(gaps))
	}
	scale := total / sum
	var u float64
	for _, g := range gaps[:count] {
		u += g * scale
		out = append(out, a.at(u))
	}
	return out
}

// TestStreamIsTheWholeSchedule: the Stream's due times are those of the
// schedule drawn whole, bit for bit, for every kind, with and without a
// ramp-up, bounded by count, by horizon or both, and for gamma shapes that
// draw only zeros (spread evenly).
func TestStreamIsTheWholeSchedule(t *testing.T) {
	type proc struct {
		kind  Arrival
		rate  float64
		burst float64
		ramp  time.Duration
	}
	procs := []proc{
		{ArrivalConstant, 50, 0, 0}, {ArrivalConstant, 7.3, 0, 2 * time.Second},
		{ArrivalPoisson, 50, 0, 0}, {ArrivalPoisson, 1000, 0, 1500 * time.Millisecond},
		{ArrivalGamma, 80, 0.25, 0}, {ArrivalGamma, 80, 4, time.Second},
		{ArrivalGamma, 80, 1e-4, 0}, // zeros: the even spread
	}
	bounds := []struct {
		n       int
		horizon time.Duration
	}{{100, 0}, {0, 3 * time.Second}, {40, 3 * time.Second}, {100000, 2 * time.Second}, {1, 0}, {0, 0}, {0, time.Millisecond}}
	for _, p := range procs {
		for _, b := range bounds {
			for _, seed := range []uint64{1, 7, 1 << 40} {
				mk := func() *Arrivals {
					a, err := NewArrivals(p.kind, p.rate, p.burst, p.ramp, seed)
					if err != nil {
						t.Fatal(err)
					}
					return a
				}
				want := scheduleWhole(mk(), b.n, b.horizon)
				st := mk().Stream(t.Context(), b.n, b.horizon)
				var got []time.Duration
				for at, ok := st.Next(); ok; at, ok = st.Next() {
					got = append(got, at)
				}
				if _, ok := st.Next(); ok {
					t.Errorf("%+v %+v: Next after the end gave a time", p, b)
				}
				if !slices.Equal(got, want) {
					t.Errorf("%+v n=%d horizon=%v seed=%d: %d times, want %d; first difference at %d", p, b.n, b.horizon, seed,
						len(got), len(want), firstDiff(got, want))
				}
				if st.Len() < len(got) {
					t.Errorf("%+v %+v: Len %d below the %d given", p, b, st.Len(), len(got))
				}
				if got := mk().Schedule(b.n, b.horizon); !slices.Equal(got, want) {
					t.Errorf("%+v %+v: Schedule differs from the whole schedule", p, b)
				}
			}
		}
	}
}

func firstDiff(a, b []time.Duration) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// BenchmarkStream is the cost of a level's schedule: the first pass (the
// gaps summed) and the arrivals given, per arrival, for Poisson and gamma.
// Next allocates nothing.
func BenchmarkStream(b *testing.B) {
	for _, kind := range []Arrival{ArrivalPoisson, ArrivalGamma} {
		b.Run(string(kind), func(b *testing.B) {
			const n = 1_000_000
			b.ReportAllocs()
			for b.Loop() {
				a, _ := NewArrivals(kind, 1000, 0.5, 0, 1)
				st := a.Stream(b.Context(), n, 0)
				var last time.Duration
				for at, ok := st.Next(); ok; at, ok = st.Next() {
					last = at
				}
				if last <= 0 || math.IsNaN(float64(last)) {
					b.Fatal("no schedule")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/arrival")
		})
	}
}

// TestStreamLeavesItsArrivalsAsTheyWere: a stream replays its process from
// the seed on a twin, so a schedule taken from Arrivals already drawn from
// (Next) is still the seed's, and taking one does not advance the Arrivals.
func TestStreamLeavesItsArrivalsAsTheyWere(t *testing.T) {
	fresh := func() *Arrivals {
		a, err := NewArrivals(ArrivalPoisson, 100, 0, 0, 9)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	want := scheduleWhole(fresh(), 50, 0)
	used := fresh()
	used.Next()
	if got := used.Schedule(50, 0); !slices.Equal(got, want) {
		t.Errorf("a schedule of Arrivals drawn from differs from the seed's (first difference at %d)", firstDiff(got, want))
	}
	b, c := fresh(), fresh()
	b.Schedule(50, 0)
	if b.Next() != c.Next() {
		t.Error("taking a schedule advanced the Arrivals")
	}
}

// TestStreamStopsDrawingWhenCancelled: the first pass over a long random
// schedule stops when its context ends (Ctrl-C before a 100-million-arrival
// level's first request), and the stream gives no arrival; a constant
// schedule has no first pass and is unaffected.
func TestStreamStopsDrawingWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, kind := range []Arrival{ArrivalPoisson, ArrivalGamma} {
		a, err := NewArrivals(kind, 1000, 0.5, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		st := a.Stream(ctx, 1<<22, 0)
		if _, ok := st.Next(); ok || st.Len() != 0 {
			t.Errorf("%s: %d arrivals after the context ended; want none", kind, st.Len())
		}
	}
	a, err := NewArrivals(ArrivalConstant, 1000, 0, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if st := a.Stream(ctx, 10, 0); st.Len() != 10 {
		t.Errorf("constant: %d arrivals, want 10", st.Len())
	}
}
