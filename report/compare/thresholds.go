package compare

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/inferbench/inferbench/internal/typo"
	"github.com/inferbench/inferbench/internal/yamlguard"
)

// DefaultAlpha is the significance level of every test: a change is
// significant when its 95 % interval excludes 0.
const DefaultAlpha = 0.05

// Thresholds are how large a significant change must be, per metric, to be
// a regression (in the metric's bad direction) or an improvement (in the
// good one). A metric without a limit is reported but never gated.
type Thresholds struct {
	// Alpha is the significance level, in (0, 0.5); 0 means DefaultAlpha.
	Alpha float64
	// Limits maps a metric name to its threshold: a fraction of the
	// baseline (0.10 for 10 %) or, for a Points metric, a difference in
	// fraction units (0.01 for 1 percentage point). Always positive: the
	// direction is the metric's.
	Limits map[string]float64
}

// DefaultThresholds returns the built-in thresholds: TTFT, TPOT and E2E
// p95 may grow by 10 %, output tokens/s may drop by 5 %, the error rate
// may grow by 1 percentage point, and at a level where both runs have
// multi-turn sessions' later turns, their TTFT p50 and p90 may grow by
// 10 % (docs/gating.md, "Multi-turn sessions: later turns' TTFT").
func DefaultThresholds() Thresholds {
	return Thresholds{Alpha: DefaultAlpha, Limits: map[string]float64{
		"ttft_p95":            0.10,
		"ttft_later_p50":      0.10,
		"ttft_later_p90":      0.10,
		"tpot_p95":            0.10,
		"e2e_p95":             0.10,
		"output_tokens_per_s": 0.05,
		"error_rate":          0.01,
	}}
}

// ThresholdError is one problem in a thresholds file, located where it was
// written: "file:line:col: message".
type ThresholdError struct {
	// File is the file's name as given to LoadThresholds.
	File string
	// Line and Column locate the problem (1-based); 0 when unknown.
	Line, Column int
	// Msg says what is wrong.
	Msg string
}

// Error formats e as "file:line:col: message".
func (e *ThresholdError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// LoadThresholds reads a thresholds file, named name in errors, on top of
// DefaultThresholds. Its form:
//
//	alpha: 0.05            # optional significance level
//	metrics:
//	  ttft_p95: 10%        # may grow by 10 % (the sign, if written, must be +)
//	  output_tokens_per_s: -5%
//	  error_rate: 1pt      # percentage points (error_rate only)
//	  itl_p99: 25%         # gate a metric the defaults do not
//	  e2e_p95: off         # stop gating a default
//
// A value or key may be quoted or tagged !!str ("15%", "off"), as in a
// scenario's gate; anchors, aliases (*lat reads as its anchor's value) and
// merge keys (<<: *base) read as in a scenario (yamlguard.ResolveAliases).
// Unknown keys and metrics, malformed values and a sign against the
// metric's bad direction are errors; every problem is reported, each as a
// *ThresholdError, joined.
func LoadThresholds(name string, data []byte) (Thresholds, error) {
	t := DefaultThresholds()
	// yamlguard bounds size, nesting, keys and alias expansion first.
	f, err := yamlguard.Parse(data, yamlguard.Limits{})
	if line, col, msg, ok := yamlguard.Syntax(data, err); ok {
		// A syntax error (a repeated key among them): one located line, not
		// the parser's multi-line excerpt.
		return t, &ThresholdError{File: name, Line: line, Column: col, Msg: msg}
	}
	if err != nil {
		return t, &ThresholdError{File: name, Msg: strings.TrimSpace(err.Error())}
	}
	var errs []error
	at := func(n ast.Node, format string, args ...any) {
		tok := n.GetToken()
		e := &ThresholdError{File: name, Msg: fmt.Sprintf(format, args...)}
		if tok != nil {
			e.Line, e.Column = tok.Position.Line, tok.Position.Column
		}
		errs = append(errs, e)
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		// Nothing but blanks or comments: a file cut short (in CI, say)
		// would otherwise leave the defaults judging unnoticed.
		return t, &ThresholdError{File: name, Msg: "empty: no thresholds"}
	}
	if len(f.Docs) > 1 {
		at(f.Docs[1].Body, "one document expected")
	}
	body, aliasErrs := yamlguard.ResolveAliases(f.Docs[0].Body)
	for _, e := range aliasErrs {
		errs = append(errs, &ThresholdError{File: name, Line: e.Line, Column: e.Column, Msg: e.Msg})
	}
	if len(aliasErrs) > 0 {
		return t, errors.Join(errs...)
	}
	top, ok := yamlguard.Pairs(body)
	if !ok {
		at(f.Docs[0].Body, "want a mapping with alpha and metrics")
		return t, errors.Join(errs...)
	}
	// The parser refuses a repeated key itself.
	for _, kv := range top {
		switch key := scalarText(kv.Key); key {
		case "alpha":
			a, err := strconv.ParseFloat(strings.TrimSpace(kv.Value.String()), 64)
			if err != nil || !(a > 0 && a < 0.5) {
				at(kv.Value, "alpha: want a number in (0, 0.5), got %s", kv.Value.String())
				continue
			}
			t.Alpha = a
		case "metrics":
			metrics, ok := yamlguard.Pairs(kv.Value)
			if !ok {
				at(kv.Value, "metrics: want a mapping of metric name to threshold")
				continue
			}
			for _, mv := range metrics {
				mname := scalarText(mv.Key)
				m, ok := LookupMetric(mname)
				if !ok {
					at(mv.Key, "metrics.%s: %s", mname, unknownMetric(mname))
					continue
				}
				limit, off, err := parseLimit(m, scalarText(mv.Value))
				if err != nil {
					at(mv.Value, "metrics.%s: %v", mname, err)
					continue
				}
				if off {
					delete(t.Limits, mname)
				} else {
					t.Limits[mname] = limit
				}
			}
		default:
			at(kv.Key, "%s: unknown key (want alpha or metrics)", key)
		}
	}
	return t, errors.Join(errs...)
}

// unknownMetric says that name is no metric, with the one it is near.
func unknownMetric(name string) string {
	near := ""
	if s := typo.Nearest(name, MetricNames()); s != "" {
		near = ", did you mean " + s + "?"
	}
	return fmt.Sprintf("unknown metric%s (known: %s)", near, strings.Join(MetricNames(), ", "))
}

// CheckLimit says what is wrong with one gate entry, metric: value (a
// scenario's gate, a thresholds file's metrics), as compare would read it;
// nil when compare can judge by it. A scenario is checked with it as it
// loads (scenarios.Known), not first at compare time after its runs.
func CheckLimit(metric, value string) error {
	m, ok := LookupMetric(metric)
	if !ok {
		return errors.New(unknownMetric(metric))
	}
	_, _, err := parseLimit(m, strings.TrimSpace(value))
	return err
}

// scalarText is the text of scalar n as YAML reads it: a value written as
// a string (quoted, or tagged !!str) without its quotes or tag, as a
// scenario's gate reads it ("15%", '15%' and !!str 15% are 15%; the
// shipped nightly writes ttft_p95: "off").
func scalarText(n ast.Node) string {
	if s, ok := yamlguard.WrittenAsString(n); ok {
		return s
	}
	return strings.TrimSpace(n.String())
}

// parseLimit reads a threshold: "off", "N%" / "+N%" / "-N%" for a relative
// metric, "Npt" / "N points" for a Points metric. A written sign must
// point in the metric's bad direction (+ for latency and errors, − for
// throughputs).
func parseLimit(m Metric, s string) (limit float64, off bool, err error) {
	if s == "off" {
		return 0, true, nil
	}
	var num string
	switch {
	case strings.HasSuffix(s, "%"):
		if m.Points {
			return 0, false, fmt.Errorf("want percentage points (e.g. 1pt), not %q: the error rate's change is absolute", s)
		}
		num = strings.TrimSuffix(s, "%")
	case strings.HasSuffix(s, "pt"), strings.HasSuffix(s, "points"):
		if !m.Points {
			return 0, false, fmt.Errorf("want a percentage (e.g. 10%%), not %q: points are for error_rate", s)
		}
		num = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "points"), "pt"))
	default:
		if m.Points {
			return 0, false, fmt.Errorf("want percentage points such as 1pt, or off; got %q", s)
		}
		return 0, false, fmt.Errorf("want a percentage such as 10%%, or off; got %q", s)
	}
	sign := 0
	switch {
	case strings.HasPrefix(num, "+"):
		sign, num = 1, num[1:]
	case strings.HasPrefix(num, "-"):
		sign, num = -1, num[1:]
	}
	v, perr := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if perr != nil || !(v > 0) {
		return 0, false, fmt.Errorf("want a positive number, got %q", s)
	}
	if v >= 100 && (m.HigherIsBetter || m.Points) {
		// A throughput falls by 100 % at most (to 0), an error rate grows
		// by 100 points at most: such a limit can never be passed.
		what, unit := m.Name+" cannot drop by more than 100% (to 0)", "%"
		if m.Points {
			what, unit = m.Name+" cannot grow by more than 100 points", "pt"
		}
		return 0, false, fmt.Errorf("want less than 100%s, got %q: %s, so this limit could never fail (to gate nothing on this metric, write off)", unit, s, what)
	}
	if v > 1000 {
		return 0, false, fmt.Errorf("want at most 1000%%, got %q (to gate nothing on this metric, write off)", s)
	}
	if bad := badSign(m); sign != 0 && sign != bad {
		dir := "grows"
		if bad < 0 {
			dir = "drops"
		}
		want := "+"
		if bad < 0 {
			want = "-"
		}
		return 0, false, fmt.Errorf("%s regresses when it %s: write %s%s or no sign", m.Name, dir, want, strings.TrimLeft(s, "+-"))
	}
	return v / 100, false, nil
}

// badSign is +1 when growth is bad (latency, errors), −1 when a drop is.
func badSign(m Metric) int {
	if m.HigherIsBetter {
		return -1
	}
	return 1
}

// String lists the limits, sorted by metric, e.g.
// "e2e_p95 +10%, error_rate +1pt, output_tokens_per_s -5%".
func (t Thresholds) String() string {
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(t.Limits)) {
		m, _ := LookupMetric(name)
		parts = append(parts, name+" "+formatLimit(m, t.Limits[name]))
	}
	return strings.Join(parts, ", ")
}

// formatLimit writes a limit with the sign of the metric's bad direction.
func formatLimit(m Metric, limit float64) string {
	sign := "+"
	if badSign(m) < 0 {
		sign = "-"
	}
	if m.Points {
		return sign + percent(limit) + "pt"
	}
	return sign + percent(limit) + "%"
}

// percent writes fraction x as a percentage to 6 significant digits,
// without an exponent (0.000001 → "0.0001", not 9.999999999999999e-05)
// unless it is below 0.000001 %.
func percent(x float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(100*x, 'g', 6, 64), 64)
	if r != 0 && math.Abs(r) < 1e-6 {
		return strconv.FormatFloat(r, 'g', -1, 64)
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}
