package render

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// A crossover at the default volume says that nobody stated it: report
// without --tokens-per-day weighed the APIs at 10M tokens a day, titled
// the table "API vs self-hosted at 10M tokens/day" with a "cheaper" column
// at that volume, and drew "the stated volume of 10M tokens/day", a volume
// the buyer never gave. The table, its notes, the caption and the figure
// say it is the default, and how to state one; a stated volume is "stated".
func TestCrossoverSaysItsVolumeIsTheDefault(t *testing.T) {
	root := writeRuns(t, map[string]rendertest.Spec{"a100": rendertest.A100()})
	for _, tpd := range []float64{0, 1e8} {
		runs, slo, _, err := LoadRuns([]string{filepath.Join(root, "a100")}, report.SLO{TTFT: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Build(runs, Options{SLO: slo, Catalog: catalog(t), Resamples: 100, TokensPerDay: tpd})
		if err != nil {
			t.Fatal(err)
		}
		xt, ok := rep.crossoverTable()
		if !ok {
			t.Fatal("no crossover table")
		}
		var caption string
		for _, f := range rep.Plots() {
			if f.Name == "crossover" {
				caption = f.Caption
			}
		}
		notes := strings.Join(xt.Notes, "\n")
		const said = "no volume was stated: 10M tokens/day is the default; state yours with --tokens-per-day"
		if tpd == 0 {
			if !strings.Contains(notes, said) || !strings.Contains(xt.Title, "at the default 10M tokens/day") {
				t.Errorf("default volume: title %q, notes %q; want the title and a note to say the volume is the default", xt.Title, notes)
			}
			if !strings.Contains(caption, "the dashed line is the default volume of 10M tokens/day, which no one stated") || strings.Contains(caption, "stated volume") {
				t.Errorf("default volume: caption %q; want the dashed line called the default, not stated", caption)
			}
			if !rep.Crossover.VolumeDefault {
				t.Error("report.json's crossover does not say its volume is the default")
			}
			continue
		}
		if strings.Contains(notes, "no volume was stated") || strings.Contains(xt.Title, "default") || !strings.Contains(caption, "the stated volume of 100M tokens/day") || rep.Crossover.VolumeDefault {
			t.Errorf("stated volume: title %q, notes %q, caption %q; want it stated, not default", xt.Title, notes, caption)
		}
	}
}
