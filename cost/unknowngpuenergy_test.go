package cost

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestUnknownGPUsDrawIsNotAnotherGPUs: cost --run on a run whose GPU the
// catalog lacks (a GH200, 675 W measured) priced every catalog GPU's owned
// offer, and each row's electricity at the 675 W the run measured, labelled
// "measured": "rtx-4090 owned +energy(measured)", a 450 W card credited
// with a draw measured on another GPU. Those rows price their own GPU's
// catalog draw, and a note says why the run's reading was not used. The
// run's own GPU, when known, keeps its measured draw
// (TestCostRunUsesTheRunsMeasuredEnergy).
func TestUnknownGPUsDrawIsNotAnotherGPUs(t *testing.T) {
	runs := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 8, WindowS: 10, EnergyJ: 6750, Basis: "highest-throughput level 8",
				Throughput: Throughput{OutputTokensPerS: 262, TotalTokensPerS: 1310, RequestsPerS: 4}}, nil
		},
		GPU: func(string) (string, []string) { return "", []string{"NVIDIA GH200 480GB"} },
	}
	var b strings.Builder
	if err := RunCost(&b, CostOptions{RunDir: "run", Offer: "owned", Format: JSON, Runs: runs}); err != nil {
		t.Fatal(err)
	}
	var q struct {
		Rows  []Costs
		Notes []string
	}
	if err := json.Unmarshal([]byte(b.String()), &q); err != nil || len(q.Rows) < 2 {
		t.Fatalf("rows %v (%v) of %s", q.Rows, err, b.String())
	}
	for _, c := range q.Rows {
		if c.EnergyBasis == "measured" {
			t.Errorf("%s %s: electricity at the draw measured on the run's GPU (%v W), which is not a %s", c.GPU, c.Offer, c.AverageW, c.GPU)
		}
	}
	if notes := strings.Join(q.Notes, "\n"); !strings.Contains(notes, "the run measured 675 W on its GPU, which is not in the catalog: each owned row prices its own GPU's draw instead") {
		t.Errorf("notes %q; want one saying the run's 675 W was not used", notes)
	}
}
