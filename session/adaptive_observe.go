package session

import (
	"time"

	"github.com/inferbench/inferbench/adaptive"
	"github.com/inferbench/inferbench/live"
)

// An AdaptiveObserver is an Observer that is also told each look of an
// adaptive level (docs/adaptive.md): the judged intervals narrowing while
// the level runs, and at its end, before LevelFinished, the decision it
// stopped on (Decision.Stop set). AdaptiveLook is called from the load's
// goroutines, under the level's lock: it must be cheap and must not block.
type AdaptiveObserver interface {
	AdaptiveLook(d adaptive.Decision)
}

// adaptiveLook tells every AdaptiveObserver among the observers.
func (obs observers) adaptiveLook(d adaptive.Decision) {
	for _, o := range obs {
		if ao, ok := o.(AdaptiveObserver); ok {
			ao.AdaptiveLook(d)
		}
	}
}

// AdaptiveLook shows the look on the level's live line, and its stop on
// the level's result line.
func (l liveObserver) AdaptiveLook(d adaptive.Decision) { l.s.Look(liveLook(d)) }

// liveLook is a decision as the live view shows it.
func liveLook(d adaptive.Decision) live.Look {
	lk := live.Look{Level: d.Level, N: d.Look, Judged: d.Judged, Certain: d.Certain}
	if d.Stop {
		lk.Stop = d.Reason.String()
	}
	for _, e := range append(append([]adaptive.Estimate(nil), d.Latency...), d.Throughput) {
		if e.Name != "" {
			lk.Intervals = append(lk.Intervals, e.Interval())
		}
	}
	return lk
}

// ended concludes the level once its runner returned and tells the
// observers its decision, before LevelFinished: ranOut and duration are
// finish's.
func (a *adaptiveLevel) ended(ranOut bool, duration time.Duration) {
	d, _ := a.finish(ranOut, duration)
	a.obs.adaptiveLook(d)
}

// levelPlan is the plan observers are told of a level: an adaptive level
// (a non-nil a) has no request count of its own — the runner's is a
// backstop at twice MaxRequests, and a progress bar toward it would say
// little — so it shows its time bound instead.
func (a *adaptiveLevel) levelPlan(p LevelPlan) LevelPlan {
	if a != nil {
		p.Requests = 0
	}
	return p
}
