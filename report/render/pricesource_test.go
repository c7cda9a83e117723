package render

import (
	"slices"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// TestCostTablesCiteTheirPrices: a cost table goes to someone who must
// defend it, so every price in it is traced next to it in report.md and
// report.html: each GPU offer's $/GPU-hour with its source and date (the
// cost table), each API's input and output prices with theirs (the
// crossover). Before, the sources were in report.json only.
func TestCostTablesCiteTheirPrices(t *testing.T) {
	slo := report.SLO{TTFT: 1e9}
	cat := catalog(t)
	runs := loadPair(t, rendertest.A100(), rendertest.H100(), slo)
	rep, err := Build(runs, Options{SLO: slo, Catalog: cat, Resamples: 100, TokensPerDay: 1e8})
	if err != nil {
		t.Fatal(err)
	}
	out := mdAndHTML(t, rep)
	want := []string{
		// a100-80gb's default on-demand offer, its exact price, source and date
		"a100-80gb aws-p4de-od: $3.4309/GPU-hour",
		"p4de.24xlarge 27.44705 USD/h / 8 GPUs",
		"2026-11-09",
		// a derived reserved offer at its exact price: 6.88 × 0.64 = 4.4032
		// (computed, 4.4031999…), and where its multiplier comes from
		"h100-sxm aws-p5-1y: $4.4032/GPU-hour, from docs/notes/nvml-and-cost.md B.1",
		// the crossover's API prices, with their source and date
		"openai/gpt-4o: at 80 % input tokens",
		"$2.500 in / $10.00 out per 1M (openai.com/api/pricing",
		"2026-05-27",
	}
	for name, s := range out {
		sec := s[strings.Index(s, "cost per GPU offer"):]
		for _, w := range want {
			if !strings.Contains(sec, w) {
				t.Errorf("report.%s's cost section does not cite %q", name, w)
			}
		}
	}
}

// TestCrossoverNotesNameTheirRow: a note that holds for some rows of the
// crossover table only ("self-hosting never pays: a full replica serves
// 1.69B tokens a month, worth $94.51 …") names its run and API; four such
// notes stood under the table with nothing to tell which row each was.
// The notes every row shares stay as they are.
func TestCrossoverNotesNameTheirRow(t *testing.T) {
	slo := report.SLO{TTFT: 1e9}
	runs := loadPair(t, rendertest.A100(), rendertest.H100(), slo)
	rep, err := Build(runs, Options{SLO: slo, Catalog: catalog(t), Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	tb, ok := rep.crossoverTable()
	if !ok {
		t.Fatal("no crossover table")
	}
	never := 0
	for _, n := range tb.Notes {
		if strings.Contains(n, "self-hosting never pays") {
			never++
			if !strings.HasPrefix(n, "a100-80gb vs ") && !strings.HasPrefix(n, "h100-sxm vs ") {
				t.Errorf("note %q does not name its run and API", n)
			}
		}
		if strings.HasPrefix(n, "ops overhead not included") || strings.HasPrefix(n, "volume month = 30 days") {
			continue
		}
		if strings.Contains(n, "vs") && strings.Contains(n, "ops overhead") {
			t.Errorf("a note every row shares is prefixed: %q", n)
		}
	}
	if never != 4 {
		t.Errorf("%d never-pays notes; want 4 (gpt-4o-mini and groq against each GPU):\n%s", never, strings.Join(tb.Notes, "\n"))
	}
	want := "a100-80gb vs groq/llama-3.1-8b-instant: self-hosting never pays: a full replica serves 1.68B tokens a month"
	if !slices.ContainsFunc(tb.Notes, func(n string) bool { return strings.HasPrefix(n, want) }) {
		t.Errorf("no note %q…:\n%s", want, strings.Join(tb.Notes, "\n"))
	}
}
