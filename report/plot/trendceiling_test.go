package plot

import (
	"bytes"
	"strconv"
	"testing"
	"time"
)

// TestTrendPercentAxisStopsAt100: an error rate's trend (a percentage,
// ceiling 100) runs its axis past the values to leave the legend room, and
// labels no tick above 100: it read 140 %. Without a ceiling the axis's
// ticks go on.
func TestTrendPercentAxisStopsAt100(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	var pts []TrendPoint
	for i, v := range []float64{0, 0, 100, 0, 32.5} {
		pts = append(pts, TrendPoint{Start: t0.Add(time.Duration(i) * 24 * time.Hour), Level: 8, Value: v})
	}
	for _, ceiling := range []float64{0, 100} {
		f, err := Trend("error rate over time", "", "error rate (%)", ceiling, pts)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := f.Write(&b, SVG); err != nil {
			t.Fatal(err)
		}
		top := 0.0
		for text := range svgTexts(t, b.Bytes()) {
			if v, err := strconv.ParseFloat(text, 64); err == nil {
				top = max(top, v)
			}
		}
		if (top > 100) != (ceiling == 0) || top < 100 {
			t.Errorf("ceiling %v: the highest number on the figure is %v", ceiling, top)
		}
	}
}
