package scenarios

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"github.com/inferbench/inferbench/internal/yamlguard"
)

// Duration is a time.Duration written in YAML as a Go duration string
// ("250ms", "1s", "1m30s"). A bare 0 is accepted; other bare numbers are
// rejected, since their unit would be a guess.
type Duration time.Duration

// String formats d as a Go duration string, without the trailing zero
// units time.Duration.String adds ("1m", not "1m0s").
func (d Duration) String() string {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// MarshalYAML writes d as a duration string.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// UnmarshalYAML reads a duration string (or a bare 0).
func (d *Duration) UnmarshalYAML(n ast.Node) error {
	n, ok, err := nonNull(n, d)
	if !ok {
		return err
	}
	switch n := n.(type) {
	case *ast.StringNode:
		v, err := time.ParseDuration(n.Value)
		if err != nil {
			if durationForm.MatchString(n.Value) {
				// Written as a duration, past what one holds.
				return errAt(n, "out of range: a duration is at most %dh", int64(math.MaxInt64/int64(time.Hour)))
			}
			hint := ""
			if meant, ok := durationMeant(n.Value); ok {
				hint = fmt.Sprintf(" (did you mean %q?)", meant)
			}
			return errAt(n, "want a duration such as 250ms, 1s or 1m30s%s", hint)
		}
		*d = Duration(v)
		return nil
	case *ast.IntegerNode:
		if i, ok := nodeInt(n); ok && i == 0 {
			*d = 0
			return nil
		}
	}
	return errAt(n, "want a duration with its unit, such as 250ms, 1s or 1m30s")
}

// durationUnits are the ways a unit is spelt out, as time.ParseDuration
// spells it.
var durationUnits = map[string]string{
	"ns": "ns", "nsec": "ns", "nsecs": "ns", "nanosecond": "ns", "nanoseconds": "ns",
	"us": "us", "µs": "µs", "usec": "us", "usecs": "us", "microsecond": "us", "microseconds": "us",
	"ms": "ms", "msec": "ms", "msecs": "ms", "millis": "ms", "millisecond": "ms", "milliseconds": "ms",
	"s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
	"m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
	"h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
}

// durationNumber is a number and the word after it, in a duration as a
// person writes it ("10 sec", "1.5 Hours", "1m 30s").
var durationNumber = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*([a-zA-Zµ]+)`)

// durationForm is the form time.ParseDuration reads ("1h30m", "-1.5s"):
// a duration written so that it fails to parse only for its size.
var durationForm = regexp.MustCompile(`^[-+]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$`)

// durationMeant is the duration text means when it spells its units out,
// sets them apart or writes them in capitals ("10 sec": "10s"); false when
// its meaning is not plain.
func durationMeant(text string) (string, bool) {
	var b strings.Builder
	for rest := strings.TrimSpace(text); rest != ""; {
		m := durationNumber.FindStringSubmatch(rest)
		if m == nil {
			return "", false
		}
		unit, ok := durationUnits[strings.ToLower(m[2])]
		if !ok {
			return "", false
		}
		b.WriteString(m[1] + unit)
		rest = strings.TrimSpace(rest[len(m[0]):])
	}
	meant := b.String()
	if _, err := time.ParseDuration(meant); err != nil || meant == text {
		return "", false
	}
	return meant, true
}

// Rates is one open-loop request rate, or several to sweep, in requests per
// second. In YAML a single rate is a number and several are a list.
type Rates []float64

// MarshalYAML writes one rate as a number and several as a list.
func (r Rates) MarshalYAML() (any, error) {
	if len(r) == 1 {
		return r[0], nil
	}
	return []float64(r), nil
}

// UnmarshalYAML reads a number or a list of numbers.
func (r *Rates) UnmarshalYAML(n ast.Node) error {
	n, ok, err := nonNull(n, r)
	if !ok {
		return err
	}
	switch n := n.(type) {
	case *ast.SequenceNode:
		rates, err := nodeList(n, nodeNumber, "want a rate in requests per second")
		if err != nil {
			return err
		}
		*r = rates
		return nil
	}
	f, ok := nodeNumber(n)
	if !ok {
		return errAt(n, "want a rate in requests per second, or a list of rates")
	}
	*r = Rates{f}
	return nil
}

// Sweep is a series of concurrency levels: either listed (Levels) or a
// geometric series from Start, multiplied by Factor while ≤ Max, with Max
// itself appended when the series falls short of it. In YAML a list is
// Levels and a mapping {start, factor, max} the series.
type Sweep struct {
	// Levels are the concurrency levels, increasing.
	Levels []int
	// Start is the series' first level (≥ 1).
	Start int
	// Factor multiplies each level to give the next (> 1).
	Factor float64
	// Max is the series' last level.
	Max int
}

// maxSweepLevels bounds a sweep's length: a sweep this long already takes
// hours against a real server.
const maxSweepLevels = 64

// Concurrencies returns the sweep's levels in order. A geometric level is
// start·factor^k rounded to the nearest integer; a rounding that repeats the
// previous level is skipped. The result holds at most 64 levels.
// For example {start: 1, factor: 2, max: 100} gives 1 2 4 8 16 32 64 100.
func (s *Sweep) Concurrencies() []int {
	if s.Levels != nil {
		return s.Levels
	}
	if s.Start < 1 || !(s.Factor > 1) || s.Max < s.Start {
		return nil
	}
	var out []int
	level := func(k float64) float64 { return math.Round(float64(s.Start) * math.Pow(s.Factor, k)) }
	for k := 0.0; len(out) < maxSweepLevels; {
		x := level(k)
		if x > float64(s.Max) {
			break
		}
		out = append(out, int(x))
		k = nextPower(level, k, x)
	}
	if len(out) < maxSweepLevels && (len(out) == 0 || out[len(out)-1] < s.Max) {
		out = append(out, s.Max)
	}
	return out
}

// nextPower returns the first power after k whose level passes l, as
// trying each power in turn finds it, with as few tries as a search
// takes: a factor just above 1 repeats a level for millions of powers
// (1.0000001: 41 million, 4.4 s; 1.000000001 ran for ever). level is
// non-decreasing in the power.
func nextPower(level func(float64) float64, k, l float64) float64 {
	lo, hi := k, k+1 // level(lo) ≤ l; is level(hi) > l?
	for step := 1.0; level(hi) <= l; step *= 2 {
		lo, hi = hi, hi+step
	}
	for {
		mid := math.Floor(lo/2 + hi/2)
		if mid <= lo || mid >= hi {
			return hi
		}
		if level(mid) <= l {
			lo = mid
		} else {
			hi = mid
		}
	}
}

// sweepSeries is the mapping form of a Sweep, decoded strictly.
type sweepSeries struct {
	Start  int     `yaml:"start"`
	Factor float64 `yaml:"factor"`
	Max    int     `yaml:"max"`
}

// MarshalYAML writes listed levels as a list and a series as a mapping.
func (s Sweep) MarshalYAML() (any, error) {
	if s.Levels != nil {
		return s.Levels, nil
	}
	return sweepSeries{Start: s.Start, Factor: s.Factor, Max: s.Max}, nil
}

// UnmarshalYAML reads a list of levels or a {start, factor, max} mapping.
func (s *Sweep) UnmarshalYAML(n ast.Node) error {
	n, err := unwrapNode(n)
	if err != nil {
		return err
	}
	switch n := n.(type) {
	case *ast.SequenceNode:
		levels, err := nodeList(n, nodeLevel, "want a concurrency level (a whole number)")
		if err != nil {
			return err
		}
		*s = Sweep{Levels: levels}
		return nil
	case *ast.MappingNode, *ast.MappingValueNode:
		var ser sweepSeries
		if err := yaml.NodeToValue(n, &ser, yaml.DisallowUnknownField()); err != nil {
			return err
		}
		*s = Sweep{Start: ser.Start, Factor: ser.Factor, Max: ser.Max}
		return nil
	}
	return errAt(n, "want a list of concurrency levels or {start, factor, max}")
}

// unwrapNode strips a tag and refuses an alias: the custom types here read
// the node itself. Load resolves every alias before decoding (merge.go), so
// an alias here means a node that did not pass through Load.
func unwrapNode(n ast.Node) (ast.Node, error) {
	switch t := yamlguard.Unwrap(n).(type) {
	case *ast.AliasNode:
		return nil, errAt(t, "write the value here: aliases are not supported for this field")
	case nil:
		return &ast.NullNode{}, nil
	default:
		return t, nil
	}
}

// nonNull is unwrapNode for a type whose null is its zero value: for a
// null it sets *v to zero and returns ok false with a nil error, for an
// alias ok false and the error; otherwise the node to decode.
func nonNull[T any](n ast.Node, v *T) (_ ast.Node, ok bool, _ error) {
	n, err := unwrapNode(n)
	if err != nil {
		return nil, false, err
	}
	if _, null := n.(*ast.NullNode); null {
		var zero T
		*v = zero
		return nil, false, nil
	}
	return n, true, nil
}

// nodeInt returns the value of an integer node.
func nodeInt(n ast.Node) (int64, bool) {
	in, ok := n.(*ast.IntegerNode)
	if !ok {
		return 0, false
	}
	switch v := in.Value.(type) {
	case int64:
		return v, true
	case uint64:
		if v <= math.MaxInt64 {
			return int64(v), true
		}
	}
	return 0, false
}

// nodeLevel returns the value of an integer node that fits a concurrency
// level.
func nodeLevel(n ast.Node) (int, bool) {
	i, ok := nodeInt(n)
	return int(i), ok && i <= math.MaxInt32 && i >= math.MinInt32
}

// nodeList reads each element of a sequence with item; want is the
// problem reported at the first element item refuses.
func nodeList[T any](n *ast.SequenceNode, item func(ast.Node) (T, bool), want string) ([]T, error) {
	out := make([]T, 0, len(n.Values))
	for _, v := range n.Values {
		v, err := unwrapNode(v)
		if err != nil {
			return nil, err
		}
		x, ok := item(v)
		if !ok {
			return nil, errAt(v, "%s", want)
		}
		out = append(out, x)
	}
	return out, nil
}

// nodeNumber returns the value of an integer or float node.
func nodeNumber(n ast.Node) (float64, bool) {
	if f, ok := n.(*ast.FloatNode); ok {
		return f.Value, true
	}
	// The YAML library reads an exponent without a dot (1e-3, YAML 1.1's
	// rule) as a string; YAML 1.2's core schema, and every user, reads a
	// number. Only a plain (unquoted) scalar counts: "1e-3" stays text.
	if sn, ok := n.(*ast.StringNode); ok && sn.Token != nil && sn.Token.Type == token.StringType && yamlguard.Float.MatchString(sn.Value) {
		if f, err := strconv.ParseFloat(sn.Value, 64); err == nil {
			return f, true
		}
	}
	if i, ok := nodeInt(n); ok {
		return float64(i), true
	}
	return 0, false
}

// errAt returns a problem located at n's first token; Load adds the file
// name and the YAML path.
func errAt(n ast.Node, format string, args ...any) *Error {
	e := &Error{Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			e.Line, e.Column = tk.Position.Line, tk.Position.Column
		}
	}
	return e
}
