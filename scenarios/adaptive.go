package scenarios

import (
	"math"
	"slices"
)

// Adaptive stops each level as soon as its numbers are known, and can
// search capacity instead of running every level (issue #22;
// docs/adaptive.md). Set under load: as `adaptive:`.
type Adaptive struct {
	// Precision is how close to its value the 95 % interval of every
	// judged number must lie, relative, on its farther side, for a level
	// to stop: 0.05 for within ±5 %. 0
	// turns adaptive stopping off (every level runs its fixed count or
	// duration).
	Precision float64 `yaml:"precision"`
	// MinRequests and MaxRequests bound each level in judged requests
	// (unset: 50 and 1,000); the level's duration, when set, bounds it too.
	MinRequests int `yaml:"min_requests,omitempty"`
	MaxRequests int `yaml:"max_requests,omitempty"`
	// Search runs the capacity search over the sweep's levels or the list
	// of rates: a climb until a level fails, then the bisection of
	// load.capacity_search; without it every level runs (a saturated
	// level ends the sweep after one more confirming it).
	Search bool `yaml:"search,omitempty"`
	// Start is the level the search starts at, one of the sweep's levels
	// or rates (unset: the first).
	Start float64 `yaml:"start,omitempty"`
}

// maxAdaptiveRequests bounds max_requests: the look schedule's boundary is
// computed for it when a run starts.
const maxAdaptiveRequests = 100000

// validate checks the adaptive settings of l.
func (a *Adaptive) validate(c *checker, l *LoadProfile) {
	const p = "load.adaptive"
	if !(a.Precision >= 0 && a.Precision < 1) {
		c.errorf(p+".precision", "want a fraction in [0, 1), e.g. 0.05 for ±5%% (0: off), got %g", a.Precision)
	}
	if a.MinRequests < 0 || a.MinRequests > maxAdaptiveRequests {
		c.errorf(p+".min_requests", "must be between 0 and %d, got %d", maxAdaptiveRequests, a.MinRequests)
	}
	if a.MaxRequests < 0 || a.MaxRequests > maxAdaptiveRequests {
		c.errorf(p+".max_requests", "must be between 0 and %d, got %d", maxAdaptiveRequests, a.MaxRequests)
	} else if a.MaxRequests > 0 && a.MinRequests > a.MaxRequests {
		c.errorf(p+".max_requests", "must be at least min_requests (%d), got %d", a.MinRequests, a.MaxRequests)
	}
	if l.Trace != nil && a.Precision > 0 {
		c.errorf(p, "does not apply to a trace replay (its requests are the trace's)")
	}
	levels := l.Levels()
	if a.Search && len(levels) < 2 {
		c.errorf(p+".search", "needs levels to search: load.sweep, or a list of load.rate")
	}
	if c.set(p+".start", a.Start != 0) {
		switch {
		case !a.Search:
			c.errorf(p+".start", "only applies with search: true")
		case len(levels) > 1 && !slices.Contains(levels, a.Start):
			c.errorf(p+".start", "must be one of the levels %v, got %g", levels, a.Start)
		}
	}
}

// Levels are the load levels l sweeps: concurrencies or rates (nil for a
// single level).
func (l *LoadProfile) Levels() []float64 {
	switch {
	case l.Sweep != nil:
		var out []float64
		for _, n := range l.Sweep.Concurrencies() {
			out = append(out, float64(n))
		}
		return out
	case len(l.Rate) > 0:
		return slices.Clone([]float64(l.Rate))
	}
	return nil
}

// AdaptiveOn reports whether the scenario's levels stop adaptively.
func (l *LoadProfile) AdaptiveOn() bool {
	return l.Adaptive != nil && l.Adaptive.Precision > 0 && !math.IsNaN(l.Adaptive.Precision)
}

// AdaptivePrecision is the interval reach adaptive levels stop at, 0 when
// levels do not stop adaptively (AdaptiveOn).
func (l *LoadProfile) AdaptivePrecision() float64 {
	if !l.AdaptiveOn() {
		return 0
	}
	return l.Adaptive.Precision
}
