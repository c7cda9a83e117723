package scenarios

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"github.com/inferbench/inferbench/internal/yamlguard"
)

// MaxTurns bounds a session's number of turns.
const MaxTurns = 1000

// MaxThinkTime bounds one think time: a drawn value above it is clamped.
const MaxThinkTime = time.Hour

// DistExponential: think times drawn from an exponential distribution of
// mean Mean (a Poisson process of user messages).
const DistExponential DistKind = "exponential"

// ThinkTime is the pause between a reply and the user's next message in a
// multi-turn session: a fixed duration, or drawn per turn. In YAML it is a
// duration string ("2s") or a mapping {dist: uniform (min, max) |
// exponential (mean) | lognormal (mean, stddev)} whose values are duration
// strings. The zero value is no pause.
type ThinkTime struct {
	// Kind is the distribution; DistFixed for a fixed Value.
	Kind DistKind
	// Value is the fixed pause, with DistFixed.
	Value Duration
	// Min and Max bound a uniform draw (both included).
	Min, Max Duration
	// Mean and Stddev are the pauses' mean and standard deviation
	// (exponential: Mean only; lognormal: both, with the moments of
	// DistLognormal).
	Mean, Stddev Duration
}

// IsZero reports whether t is unset.
func (t ThinkTime) IsZero() bool { return t == ThinkTime{} }

// String describes t in the YAML flow form.
func (t ThinkTime) String() string {
	switch t.Kind {
	case DistFixed:
		return t.Value.String()
	case DistUniform:
		return fmt.Sprintf("{dist: uniform, min: %s, max: %s}", t.Min, t.Max)
	case DistExponential:
		return fmt.Sprintf("{dist: exponential, mean: %s}", t.Mean)
	}
	return fmt.Sprintf("{dist: %s, mean: %s, stddev: %s}", t.Kind, t.Mean, t.Stddev)
}

// Sample draws one pause from t with rng, clamped to [0, MaxThinkTime]. It
// is a pure function of t and rng's state.
func (t *ThinkTime) Sample(rng *rand.Rand) time.Duration {
	var x float64
	switch t.Kind {
	case DistFixed:
		x = float64(t.Value)
	case DistUniform:
		x = float64(t.Min) + rng.Float64()*float64(t.Max-t.Min)
	case DistExponential:
		x = rng.ExpFloat64() * float64(t.Mean)
	case DistLognormal:
		x = lognormal(rng, float64(t.Mean), float64(t.Stddev))
	}
	if !(x > 0) {
		return 0
	}
	return time.Duration(min(x, float64(MaxThinkTime)))
}

// thinkSpec is the mapping form of a ThinkTime, decoded strictly.
type thinkSpec struct {
	Dist   DistKind `yaml:"dist"`
	Min    Duration `yaml:"min,omitempty"`
	Max    Duration `yaml:"max,omitempty"`
	Mean   Duration `yaml:"mean,omitempty"`
	Stddev Duration `yaml:"stddev,omitempty"`
}

// MarshalYAML writes a fixed pause as a duration string and any other as
// a mapping.
func (t ThinkTime) MarshalYAML() (any, error) {
	if t.Kind == DistFixed {
		return t.Value.String(), nil
	}
	return thinkSpec{Dist: t.Kind, Min: t.Min, Max: t.Max, Mean: t.Mean, Stddev: t.Stddev}, nil
}

// UnmarshalYAML reads a duration string (or a bare 0) or a {dist: …} mapping.
func (t *ThinkTime) UnmarshalYAML(n ast.Node) error {
	n, err := unwrapNode(n)
	if err != nil {
		return err
	}
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		var s thinkSpec
		if err := yaml.NodeToValue(n, &s, yaml.DisallowUnknownField()); err != nil {
			return err
		}
		if s.Dist == DistFixed {
			return errAt(n, "dist is required: uniform, exponential or lognormal (write a fixed pause as a duration such as 2s)")
		}
		*t = ThinkTime{Kind: s.Dist, Min: s.Min, Max: s.Max, Mean: s.Mean, Stddev: s.Stddev}
		return nil
	}
	var d Duration
	if err := d.UnmarshalYAML(n); err != nil {
		return err
	}
	*t = ThinkTime{Value: d}
	return nil
}

// problems lists what is wrong with t, by sub-key ("" for t itself).
func (t *ThinkTime) problems() []problem {
	var ps []problem
	add := func(key, format string, args ...any) { ps = append(ps, problem{key, fmt.Sprintf(format, args...)}) }
	neg := func(key string, d Duration) {
		if d < 0 || time.Duration(d) > MaxThinkTime {
			add(key, "must be between 0 and %s, got %s", MaxThinkTime, d)
		}
	}
	unused := func(keys ...string) {
		for _, k := range keys {
			if v := map[string]Duration{"min": t.Min, "max": t.Max, "stddev": t.Stddev}[k]; v != 0 {
				add(k, "not used by dist: %s", t.Kind)
			}
		}
	}
	switch t.Kind {
	case DistFixed:
		neg("", t.Value)
	case DistUniform:
		neg("min", t.Min)
		neg("max", t.Max)
		if t.Max < t.Min {
			add("max", "must be ≥ min (%s), got %s", t.Min, t.Max)
		}
		if t.Mean != 0 || t.Stddev != 0 {
			add("mean", "not used by dist: uniform")
		}
	case DistExponential, DistLognormal:
		if t.Mean <= 0 || time.Duration(t.Mean) > MaxThinkTime {
			add("mean", "must be between 0 (excluded) and %s, got %s", MaxThinkTime, t.Mean)
		}
		if t.Kind == DistExponential {
			unused("min", "max", "stddev")
		} else {
			neg("stddev", t.Stddev)
			unused("min", "max")
		}
	default:
		add("dist", "%s", unknownName("distribution", string(t.Kind), []string{"uniform", "exponential", "lognormal"}))
	}
	return ps
}

// turnsProblems lists what is wrong with a turns distribution: the checks
// of a length, in turns and up to MaxTurns, and no empirical file.
func turnsProblems(d *Distribution, present func(key string) bool) []problem {
	if d.Kind == DistEmpirical {
		return []problem{{"dist", "empirical is not available for turns (use a number, uniform, normal or lognormal)"}}
	}
	return d.problemsWithin(present, turns)
}

// SampleTurns draws a session's number of turns: Sample, at most MaxTurns
// (a normal or lognormal without max reaches past it; each draw past it
// is MaxTurns, as a length's past MaxLength is MaxLength).
func (d *Distribution) SampleTurns(rng *rand.Rand) int { return min(d.Sample(rng), MaxTurns) }

// ParseTurns reads a --turns value: a number of turns, or a distribution in
// YAML flow form, e.g. "{dist: uniform, min: 2, max: 6}".
func ParseTurns(s string) (Distribution, error) {
	var d Distribution
	// A fraction is refused, not truncated (min: 1.5 read 1).
	if f, err := yamlguard.Parse([]byte(s), yamlguard.Limits{}); err == nil && len(f.Docs) == 1 && f.Docs[0] != nil {
		// --turns 010 read 8 (leadingZeros).
		if zs := (&source{at: map[position]string{}}).leadingZeros(f.Docs[0].Body); len(zs) > 0 {
			return d, errors.New(zs[0].Msg)
		}
		if fr := yamlguard.Fractions(f.Docs[0].Body, reflect.TypeFor[Distribution](), schemaType); len(fr) > 0 {
			return d, fmt.Errorf("%s: want %s, got %s", fr[0].Path, fr[0].Want, truncate(fr[0].Text, 32))
		}
	}
	if err := yaml.Unmarshal([]byte(s), &d); err != nil {
		if e, ok := errors.AsType[*Error](err); ok {
			// The length decoder's own words, in turns; a flag's one
			// line has no position to give.
			return d, errors.New(turnsWords(e.Msg))
		}
		return d, fmt.Errorf("want a number of turns or {dist: uniform, min: 2, max: 6}: %s", oneLine(err))
	}
	if ps := turnsProblems(&d, nil); len(ps) > 0 {
		return d, fmt.Errorf("%s", joinProblems(ps))
	}
	return d, nil
}

// ParseThinkTime reads a --think-time value: a duration, or a distribution
// in YAML flow form, e.g. "{dist: exponential, mean: 2s}".
func ParseThinkTime(s string) (ThinkTime, error) {
	var t ThinkTime
	if err := yaml.Unmarshal([]byte(s), &t); err != nil {
		if e, ok := errors.AsType[*Error](err); ok {
			// The duration's own words; a flag's one line has no
			// position to give.
			return t, errors.New(e.Msg)
		}
		return t, fmt.Errorf("want a duration such as 2s or {dist: exponential, mean: 2s}: %s", oneLine(err))
	}
	if ps := t.problems(); len(ps) > 0 {
		return t, fmt.Errorf("%s", joinProblems(ps))
	}
	return t, nil
}

// joinProblems writes problems on one line.
func joinProblems(ps []problem) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += "; "
		}
		if p.key != "" {
			s += p.key + ": "
		}
		s += p.msg
	}
	return s
}

// oneLine keeps the first line of an error's message.
func oneLine(err error) string {
	msg := err.Error()
	for i, c := range msg {
		if c == '\n' {
			return msg[:i]
		}
	}
	return msg
}

// turnsWords is a length decoder's message (Distribution.UnmarshalYAML)
// in the words of workload.turns, which is read as a length distribution:
// turns, not tokens, and no empirical list.
func turnsWords(msg string) string {
	if strings.HasPrefix(msg, "want a length in tokens up to ") {
		return fmt.Sprintf("want a number of turns up to %d", MaxTurns)
	}
	msg = strings.Replace(msg, "want a length in tokens, or {dist: uniform|normal|lognormal|empirical, …}", "want a number of turns, or {dist: uniform|normal|lognormal, …}", 1)
	return strings.Replace(msg, "a whole number of tokens", "a whole number of turns", 1)
}

// validateSessions checks workload.turns and workload.think_time.
func (w *Workload) validateSessions(c *checker, s *Scenario) {
	const tk, tt = "workload.turns", "workload.think_time"
	turns := c.set(tk, !w.Turns.IsZero())
	if turns {
		c.problems(tk, turnsProblems(&w.Turns, c.written(tk)))
		if s.Load.Trace != nil {
			c.errorf(tk, "not used with load.trace: a trace replays independent requests")
		}
	}
	if c.set(tt, !w.ThinkTime.IsZero()) {
		c.problems(tt, w.ThinkTime.problems())
		if !turns {
			c.errorf(tt, "needs workload.turns: think time is the pause between a session's turns")
		}
	}
}
