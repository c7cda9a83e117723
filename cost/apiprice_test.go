package cost

import (
	"bytes"
	"strings"
	"testing"
)

// TestAPIPriceWrittenToItsDigits: an API price under $1 per 1M was
// written to three decimals, two significant digits for Groq's Llama 3.1
// 8B: advise said "2B tokens/day × 30 at $0.058 per 1M" for a spend of
// $3,450 (the price is $0.0575: 60B × $0.058 is $3,480), and crossover
// "API price per 1M tokens $0.056" above "API monthly $3,370" (60B ×
// $0.056 is $3,360). A reader who multiplies the printed numbers gets the
// printed total to its precision now.
func TestAPIPriceWrittenToItsDigits(t *testing.T) {
	for v, want := range map[float64]string{0.0575: "$0.0575", 0.0561714: "$0.0562", 0.24067: "$0.241", 4.011: "$4.011", 15: "$15.00", 0.00042: "$0.00042"} {
		if got := USDPrice(v); got != want {
			t.Errorf("USDPrice(%v) = %q; want %q", v, got, want)
		}
	}
	var out bytes.Buffer
	if err := RunAdvise(&out, AdviseOptions{Volume: Volume{TokensPerDay: 2e9, APIModel: "groq/llama-3.1-8b-instant"}, TeamRunsGPUs: true}); err != nil {
		t.Fatal(err)
	}
	if want := "2B tokens/day × 30 at $0.0575 per 1M"; !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "$3,450/month") {
		t.Errorf("advise:\n%s\nwant %q and $3,450/month", out.String(), want)
	}
	x, err := ComputeCrossover(CrossoverInput{TokensPerDay: 2e9, APIUSDPer1M: 0.0561714, GPUMonthUSD: 2504.557})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range x.Table().Rows {
		if row[0] == "API price per 1M tokens" && row[1] != "$0.0562" {
			t.Errorf("crossover API price row = %q; want $0.0562", row[1])
		}
	}
}
