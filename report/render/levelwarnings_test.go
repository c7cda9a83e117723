package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// The warnings the run's table prints of a level's output tokens (past max
// tokens, usage below the events, more than 16 tokens an event) are the
// report's too, with the run's label and level, in Markdown, HTML and
// report.json: the report of such runs showed none.
func TestReportCarriesLevelWarnings(t *testing.T) {
	t.Parallel()
	root := writeRuns(t, map[string]rendertest.Spec{"L1": rendertest.A100(), "L2": rendertest.H100()})
	runs, slo, src, err := LoadRuns([]string{filepath.Join(root, "L1"), filepath.Join(root, "L2")}, report.SLO{TTFT: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	l := &runs[1].Summary.Levels[1]
	l.PastMaxTokens = 3
	l.UsageChecks = report.UsageChecks{BelowEvents: 2, BelowUsage: 1, BelowOf: 5, ManyPerEvent: 4, MaxPerEvent: 1000}
	ws := l.OutputWarnings(runs[1].Manifest.Target.Kind)
	if len(ws) != 3 || !strings.Contains(ws[2], "more than 16 output tokens per token-bearing event") {
		t.Fatalf("the level's warnings %q; want three", ws)
	}
	rep, err := Build(runs, Options{SLO: slo, SLOSource: src, Catalog: catalog(t), Version: "test", Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	var back struct{ Warnings []string }
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	out := mdAndHTML(t, rep)
	for _, w := range ws {
		want := fmt.Sprintf("L2: level %g: %s", l.Level, w)
		if !slices.Contains(rep.Warnings, want) || !slices.Contains(back.Warnings, want) {
			t.Errorf("report warnings %q lack %q", back.Warnings, want)
		}
		if !strings.Contains(out["md"], want) {
			t.Errorf("markdown lacks %q", want)
		}
		if !strings.Contains(out["html"], strings.ReplaceAll(want, "'", "&#39;")) {
			t.Errorf("html lacks %q", want)
		}
	}
}
