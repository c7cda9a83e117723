package history

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

// withSLO sets the scenario in run.json to have the SLO slo, as run.json
// spells it ("ttft": "1s").
func withSLO(t *testing.T, slo map[string]any) func(*rundir.Manifest) {
	return func(m *rundir.Manifest) {
		var sc map[string]any
		if err := json.Unmarshal(m.Scenario, &sc); err != nil {
			t.Fatal(err)
		}
		sc["slo"] = slo
		var err error
		if m.Scenario, err = json.Marshal(sc); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGoodputKeptUnderAnSLODifferingOnlyPerLevel: report.SLO.Met judges
// a request by TTFT, TPOT and E2E alone; ITL, the percentile and the error
// budget judge a level. A night whose directory is gone, stored under TTFT
// ≤ 1 s with an ITL bound, p99 and a 5 % error budget, judged each request
// as a candidate of TTFT ≤ 1 s alone does: its goodput stays in the
// baseline (its request rate: 40 requests at TTFT 49–51 ms, all good),
// and no warning says otherwise. Under TTFT ≤ 30 ms it is left out.
func TestGoodputKeptUnderAnSLODifferingOnlyPerLevel(t *testing.T) {
	budget := 0.05
	for _, tt := range []struct {
		name string
		slo  map[string]any
		want report.SLO
		kept bool
	}{
		{"ITL, p99, 5 % budget", map[string]any{"ttft": "1s", "itl": "5ms", "percentile": 99, "max_error_rate": budget},
			report.SLO{TTFT: time.Second, ITL: 5 * time.Millisecond, Percentile: 99, MaxErrorRate: &budget}, true},
		{"TTFT ≤ 30ms", map[string]any{"ttft": "30ms"}, report.SLO{TTFT: 30 * time.Millisecond}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, root := testStore(t), t.TempDir()
			gone := dayRun(t, root, "night1", 1, withSLO(t, tt.slo))
			m, err := rundir.ReadManifest(gone)
			if err != nil {
				t.Fatal(err)
			}
			if got := report.ManifestSLO(m.Scenario); got.Bounds() != tt.want.Bounds() || got.ErrorBudget() != tt.want.ErrorBudget() {
				t.Fatalf("night's SLO as run.json reads %s, error budget %g; want %s, %g", got.Bounds(), got.ErrorBudget(), tt.want.Bounds(), tt.want.ErrorBudget())
			}
			addRun(t, s, gone)
			if err := os.RemoveAll(gone); err != nil {
				t.Fatal(err)
			}
			cand, err := compare.LoadRun(dayRun(t, root, "cand", 5, withTTFTSLO("1s")), report.SLO{TTFT: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			b, err := Baseline(t.Context(), s, "median-of-1", cand)
			if err != nil {
				t.Fatal(err)
			}
			l := b.Summaries[0].Levels[0]
			w := strings.Join(b.Warnings, "\n")
			if tt.kept && (l.GoodputRPS != l.RequestsPerS || strings.Contains(w, "goodput")) {
				t.Errorf("goodput %g of %g req/s, warnings:\n%s\nwant the request rate kept: every request met TTFT ≤ 1 s", l.GoodputRPS, l.RequestsPerS, w)
			}
			if !tt.kept && (!math.IsNaN(l.GoodputRPS) || !strings.Contains(w, "TTFT ≤ 30ms")) {
				t.Errorf("goodput %g req/s, warnings:\n%s\nwant it left out, judged under TTFT ≤ 30ms", l.GoodputRPS, w)
			}
		})
	}
}
