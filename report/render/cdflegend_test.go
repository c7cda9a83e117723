package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report/plot"
)

// TestCDFLegendWritesSLOAsReportDoes: the TTFT CDF's SLO line is labelled
// as the report writes the SLO (report.SLO.Bounds: "TTFT p95 ≤ 200ms"),
// not in milliseconds of its own ("≤ 200 ms").
func TestCDFLegendWritesSLOAsReportDoes(t *testing.T) {
	rep, _ := goldenReport(t, "run")
	if !strings.Contains(rep.SLO.Text, "TTFT p95 ≤ 200ms") {
		t.Fatalf("the report's SLO text is %q", rep.SLO.Text)
	}
	var fig *plot.Figure
	for _, f := range rep.Plots() {
		if f.Name == "ttft-cdf" {
			fig = f
		}
	}
	if fig == nil {
		t.Fatal("no ttft-cdf figure")
	}
	var svg bytes.Buffer
	if err := fig.Write(&svg, plot.SVG); err != nil {
		t.Fatal(err)
	}
	if want := ">SLO: TTFT p95 ≤ 200ms<"; !strings.Contains(svg.String(), want) {
		t.Errorf("the TTFT CDF has no legend entry %q", want)
	}
	if strings.Contains(svg.String(), "200 ms") {
		t.Errorf("the TTFT CDF writes the SLO as \"200 ms\"")
	}
}
