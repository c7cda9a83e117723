package history

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
)

// TestGoodputLeftOutSaidOncePerSLO: a median of nights whose directories
// are gone, stored under SLOs other than the candidate's TTFT ≤ 1 s,
// said in one long warning for each night that its goodput was left out.
// The nights are named together by the SLO that judged them, as the
// stored summaries are: nights 1 and 3 under TTFT ≤ 30 ms in one
// warning, night 2 under E2E ≤ 5 s in another.
func TestGoodputLeftOutSaidOncePerSLO(t *testing.T) {
	s, root := testStore(t), t.TempDir()
	for day, slo := range []map[string]any{1: {"ttft": "30ms"}, 2: {"e2e": "5s"}, 3: {"ttft": "30ms"}} {
		if slo == nil {
			continue
		}
		gone := dayRun(t, root, fmt.Sprintf("night%d", day), day, withSLO(t, slo))
		addRun(t, s, gone)
		if err := os.RemoveAll(gone); err != nil {
			t.Fatal(err)
		}
	}
	cand, err := compare.LoadRun(dayRun(t, root, "cand", 5, withTTFTSLO("1s")), report.SLO{TTFT: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Baseline(t.Context(), s, "median-of-3", cand)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	for _, w := range b.Warnings {
		if strings.Contains(w, "goodput") {
			said = append(said, w)
		}
	}
	if len(said) != 2 || !strings.Contains(said[0], "#3 #1") || !strings.Contains(said[0], "TTFT ≤ 30ms") ||
		!strings.Contains(said[1], "#2") || !strings.Contains(said[1], "E2E ≤ 5s") || strings.Contains(said[1], "#1") {
		t.Errorf("goodput warnings:\n%s\nwant two: #3 #1 under TTFT ≤ 30ms, #2 under E2E ≤ 5s", strings.Join(said, "\n"))
	}
}
