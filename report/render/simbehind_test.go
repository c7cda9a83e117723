package render

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// A qualification on the mock whose runs fell behind the mock's schedule
// says so next to its verdict, as it does for a client near its limit: the
// compared level is unfair, another level a note; the levels table of
// report.md and report.html carries the flag, and report.json the figures.
func TestQualificationSaysWhenTheMockFellBehind(t *testing.T) {
	t.Parallel()
	slo := report.SLO{TTFT: 200 * time.Millisecond}
	runs := loadPair(t, rendertest.A100(), rendertest.H100(), slo)
	rep, err := Build(runs, Options{SLO: slo, Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	compared := rep.Comparisons[0].Capacity[0].BaselineLevel
	if len(rep.Comparisons[0].Unfair) != 0 {
		t.Fatalf("like-for-like runs unfair before any lag: %q", rep.Comparisons[0].Unfair)
	}
	other := 1.0
	if compared == other {
		other = 2
	}
	runs[0].level(compared).Server.SimBehind = &report.SimBehind{S: 1.5, SpanS: 10, Share: 0.15, Flagged: true}
	runs[0].level(other).Server.SimBehind = &report.SimBehind{S: 0.3, SpanS: 10, Share: 0.03, Flagged: true}
	runs[1].level(compared).Server.SimBehind = &report.SimBehind{S: 0.01, SpanS: 10, Share: 0.001} // below the bound
	rep, err = Build(runs, Options{SLO: slo, Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Comparisons[0]
	want := "a100-80gb, level " + fmt.Sprintf("%g", compared) + ": MOCK-BEHIND: the simulated engine fell 1.50 s (15.0 %) behind its schedule"
	if all := strings.Join(c.Unfair, "\n"); !strings.Contains(all, want) || strings.Contains(all, "h100-sxm, level") {
		t.Errorf("unfair = %q; want %q and nothing of h100-sxm", c.Unfair, want)
	}
	if notes := strings.Join(c.Notes, "\n"); !strings.Contains(notes, "a100-80gb: MOCK-BEHIND at level "+fmt.Sprintf("%g", other)+" (3.0 % behind schedule): a busy host slowed the mock") {
		t.Errorf("notes = %q; want level %g's lag", c.Notes, other)
	}
	out := mdAndHTML(t, rep)
	md := out["md"]
	note := "level " + fmt.Sprintf("%g", compared) + ": MOCK-BEHIND: the simulated engine fell 1.50 s (15.0 %) behind its schedule"
	verdict := strings.Index(md, "**Verdict:**")
	unfair := strings.Index(md, "- a100-80gb, level "+fmt.Sprintf("%g", compared)+": MOCK-BEHIND")
	if verdict < 0 || unfair < verdict || !strings.Contains(md, "- "+note) {
		t.Errorf("report.md lacks the flag beside the verdict (%d, %d) or the levels note %q", verdict, unfair, note)
	}
	if !strings.Contains(out["html"], "<li>"+note) {
		t.Errorf("report.html lacks the levels note %q", note)
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"sim_behind":{"s":1.5,"span_s":10,"share":0.15,"flagged":true}`) {
		t.Error("report.json lacks the level's sim_behind")
	}
}
