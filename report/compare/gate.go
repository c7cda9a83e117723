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

// thresholdsFor returns the thresholds a comparison applies, and a
// warning when the two runs' gates differ ("" otherwise). Given ones
// (--thresholds) replace both runs' gates. Otherwise each side's gate is
// its scenario's (its `gate:` mapping, read as a thresholds file's metrics)
// over DefaultThresholds, DefaultThresholds without one; where the two
// differ, each metric is judged at the stricter (a limit over off): the
// candidate's scenario is part of the change under test, and a change must
// not loosen the gate that judges it. A gate that does not read is an
// error naming its run.
func thresholdsFor(given Thresholds, base Baseline, cand *Run) (Thresholds, string, error) {
	if given.Limits != nil {
		return given, "", nil
	}
	ct, err := gateOf(cand.Meta.Gate, cand.Dir)
	if err != nil {
		return ct, "", err
	}
	baseName := base.Label
	if base.Run != nil {
		baseName = base.Run.Dir
	}
	bt, err := gateOf(base.Meta.Gate, baseName)
	if err != nil {
		return ct, "", err
	}
	th := Thresholds{Alpha: min(ct.Alpha, bt.Alpha), Limits: map[string]float64{}}
	var differ []string
	word := func(m Metric, t Thresholds) string {
		if l, ok := t.Limits[m.Name]; ok {
			return formatLimit(m, l)
		}
		return "off"
	}
	for _, name := range slices.Sorted(maps.Keys(union(bt.Limits, ct.Limits))) {
		b, bok := bt.Limits[name]
		c, cok := ct.Limits[name]
		switch {
		case bok && cok:
			th.Limits[name] = min(b, c)
		case bok:
			th.Limits[name] = b
		default:
			th.Limits[name] = c
		}
		if bok != cok || b != c {
			m, _ := LookupMetric(name)
			differ = append(differ, fmt.Sprintf("%s %s (baseline %s, candidate %s)", name, formatLimit(m, th.Limits[name]), word(m, bt), word(m, ct)))
		}
	}
	if len(differ) == 0 {
		return th, "", nil
	}
	return th, "the runs' scenario gates differ: each metric is judged at the stricter of the two (a limit over off; --thresholds replaces both): " + strings.Join(differ, ", "), nil
}

// union returns a map with the keys of a and b.
func union(a, b map[string]float64) map[string]float64 {
	u := maps.Clone(a)
	maps.Copy(u, b)
	return u
}

// gateOf reads a run's scenario gate (run.json's scenario.gate, as JSON)
// over DefaultThresholds; DefaultThresholds when there is none. name names
// the run in an error.
func gateOf(raw json.RawMessage, name string) (Thresholds, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return DefaultThresholds(), nil
	}
	var gate map[string]string
	if err := json.Unmarshal(raw, &gate); err != nil {
		return DefaultThresholds(), fmt.Errorf("%s: run.json: the scenario's gate: want a mapping of metric to threshold", name)
	}
	// The gate is the metrics mapping of a thresholds file.
	var doc strings.Builder
	doc.WriteString("metrics:\n")
	for _, k := range slices.Sorted(maps.Keys(gate)) {
		if !gateWord.MatchString(k) || !gateWord.MatchString(gate[k]) {
			return DefaultThresholds(), fmt.Errorf("%s: run.json: the scenario's gate: %q: %q is not a threshold", name, k, gate[k])
		}
		fmt.Fprintf(&doc, "  %s: %s\n", k, gate[k])
	}
	th, err := LoadThresholds("the scenario's gate", []byte(doc.String()))
	if err != nil {
		return th, fmt.Errorf("%s: run.json: %w", name, err)
	}
	return th, nil
}
