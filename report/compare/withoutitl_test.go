package compare

import (
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
)

// A Collector WithoutITL keeps every per-request value but the per-token
// ITLs: its samples give the same ratios of every other metric, and an ITL
// ratio is left out (undefined) instead of being computed from nothing.
func TestCollectorWithoutITL(t *testing.T) {
	dirs := map[string]rendertest.Spec{"a": rendertest.A100(), "h": rendertest.H100()}
	samples := map[string][2]map[float64]*LevelSample{}
	for name, spec := range dirs {
		dir := filepath.Join(t.TempDir(), name)
		if err := rendertest.WriteRun(dir, spec); err != nil {
			t.Fatal(err)
		}
		rd, err := rundir.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		full, lean := NewCollector(report.SLO{}), NewCollector(report.SLO{}).WithoutITL()
		sum, err := report.Summarize(rd, report.SLO{}, func(r *rundir.Record) { full.Add(r); lean.Add(r) })
		if err != nil {
			t.Fatal(err)
		}
		samples[name] = [2]map[float64]*LevelSample{full.Levels(sum), lean.Levels(sum)}
	}
	itl, _ := PercentileMetric("itl", 95)
	var rest []Metric
	for _, m := range Metrics() {
		if m.field != fieldITL {
			rest = append(rest, m)
		}
	}
	for lv, fa := range samples["a"][0] {
		la, fh, lh := samples["a"][1][lv], samples["h"][0][lv], samples["h"][1][lv]
		if la.sorted[fieldITL].len() != 0 || fa.sorted[fieldITL].len() == 0 {
			t.Fatalf("level %g: %d ITL values kept without ITL, %d with", lv, la.sorted[fieldITL].len(), fa.sorted[fieldITL].len())
		}
		if !slices.Equal(la.TTFTs(), fa.TTFTs()) || !slices.Equal(la.TPOTs(), fa.TPOTs()) || la.Requests() != fa.Requests() {
			t.Errorf("level %g: per-request values differ without ITL", lv)
		}
		want, got := Ratios(fa, fh, rest, 0.05, 200, 1, "k"), Ratios(la, lh, rest, 0.05, 200, 1, "k")
		if len(want) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("level %g: ratios without ITL %+v; with %+v", lv, got, want)
		}
		if r := Ratios(fa, fh, []Metric{itl}, 0.05, 200, 1, "k"); len(r) != 1 || math.IsNaN(r[0].Ratio) {
			t.Errorf("level %g: ITL ratio with ITL values = %+v; want one", lv, r)
		}
		if r := Ratios(la, lh, []Metric{itl}, 0.05, 200, 1, "k"); len(r) != 0 {
			t.Errorf("level %g: ITL ratio without ITL values = %+v; want none", lv, r)
		}
	}
}
