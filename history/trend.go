package history

import (
	"context"
	"fmt"
	"io"

	"github.com/inferbench/inferbench/report/plot"

	"github.com/inferbench/inferbench/report/compare"
)

// TrendPlot draws a metric's trend with the reports' styles
// (report/plot.Trend): one series per load level, the run's start time on
// the x axis, its value on the y axis. points come from Store.Trend.
// subtitle names the selection (scenario, model).
func TrendPlot(metric string, points []Point, subtitle string) (*plot.Figure, error) {
	m, ok := compare.LookupMetric(metric)
	if !ok {
		return nil, fmt.Errorf("trend: unknown metric %q", metric)
	}
	if len(points) == 0 {
		return nil, fmt.Errorf("trend: no %s values in the history", metric)
	}
	unit, scale, ceiling := m.Unit, 1.0, 0.0
	if m.Points {
		unit, scale, ceiling = "%", 100, 100
	}
	var pts []plot.TrendPoint
	for _, pt := range points {
		pts = append(pts, plot.TrendPoint{Start: pt.Started, Level: pt.Level, Value: pt.Value * scale, NewLevel: pt.NewLevel, Part: pt.PartOfLoad})
	}
	return plot.Trend(fmt.Sprintf("%s over time", m.Title), subtitle, fmt.Sprintf("%s (%s)", m.Title, unit), ceiling, pts)
}

// WriteTrendPlot writes f to w as "png" or "svg".
func WriteTrendPlot(w io.Writer, f *plot.Figure, format string) error {
	if format != "png" && format != "svg" {
		return fmt.Errorf("trend plot: format %q: want png or svg", format)
	}
	return f.Write(w, format)
}

// markIfSimulated marks f SIMULATED (plot.Figure.MarkSimulated) when any
// run behind points was simulated (its run.json, rundir.Manifest.IsSimulated),
// as every figure of a report of such runs is.
func markIfSimulated(ctx context.Context, s *Store, f *plot.Figure, points []Point) error {
	seen := map[int64]bool{}
	for _, pt := range points {
		if seen[pt.RunID] {
			continue
		}
		seen[pt.RunID] = true
		e, err := s.Get(ctx, pt.RunID)
		if err != nil {
			return err
		}
		if m, err := e.manifest(); err == nil && m.IsSimulated() {
			f.MarkSimulated()
			return nil
		}
	}
	return nil
}
