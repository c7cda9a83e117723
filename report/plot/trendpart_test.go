package plot

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestTrendLeavesPartsOutOfTheLine: a history of whole runs at about 930
// output tokens/s with a `merge --partial` of one shard of two and a bare
// shard between them (about 460) drew one line through all of them, each
// part a fall to half; the parts are left out of the whole runs' line and
// drawn as series of their own, each named by its part of the load, in
// the level's colour with a hollow marker on a dotted line.
func TestTrendLeavesPartsOutOfTheLine(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	partial, shard := "shard 0 of 2 merged (partial)", "shard 0/2"
	var pts []TrendPoint
	for i, c := range []struct {
		part  string
		value float64
	}{{"", 931}, {partial, 443}, {"", 929}, {shard, 467}, {"", 942}, {partial, 465}} {
		pts = append(pts, TrendPoint{Start: t0.Add(time.Duration(i) * time.Hour), Level: 8, Value: c.value, Part: c.part})
	}
	pts = append(pts, TrendPoint{Start: t0, Level: 16, Value: 1200, Part: shard}) // a level with parts alone
	got := map[string][]float64{}
	var order []string
	for _, s := range trendSeries(pts) {
		order = append(order, s.label)
		for _, xy := range s.xys {
			got[s.label] = append(got[s.label], xy.Y)
		}
		if strings.Contains(s.label, "part of the load") && (len(s.style.Dashes) == 0 || s.style.Glyph == styleOf(0).Glyph) {
			t.Errorf("%s: drawn as a whole run's line (dashes %v, glyph %T)", s.label, s.style.Dashes, s.style.Glyph)
		}
	}
	want := map[string][]float64{
		"level 8": {931, 929, 942},
		"level 8, " + partial + ": part of the load": {443, 465},
		"level 8, " + shard + ": part of the load":   {467},
		"level 16, " + shard + ": part of the load":  {1200},
	}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("trend series %v; want %v", got, want)
	}
	if len(order) == 0 || order[0] != "level 8" {
		t.Errorf("series in order %q; want the whole runs' line first", order)
	}
}
