package loadgen

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// Arrival is the shape of an open-loop arrival process.
type Arrival string

// The arrival processes.
const (
	// ArrivalConstant: evenly spaced, exactly 1/rate apart.
	ArrivalConstant Arrival = "constant"
	// ArrivalPoisson: exponential gaps with mean 1/rate (memoryless).
	ArrivalPoisson Arrival = "poisson"
	// ArrivalGamma: gamma-distributed gaps with mean 1/rate and shape
	// Burstiness: shape 1 is Poisson, below 1 is burstier, above 1 smoother
	// (the coefficient of variation of the gaps is 1/√shape). This is the
	// "burstiness" of vLLM's benchmark.
	ArrivalGamma Arrival = "gamma"
)

// Arrivals generates the due times of an open-loop schedule: a pure, seeded
// sequence, so two runs with the same seed (an A100 box and an H100 box) see
// identical arrival times. It draws gaps with mean 1 in "expected arrivals"
// space and maps them to time through the inverse of the cumulative rate
// Λ(t), which gives a linear ramp-up without distorting the process:
// Λ(t) = R·t²/(2T) for t < T (ramp), R·T/2 + R·(t−T) after.
type Arrivals struct {
	kind  Arrival
	rate  float64 // requests per second once ramped up
	ramp  float64 // ramp-up time T in seconds
	u     float64 // cumulative expected arrivals so far
	seed  uint64
	rng   *rand.Rand
	gamma distuv.Gamma
}

// NewArrivals returns the schedule for kind at rate requests per second
// (after a linear ramp-up of rampUp), with burstiness the gamma shape
// (ignored otherwise), seeded by seed. Kind "" is ArrivalPoisson, the
// default.
func NewArrivals(kind Arrival, rate, burstiness float64, rampUp time.Duration, seed uint64) (*Arrivals, error) {
	kind = cmp.Or(kind, ArrivalPoisson)
	if !(rate > 0) || math.IsInf(rate, 0) {
		return nil, fmt.Errorf("arrivals: rate must be a positive number of requests per second, got %v", rate)
	}
	if rampUp < 0 {
		return nil, fmt.Errorf("arrivals: ramp-up must not be negative, got %v", rampUp)
	}
	src := newSource(seed)
	a := &Arrivals{kind: kind, rate: rate, ramp: rampUp.Seconds(), seed: seed, rng: rand.New(src)}
	switch kind {
	case ArrivalConstant, ArrivalPoisson:
	case ArrivalGamma:
		if !(burstiness > 0) || math.IsInf(burstiness, 0) {
			return nil, fmt.Errorf("arrivals: gamma burstiness (shape) must be positive, got %v", burstiness)
		}
		// Shape k, rate k: mean gap 1 (in expected-arrival units), CV 1/√k.
		a.gamma = distuv.Gamma{Alpha: burstiness, Beta: burstiness, Src: src}
	default:
		return nil, fmt.Errorf("arrivals: unknown arrival process %q (want constant, poisson or gamma)", kind)
	}
	return a, nil
}

// twin returns a fresh copy of a as NewArrivals made it: it draws the gaps
// a drew from its start.
func (a *Arrivals) twin() *Arrivals {
	t := *a
	src := newSource(a.seed)
	t.u, t.rng, t.gamma.Src = 0, rand.New(src), src
	return &t
}

// newSource is the generator of a schedule seeded by seed.
func newSource(seed uint64) *rand.PCG { return rand.NewPCG(seed, 0x1b873593) }

// Next returns the due time of the next arrival of the unbounded process,
// as an offset from the schedule's start. The first arrival of a constant
// schedule is at 0; random processes start with a gap (a Poisson process
// has no arrival at t=0).
func (a *Arrivals) Next() time.Duration {
	if a.kind == ArrivalConstant {
		t := a.at(a.u)
		a.u++
		return t
	}
	a.u += a.gap()
	return a.at(a.u)
}

// at maps u expected arrivals to time, the inverse of Λ.
func (a *Arrivals) at(u float64) time.Duration {
	var s float64
	switch rampArrivals := a.rate * a.ramp / 2; {
	case a.ramp > 0 && u < rampArrivals:
		s = math.Sqrt(2 * a.ramp * u / a.rate)
	default:
		s = a.ramp + (u-rampArrivals)/a.rate
	}
	// A due time past what a Duration holds (292 years: a rate such as
	// 1e-300) saturates; converted as it is, it wraps to a negative time
	// and the request is sent at once.
	if ns := s * float64(time.Second); ns < math.MaxInt64 {
		return time.Duration(ns)
	}
	return math.MaxInt64
}

// gap draws one gap of the process in expected-arrival units (mean 1).
func (a *Arrivals) gap() float64 {
	switch a.kind {
	case ArrivalPoisson:
		return a.rng.ExpFloat64()
	case ArrivalGamma:
		return a.gamma.Rand()
	}
	return 1
}

// Schedule returns the due times of a bounded schedule: at most n arrivals
// (n ≤ 0: no count limit) within horizon (0: no time limit; one of the two
// must be set). It is the Stream's times in a slice: 8 bytes an arrival, for
// callers that want them all (calibrate); a level streams them.
func (a *Arrivals) Schedule(n int, horizon time.Duration) []time.Duration {
	st := a.Stream(context.Background(), n, horizon)
	out := make([]time.Duration, 0, st.Len())
	for at, ok := st.Next(); ok; at, ok = st.Next() {
		out = append(out, at)
	}
	return out
}

// A Stream yields the due times of a bounded schedule one at a time, in
// constant memory: a level of any length holds no schedule (drawn whole,
// 16 bytes a request, it capped a level at 10 million requests and took
// seconds before the first one).
//
// A random schedule is normalized so that its realized rate is the target
// rate: the n+1 gaps that span the window are drawn from the process and
// scaled to sum exactly to the window's expected arrivals Λ(horizon) (or n+1
// without a horizon). For Poisson this is exact — a Poisson process
// conditioned on its count has arrivals distributed as sorted uniform
// points, which is what normalized exponential gaps give — so the schedule
// keeps its memoryless shape while a 10 s run at 500 req/s sends 5,000
// requests, not 5,000 ± 71. For gamma, the scaling keeps the gaps'
// coefficient of variation (the burstiness). Constant schedules are exact
// already: arrivals at 0, 1/rate, 2/rate, …
//
// The scale needs the gaps' sum before the first due time: the stream draws
// the gaps once to sum them, then replays the same seeded generator to emit
// them, so its times are those of the whole schedule drawn at once, bit for
// bit. Both passes together cost 15 ns an arrival for Poisson and 100 for
// gamma of shape 0.5 (BenchmarkStream, 2 cores); the first, about half,
// is paid before the level's first request: scenarios.MaxLevelArrivals
// bounds it to seconds.
type Stream struct {
	a       *Arrivals // a twin of the process, replaying its gaps
	count   int       // arrivals at most
	horizon time.Duration
	i       int     // arrivals given
	scale   float64 // gap scale (random kinds)
	even    bool    // every gap drawn was 0: the window spread evenly
}

// Stream returns the schedule of at most n arrivals (n ≤ 0: no count limit)
// within horizon (0: no time limit; with neither, no arrival), drawn from
// a's process from its seed: a itself is not advanced. The first pass
// stops when ctx ends (Ctrl-C during a 100-million-arrival gamma
// schedule's seconds of drawing), and the stream then gives no arrival.
func (a *Arrivals) Stream(ctx context.Context, n int, horizon time.Duration) *Stream {
	st := &Stream{a: a.twin(), horizon: horizon}
	var total float64
	st.count, total = a.window(n, horizon)
	if st.count == 0 || a.kind == ArrivalConstant {
		return st
	}
	// The first pass: the count+1 gaps that span the window, summed in
	// the order they are drawn, by another twin (same seed); st.a replays
	// them in Next.
	twin := a.twin()
	var sum float64
	for i := range st.count + 1 {
		if i&(1<<16-1) == 0 && ctx.Err() != nil {
			st.count = 0
			return st
		}
		sum += twin.gap()
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		// Every gap drawn was 0 (a gamma shape far below 1 draws exact
		// zeros): the draws carry no time scale, and scaling them gave
		// NaN due times that saturated to 292 years. Spread the window
		// evenly instead. Scenarios refuse such shapes (burstiness below
		// 0.01); this keeps a caller of the library from a schedule that
		// never fires.
		st.even, sum = true, float64(st.count+1)
	}
	st.scale = total / sum
	return st
}

// window is how Stream bounds a schedule of at most n arrivals within
// horizon: the arrivals it gives, and the expected arrivals (Λ) that a
// random process's count+1 gaps are scaled to span, so that its count-th
// arrival falls at count/(count+1) of it on average: the horizon's when
// it binds (the count is then the horizon's expected arrivals, rounded),
// else count+1 (the n-th arrival at Λ = n on average).
func (a *Arrivals) window(n int, horizon time.Duration) (count int, total float64) {
	if n <= 0 && horizon <= 0 {
		return 0, 0
	}
	total = math.Inf(1) // expected arrivals in the window
	if horizon > 0 {
		total = a.lambda(horizon.Seconds())
	}
	count = n
	if horizon > 0 && (n <= 0 || float64(n) > total) {
		count = int(math.Round(total))
		if a.kind == ArrivalConstant {
			count = int(math.Ceil(total)) // arrivals at 0 … < horizon
		}
	}
	if horizon <= 0 || float64(n) < total && n > 0 {
		// Bounded by count: the window is what n+1 gaps span on average.
		total = float64(count + 1)
	}
	return count, total
}

// Expected is what a schedule of at most n arrivals within horizon, as
// Stream bounds it, gives on average: its arrivals and the due time of the
// last, from the schedule's start (0 and 0 for none). A constant
// schedule's are exact; a random one's last arrival falls at
// count/(count+1) of its window on average (window). It prices a fixed
// open-loop level from its schedule (adaptive.Account, through session).
func (a *Arrivals) Expected(n int, horizon time.Duration) (count int, last time.Duration) {
	count, total := a.window(n, horizon)
	switch {
	case count == 0:
		return 0, 0
	case a.kind == ArrivalConstant:
		return count, a.at(float64(count - 1))
	}
	return count, a.at(float64(count) * total / float64(count+1))
}

// Len is the number of arrivals the stream gives at most (a constant
// schedule stops earlier at its horizon).
func (st *Stream) Len() int { return st.count }

// Next returns the next due time, as an offset from the schedule's start,
// and false once the schedule is over.
func (st *Stream) Next() (time.Duration, bool) {
	if st.i >= st.count {
		return 0, false
	}
	st.i++
	a := st.a
	if a.kind == ArrivalConstant {
		at := a.at(float64(st.i - 1))
		if st.horizon > 0 && at >= st.horizon {
			st.count = st.i // monotone: none after it is inside either
			return 0, false
		}
		return at, true
	}
	g := 1.0
	if !st.even {
		g = a.gap()
	}
	a.u += g * st.scale
	return a.at(a.u), true
}

// lambda is the expected number of arrivals by s seconds, Λ(s).
func (a *Arrivals) lambda(s float64) float64 {
	if a.ramp > 0 && s < a.ramp {
		return a.rate * s * s / (2 * a.ramp)
	}
	return a.rate*a.ramp/2 + a.rate*(s-a.ramp)
}
