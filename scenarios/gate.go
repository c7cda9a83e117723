package scenarios

import (
	"errors"
	"regexp"
	"slices"
	"strings"

	"maps"
)

// gateValueRE is the form of a gate threshold: a signed or unsigned
// percentage, percentage points (the error rate), or off. `compare` checks
// the metric names and the signs against each metric's bad direction.
var gateValueRE = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?(%|pt)$|^off$`)

// Known is what packages above this one know of a scenario's names,
// passed in because this package imports neither the network code nor the
// comparison: the target registry's kinds (CheckKind) and what the
// regression gate says of each gate entry (compare.CheckLimit: a metric it
// knows, a limit it can judge by). A nil field checks nothing.
type Known struct {
	Kinds     []string
	GateLimit func(metric, value string) error
	// BaseURL is how the adapters read a server root (targets.CheckBaseURL),
	// which refuses more than CheckURL can see here: a URL ending in an API
	// endpoint. Nil: CheckURL's checks only.
	BaseURL func(raw string) error
	// Target says what a target kind can do (the registry's table): the
	// APIs it speaks and whether its server has a tokenize endpoint
	// (prompt_sizing: server); ok is false for a kind it does not know.
	// Nil: not checked (CheckTarget).
	Target func(kind string) (apis []string, tokenize, ok bool)
	// Stop says what a target kind's API does with stop sequences (the
	// registry's per-kind facts, StopRules) for model. api "" is the
	// kind's default API; an unknown kind gets the zero StopRules, which
	// refuses nothing. Nil: not checked (CheckStop).
	Stop func(kind, api, model string) StopRules
	// GPU reads cost.gpu (with cost.gpus: Cost.Stated) as run's --gpu is
	// read, against the GPU catalog. Nil: not checked.
	GPU func(stated string) error
}

// CheckGate reports, each as an *Error at its entry's file:line:col, the
// gate entries check refuses (an unknown metric, a limit no run can fail):
// a nightly scenario whose gate had a mistyped metric ran, and failed
// only at compare.
func (s *Scenario) CheckGate(check func(metric, value string) error) error {
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(s.Gate)) {
		v := strings.TrimSpace(s.Gate[k])
		if !gateValueRE.MatchString(v) {
			continue // validateGate says what form it wants
		}
		if err := check(k, v); err != nil {
			errs = append(errs, s.src.errorf("gate."+k, "%v", err))
		}
	}
	return errors.Join(errs...)
}

// validateGate checks the form of the scenario's gate thresholds.
func (s *Scenario) validateGate(c *checker) {
	for _, k := range slices.Sorted(maps.Keys(s.Gate)) {
		if v := strings.TrimSpace(s.Gate[k]); !gateValueRE.MatchString(v) {
			c.errorf("gate."+k, "want a threshold such as 25%%, -5%%, 1pt or off, got %q", truncate(v, 32))
		}
	}
}
