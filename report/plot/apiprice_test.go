package plot

import (
	"bytes"
	"testing"
)

// TestCrossoverLegendPriceDigits: an API line's legend writes its price as
// the crossover table does (cost.USDPrice: three significant digits under
// $1), so the legend and the table it illustrates agree: Groq's $0.0575
// per 1M read "$0.058/1M" beside the table's "$0.0575".
func TestCrossoverLegendPriceDigits(t *testing.T) {
	ch := CrossoverChart{VolumeTokensPerDay: 10e6, APIs: []APILine{{"groq/llama-3.1-8b-instant", 0.0575}, {"openai/gpt-4o", 4.375}},
		Options: []SelfHosted{{Label: "self-hosted h100", GPUMonthUSD: 5000, GPUsPerReplica: 1, CapacityTokensPerS: 300}}}
	var b bytes.Buffer
	if err := Crossover(ch).Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	texts := svgTexts(t, b.Bytes())
	for _, want := range []string{"API groq/llama-3.1-8b-instant, $0.0575/1M", "API openai/gpt-4o, $4.375/1M"} {
		if _, ok := texts[want]; !ok {
			t.Errorf("no legend entry %q; texts %v", want, texts)
		}
	}
}
