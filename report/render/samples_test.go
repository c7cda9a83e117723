package render

import (
	"slices"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// TestSmallSamplesMarked: the synthetic runs send 40 requests per level
// (38 successful at level 8), fewer than the 200 a p95 needs: the verdict
// says so with the level's n, the percentiles are marked with their
// footnote, the summary gives n beside TTFT p95, and the Runs table says
// what each level actually sent (issue #20 item 8).
func TestSmallSamplesMarked(t *testing.T) {
	slo := report.SLO{TTFT: 200e6}
	runs := loadPair(t, rendertest.A100(), rendertest.H100(), slo)
	rep, err := Build(runs, Options{SLO: slo, Catalog: catalog(t), Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	h := rep.Comparisons[0].Headline
	if !strings.Contains(h, "Small sample: h100-sxm level 4 has n=40") || !strings.Contains(h, "fewer than the 200 requests a p95 needs") {
		t.Errorf("headline %q does not say the priced level's n is small", h)
	}
	lt := rep.levelTable(0)
	if !strings.HasSuffix(lt.Rows[0][8], "*") || !slices.Contains(lt.Notes, report.SmallSampleNote) {
		t.Errorf("level table TTFT p95 %q, notes %q; want the mark and its note", lt.Rows[0][8], lt.Notes)
	}
	st := rep.summaryTable()
	if c := st.Rows[0][7]; !strings.Contains(c, "* ms (n=40)") {
		t.Errorf("summary TTFT cell %q; want the mark and n=40", c)
	}
	mt := manifestTable(rep.Runs[0])
	var sent string
	for _, row := range mt.Rows {
		if row[0] == "sent" {
			sent = row[1]
		}
	}
	if !strings.HasPrefix(sent, "level 1: 40, level 2: 40") {
		t.Errorf("Runs table sent = %q; want what each level sent", sent)
	}
}
