package plot

import (
	"math"

	gplot "gonum.org/v1/plot"
)

// settleRanges gives the axes of p a range before it is drawn where its
// data gave none, so that no axis of the figures (whose quantities are all
// at least 0) shows negative values. gonum widens an empty or one-value
// range to [v−1, v+1]: a plot with no data read from -1 to 1 ("-1 ms"), a
// panel of zeros from -1 tokens/s.
func settleRanges(p *gplot.Plot) {
	for _, a := range []*gplot.Axis{&p.X, &p.Y} {
		_, isLog := a.Scale.(gplot.LogScale)
		switch {
		case math.IsNaN(a.Min) || math.IsNaN(a.Max) || math.IsInf(a.Min, 0) || math.IsInf(a.Max, 0) || a.Min > a.Max:
			a.Min, a.Max = 0, 1 // no data
			if isLog {
				a.Min, a.Max = 1, 10
			}
		case a.Min == a.Max && isLog:
			a.Min, a.Max = a.Min/2, a.Max*2
		case a.Min == a.Max && a.Min >= 0:
			a.Min, a.Max = max(0, a.Min-1), a.Max+1
		}
	}
}
