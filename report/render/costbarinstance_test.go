package render

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// A commitment bar above the on-demand bar says why: on an A10G the cost
// figure's on-demand bar is the catalog's first on-demand offer, a
// g5.xlarge (one GPU, $1.006 a GPU-hour), and its reserved bars are
// g5.48xlarge's (eight GPUs; 1-yr $1.294 a GPU-hour), so the figure showed
// a 1-year reservation costing 29 % more per token than on demand ($1.767
// against $1.374 per 1M output tokens), and a reader took reserving for a
// loss. The caption names both instances and the same instance's on-demand
// price, against which the reservation saves.
func TestCostFigureSaysWhenACommitmentBarIsAnotherInstance(t *testing.T) {
	spec := rendertest.A100()
	spec.GPUName = "NVIDIA A10G"
	root := writeRuns(t, map[string]rendertest.Spec{"a10g": spec})
	runs, slo, _, err := LoadRuns([]string{filepath.Join(root, "a10g")}, report.SLO{TTFT: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Build(runs, Options{SLO: slo, Catalog: catalog(t), Resamples: 100, TokensPerDay: 1e8})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Runs[0].GPU != "a10g" {
		t.Fatalf("run priced on %q; the test wants a10g", rep.Runs[0].GPU)
	}
	per1M := map[string]float64{}
	for _, c := range rep.Runs[0].Costs {
		per1M[c.Offer] = c.USDPer1MOutputTokens
	}
	od, r1, od48 := per1M["aws-g5-xlarge-od"], per1M["aws-g5-48xlarge-1y"], per1M["aws-g5-48xlarge-od"]
	if !(r1 > od) || !(od48 > r1) {
		t.Fatalf("on-demand %v, reserved-1y %v, g5.48xlarge on demand %v: the test wants the reservation above the first on-demand offer and below its own instance's", od, r1, od48)
	}
	var caption string
	for _, f := range rep.Plots() {
		if f.Name == "cost" {
			caption = f.Caption
		}
	}
	want := fmt.Sprintf("a10g's reserved-1y bar (%s, aws-g5-48xlarge-1y, g5.48xlarge) stands above its on-demand bar (%s, aws-g5-xlarge-od, g5.xlarge): different instances; a g5.48xlarge on demand (aws-g5-48xlarge-od) is %s, %.0f %% more than reserved-1y.",
		usd(r1), usd(od), usd(od48), (od48/r1-1)*100)
	if !strings.Contains(caption, want) {
		t.Errorf("cost caption %q\nwant it to contain %q", caption, want)
	}
	// A run whose reserved bars are below its on-demand bar gets no such words.
	rep2, _ := goldenReport(t, "qualification")
	for _, f := range rep2.Plots() {
		if f.Name == "cost" && strings.Contains(f.Caption, "stands above its on-demand bar") {
			t.Errorf("the A100/H100 cost caption %q explains a bar above on-demand that is not there", f.Caption)
		}
	}
}
