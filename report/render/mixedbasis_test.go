package render

import (
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// TestVerdictOfACapacityAgainstAThroughput: one run met the SLO (the H100
// at level 1) and the other at no level (the A100): the verdict said "at
// their highest-throughput levels (1 vs 8 …)", though the H100's level is
// its capacity (a second outside QA pass). It names each level as what it
// is.
func TestVerdictOfACapacityAgainstAThroughput(t *testing.T) {
	slo := report.SLO{TTFT: 50 * time.Millisecond}
	runs := loadPair(t, rendertest.A100(), rendertest.H100(), slo)
	rep, err := Build(runs, Options{SLO: slo, Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	h := rep.Comparisons[0].Headline
	for _, want := range []string{"h100-sxm's capacity at TTFT p95 ≤ 50ms, level 1", "a100-80gb's highest-throughput level 8 (TTFT p95 ≤ 50ms with at most 1.0 % of requests failed met at no level)", "a capacity against a throughput past the SLO"} {
		if !strings.Contains(h, want) {
			t.Errorf("verdict %q\nlacks %q", h, want)
		}
	}
	if strings.Contains(h, "their highest-throughput levels") {
		t.Errorf("verdict %q calls the H100's capacity its highest throughput", h)
	}
}
