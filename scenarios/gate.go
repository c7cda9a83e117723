package scenarios

import (
	"regexp"
	"slices"
	"strings"

	"maps"
)

// gateValueRE is the form of a gate threshold: a signed or unsigned
// percentage, percentage points (the error rate), or off. `compare` checks
// the metric names and the signs against each metric's bad direction.
var gateValueRE = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?(%|pt)$|^off$`)

// validateGate checks the form of the scenario's gate thresholds.
func (s *Scenario) validateGate(c *checker) {
	for _, k := range slices.Sorted(maps.Keys(s.Gate)) {
		if v := strings.TrimSpace(s.Gate[k]); !gateValueRE.MatchString(v) {
			c.errorf("gate."+k, "want a threshold such as 25%%, -5%%, 1pt or off, got %q", truncate(v, 32))
		}
	}
}
