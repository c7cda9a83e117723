package render

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// --gpu given once applies to every run (report --help says so): `report
// --gpu h100-sxm rF rH`, rF a run whose every request failed, named the
// GPU of rH alone, and rF's row read "none in run.json": a run with no
// level to price was never given its GPU.
func TestStatedGPUNamesARunWithNothingPriced(t *testing.T) {
	failed, ok := rendertest.A100(), rendertest.H100()
	failed.Levels, failed.FailEvery = []int{4}, 1
	failed.GPUName, ok.GPUName = "", "" // telemetry off: the GPU is the user's word alone
	root := writeRuns(t, map[string]rendertest.Spec{"rF": failed, "rH": ok})
	runs, slo, src, err := LoadRuns([]string{filepath.Join(root, "rF"), filepath.Join(root, "rH")}, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Build(runs, Options{SLO: slo, SLOSource: src, Catalog: catalog(t), GPUStated: []string{"h100-sxm"}, Version: "test", Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, rr := range rep.Runs {
		if rr.GPU != "h100-sxm" || rr.GPUFrom != cost.FromUser {
			t.Errorf("%s: GPU %q from %q; want h100-sxm as stated (--gpu once, for every run)", rr.Label, rr.GPU, rr.GPUFrom)
		}
		for _, w := range rr.Warnings {
			if strings.Contains(w, "--gpu") {
				t.Errorf("%s: warning %q, though --gpu was given", rr.Label, w)
			}
		}
	}
	st := rep.summaryTable()
	for _, row := range st.Rows {
		if strings.Contains(strings.Join(row, " "), "none in run.json") {
			t.Errorf("summary row %q: none in run.json, though --gpu h100-sxm was given for every run", row)
		}
	}
}

// A mistyped --gpu on a run with nothing to price is still said: the
// warnings of a run with no level to price were cut back to none after
// the GPU was looked up, the stated GPU's error among them.
func TestMistypedGPUSaidOfARunWithNothingPriced(t *testing.T) {
	failed := rendertest.A100()
	failed.Levels, failed.FailEvery, failed.GPUName = []int{4}, 1, ""
	root := writeRuns(t, map[string]rendertest.Spec{"rF": failed})
	runs, slo, src, err := LoadRuns([]string{filepath.Join(root, "rF")}, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Build(runs, Options{SLO: slo, SLOSource: src, Catalog: catalog(t), GPUStated: []string{"h100-sxmm"}, Version: "test", Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(rep.Runs[0].Warnings, "\n"); !strings.Contains(w, "h100-sxmm") {
		t.Errorf("warnings %q; want one naming the mistyped GPU h100-sxmm", w)
	}
}
