package loadgen

import (
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
	rng   *rand.Rand
	gamma distuv.Gamma
}

// NewArrivals returns the schedule for kind at rate requests per second
// (after a linear ramp-up of rampUp), with burstiness the gamma shape
// (ignored otherwise), seeded by seed.
func NewArrivals(kind Arrival, rate, burstiness float64, rampUp time.Duration, seed uint64) (*Arrivals, error) {
	if !(rate > 0) || math.IsInf(rate, 0) {
		return nil, fmt.Errorf("arrivals: rate must be a positive number of requests per second, got %v", rate)
	}
	if rampUp < 0 {
		return nil, fmt.Errorf("arrivals: ramp-up must not be negative, got %v", rampUp)
	}
	src := rand.NewPCG(seed, 0x1b873593)
	a := &Arrivals{kind: kind, rate: rate, ramp: rampUp.Seconds(), rng: rand.New(src)}
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

// Next returns the due time of the next arrival, as an offset from the
// schedule's start. The first arrival of a constant schedule is at 0.
func (a *Arrivals) Next() time.Duration {
	t := a.at(a.u)
	var gap float64
	switch a.kind {
	case ArrivalConstant:
		gap = 1
	case ArrivalPoisson:
		gap = a.rng.ExpFloat64()
	case ArrivalGamma:
		gap = a.gamma.Rand()
	}
	if a.kind != ArrivalConstant {
		// Random processes start with a gap too, so their first arrival is
		// not pinned at 0 (a Poisson process has no arrival at t=0).
		a.u += gap
		return a.at(a.u)
	}
	a.u += gap
	return t
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
	return time.Duration(s * float64(time.Second))
}
