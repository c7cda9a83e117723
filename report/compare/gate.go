package compare

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// gateWord is a gate key or value that can be written as a plain YAML
// scalar: a metric name, a threshold (10%, -5%, 1pt) or off.
var gateWord = regexp.MustCompile(`^[A-Za-z0-9_.%+-]+$`)

// thresholdsFor returns the thresholds a comparison applies: given ones
// (--thresholds) if any; else the candidate's scenario gate (its `gate:`
// mapping, read as a thresholds file's metrics) over DefaultThresholds;
// else DefaultThresholds. A gate that does not read is an error naming it.
func thresholdsFor(given Thresholds, cand *Run) (Thresholds, error) {
	if given.Limits != nil {
		return given, nil
	}
	if cand == nil || len(cand.Meta.Gate) == 0 || string(cand.Meta.Gate) == "null" {
		return DefaultThresholds(), nil
	}
	var gate map[string]string
	if err := json.Unmarshal(cand.Meta.Gate, &gate); err != nil {
		return DefaultThresholds(), fmt.Errorf("%s: run.json: the scenario's gate: want a mapping of metric to threshold", cand.Dir)
	}
	// The gate is the metrics mapping of a thresholds file.
	var doc strings.Builder
	doc.WriteString("metrics:\n")
	for _, k := range slices.Sorted(maps.Keys(gate)) {
		if !gateWord.MatchString(k) || !gateWord.MatchString(gate[k]) {
			return DefaultThresholds(), fmt.Errorf("%s: run.json: the scenario's gate: %q: %q is not a threshold", cand.Dir, k, gate[k])
		}
		fmt.Fprintf(&doc, "  %s: %s\n", k, gate[k])
	}
	th, err := LoadThresholds("the scenario's gate", []byte(doc.String()))
	if err != nil {
		return th, fmt.Errorf("%s: run.json: %w", cand.Dir, err)
	}
	return th, nil
}
