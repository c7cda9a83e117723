// Package prom reads values out of parsed Prometheus text pages for the two
// scrapers (gpu/dcgm and servermetrics).
package prom

import (
	"math"

	dto "github.com/prometheus/client_model/go"
)

// Value returns a series' value: a gauge's, counter's or untyped value, or
// the sum of a histogram or summary (TGI exports its token counts as
// histograms). NaN, infinities and other kinds are not values: a sample
// holding one could not be written as JSON.
func Value(m *dto.Metric) (float64, bool) {
	var v float64
	switch {
	case m.Gauge != nil:
		v = m.GetGauge().GetValue()
	case m.Counter != nil:
		v = m.GetCounter().GetValue()
	case m.Untyped != nil:
		v = m.GetUntyped().GetValue()
	case m.Histogram != nil:
		v = m.GetHistogram().GetSampleSum()
	case m.Summary != nil:
		v = m.GetSummary().GetSampleSum()
	default:
		return 0, false
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}
