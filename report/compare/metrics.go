package compare

import (
	"fmt"
	"math"

	"github.com/inferbench/inferbench/report"
)

// A Metric is one quantity compared per load level. Its values follow the
// definitions of report/metrics.go; Value reads it from a report.Level.
type Metric struct {
	// Name is the metric's key in thresholds files, JSON, JUnit and
	// `history trend --metric`, e.g. "ttft_p95".
	Name string
	// Title names it for people, e.g. "TTFT p95".
	Title string
	// Unit is the unit of its values: "ms", "tok/s", "req/s", or "%" for
	// error_rate (whose values are fractions, shown as percent).
	Unit string
	// HigherIsBetter is true for throughputs: a drop is the bad direction.
	HigherIsBetter bool
	// Points says the change is measured in absolute percentage points
	// (error_rate), not relative to the baseline.
	Points bool

	field field   // per-request field of a percentile metric
	pct   float64 // its percentile (0–100)
	rate  rate    // a rate metric
}

// field is a per-request latency distribution.
type field int

const (
	noField field = iota
	fieldTTFT
	fieldTPOT
	fieldITL
	fieldE2E
	// fieldTurn1 and fieldLater are the TTFT of a multi-turn session's
	// first turn and of its later turns (report.SessionLevel's
	// FirstTurnTTFTMS and LaterTurnsTTFTMS): TTFT values of some of the
	// requests, held as TTFT's and picked out when a level is compared
	// (LevelSample.samples).
	fieldTurn1
	fieldLater
)

// nFields is the number of fields, noField's slot included.
const nFields = fieldLater + 1

// turnFields are the session fields, which a level is compared on only
// where both sides have such turns (comparedMetrics).
var turnFields = [...]field{fieldTurn1, fieldLater}

// rate is a per-level rate or fraction.
type rate int

const (
	noRate rate = iota
	rateOutputTPS
	rateTotalTPS
	rateRPS
	rateGoodput
	rateErrors
)

// Metrics returns the metrics compared, in report order: TTFT, TTFT of a
// multi-turn session's first turn and of its later turns, TPOT, ITL and
// E2E at p50, p90, p95 and p99, output and total tokens/s, requests/s,
// goodput and the error rate. The turns' TTFTs are compared only at a
// level where both sides have such turns (a run without sessions has
// none: its comparison has no row of them).
func Metrics() []Metric {
	var ms []Metric
	for _, f := range []string{"ttft", "ttft_turn1", "ttft_later", "tpot", "itl", "e2e"} {
		for _, p := range []float64{50, 90, 95, 99} {
			m, _ := PercentileMetric(f, p)
			ms = append(ms, m)
		}
	}
	return append(ms,
		Metric{Name: "output_tokens_per_s", Title: "output tokens/s", Unit: "tok/s", HigherIsBetter: true, rate: rateOutputTPS},
		Metric{Name: "total_tokens_per_s", Title: "total tokens/s", Unit: "tok/s", HigherIsBetter: true, rate: rateTotalTPS},
		Metric{Name: "requests_per_s", Title: "requests/s", Unit: "req/s", HigherIsBetter: true, rate: rateRPS},
		Metric{Name: "goodput_rps", Title: "goodput", Unit: "req/s", HigherIsBetter: true, rate: rateGoodput},
		Metric{Name: "error_rate", Title: "error rate", Unit: "%", Points: true, rate: rateErrors},
	)
}

// PercentileMetric returns the metric of a latency's p-th percentile (p in
// (0, 100)): of "ttft", "ttft_turn1" (a session's first turns), "ttft_later"
// (its later turns), "tpot", "itl" or "e2e", named as Metrics names its
// percentile metrics ("ttft_p95", "ttft_later_p90", "e2e_p99.9"). It serves
// percentiles the default table does not list, such as an SLO's p99.9.
func PercentileMetric(latency string, p float64) (Metric, bool) {
	fields := map[string]struct {
		f     field
		title string
	}{"ttft": {fieldTTFT, "TTFT"}, "ttft_turn1": {fieldTurn1, "TTFT turn 1"}, "ttft_later": {fieldLater, "TTFT later turns"},
		"tpot": {fieldTPOT, "TPOT"}, "itl": {fieldITL, "ITL"}, "e2e": {fieldE2E, "E2E"}}
	x, ok := fields[latency]
	if !ok || !(p > 0 && p < 100) {
		return Metric{}, false
	}
	return Metric{Name: fmt.Sprintf("%s_p%g", latency, p), Title: fmt.Sprintf("%s p%g", x.title, p), Unit: "ms", field: x.f, pct: p}, true
}

// OutputTokensPerS returns the output tokens/s metric.
func OutputTokensPerS() Metric {
	m, _ := LookupMetric("output_tokens_per_s")
	return m
}

// MetricNames returns the names of Metrics, in order.
func MetricNames() []string {
	var names []string
	for _, m := range Metrics() {
		names = append(names, m.Name)
	}
	return names
}

// LookupMetric returns the metric called name.
func LookupMetric(name string) (Metric, bool) {
	for _, m := range Metrics() {
		if m.Name == name {
			return m, true
		}
	}
	return Metric{}, false
}

// Value reads the metric from a level of a summary. ok is false when the
// level has no value for it (no successful request, no request with more
// than one output token for TPOT, no session or no successful turn of the
// kind for a turn's TTFT), and for a goodput of NaN: one not known under
// the comparison's SLO (a history run judged by another and whose records
// are gone).
func (m Metric) Value(l *report.Level) (v float64, ok bool) {
	if m.field != noField {
		var d report.Dist
		switch m.field {
		case fieldTTFT:
			d = l.TTFTMS
		case fieldTurn1, fieldLater:
			if l.Sessions == nil {
				return 0, false
			}
			d = l.Sessions.FirstTurnTTFTMS
			if m.field == fieldLater {
				d = l.Sessions.LaterTurnsTTFTMS
			}
		case fieldTPOT:
			d = l.TPOTMS
		case fieldITL:
			d = l.ITLMS
		case fieldE2E:
			d = l.E2EMS
		}
		if d.N == 0 {
			return 0, false
		}
		switch m.pct {
		case 50:
			return d.P50, true
		case 90:
			return d.P90, true
		case 95:
			return d.P95, true
		case 99:
			return d.P99, true
		}
		return 0, false
	}
	if l.Requests.Total == 0 {
		return 0, false
	}
	switch m.rate {
	case rateOutputTPS:
		return l.OutputTokensPerS, l.WindowS > 0
	case rateTotalTPS:
		return l.TotalTokensPerS, l.WindowS > 0
	case rateRPS:
		return l.RequestsPerS, l.WindowS > 0
	case rateGoodput:
		return l.GoodputRPS, l.WindowS > 0 && !math.IsNaN(l.GoodputRPS)
	case rateErrors:
		return float64(l.Requests.Failed) / float64(l.Requests.Total), true
	}
	return 0, false
}

// SummaryValues returns every metric's value at each level of sum, keyed by
// level and then metric name; metrics without a value are left out.
func SummaryValues(sum *report.Summary) map[float64]map[string]float64 {
	out := map[float64]map[string]float64{}
	for i := range sum.Levels {
		l := &sum.Levels[i]
		vs := map[string]float64{}
		for _, m := range Metrics() {
			if v, ok := m.Value(l); ok {
				vs[m.Name] = v
			}
		}
		out[l.Level] = vs
	}
	return out
}
