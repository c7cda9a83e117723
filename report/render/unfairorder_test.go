package render

import (
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// TestUnfairHeadingInTheValuesOrder: the items under "Not a like-for-like
// comparison" give the baseline's value first (`different model:
// "llama-3-8b" vs "m2"`), but the heading named the candidate first (a
// second outside QA pass read the values reversed); it names them in the
// values' order.
func TestUnfairHeadingInTheValuesOrder(t *testing.T) {
	slo := report.SLO{TTFT: 200 * time.Millisecond}
	h := rendertest.H100()
	h.Model = "m2"
	rep, err := Build(loadPair(t, rendertest.A100(), h, slo), Options{SLO: slo, Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(rep.Comparisons[0].Unfair, "\n"), `different model: "llama-3-8b" vs "m2"`) {
		t.Fatalf("fixture: unfair %q", rep.Comparisons[0].Unfair)
	}
	var md, html strings.Builder
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&html, rep, nil); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"markdown": md.String(), "html": html.String()} {
		if !strings.Contains(out, "(a100-80gb vs h100-sxm, in the order of the values below)") {
			t.Errorf("%s: no heading naming the baseline before the candidate", name)
		}
	}
}
