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
	v, ok := RawValue(m)
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// RawValue is Value before NaN and the infinities are refused: what the
// page wrote, for an error that names it. false for a kind with no value.
func RawValue(m *dto.Metric) (float64, bool) {
	switch {
	case m.Gauge != nil:
		return m.GetGauge().GetValue(), true
	case m.Counter != nil:
		return m.GetCounter().GetValue(), true
	case m.Untyped != nil:
		return m.GetUntyped().GetValue(), true
	case m.Histogram != nil:
		return m.GetHistogram().GetSampleSum(), true
	case m.Summary != nil:
		return m.GetSummary().GetSampleSum(), true
	}
	return 0, false
}
