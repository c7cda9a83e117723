package cost

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestParseFormat: the three formats in any case, "markdown" for md, and a
// clear error for anything else.
func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"text": Text, "JSON": JSON, "md": Markdown, "markdown": Markdown, " Markdown ": Markdown} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseFormat("pdf"); err == nil || !strings.Contains(err.Error(), `"pdf" must be text, json or md`) {
		t.Errorf("ParseFormat(pdf): %v", err)
	}
}

// TestUSD: every money amount in one style, the examples included
// ($13125 and $1172.10 beside $2,505; $11 beside three-decimal values).
func TestUSD(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0, "-"}, {0.1814, "$0.181"}, {1.4416, "$1.442"}, {9.9994, "$9.999"}, {11.4, "$11.40"},
		{899.524, "$899.52"}, {999.996, "$1,000"}, {1172.1, "$1,172"}, {13125, "$13,125"}, {1312.5, "$1,313"},
		{2504.56, "$2,505"}, {1234567.8, "$1,234,568"}, {-2505, "-$2,505"}, {-0.5, "-$0.500"},
		// Under $0.0005 three decimals read "$0.000", free; a price of
		// 1e-9 a GPU-hour priced every cell so. Under a cent, two
		// significant digits (TestUSDKeepsTwoDigitsUnderACent): $0.0005
		// read "$0.001", twice the amount.
		{0.00042, "$0.00042"}, {0.0004999, "$0.00050"}, {0.0005, "$0.00050"}, {1e-9, "$0.0000000010"}, {-0.00042, "-$0.00042"},
	} {
		if got := USD(c.v); got != c.want {
			t.Errorf("USD(%v) = %q; want %q", c.v, got, c.want)
		}
	}
}

// TestTokens: token volumes with a suffix and three significant digits,
// never an exponent (the 1e+08 and 2.038e+10).
func TestTokens(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {950, "950"}, {12500, "12.5k"}, {1e8, "100M"}, {2.038e10, "20.4B"}, {3.427e9, "3.43B"},
		{19.1e6, "19.1M"}, {999950, "1M"}, {1.2e12, "1.2T"}, {3e8, "300M"}, {37161, "37.2k"},
		// Past 999T a power of ten, not "100000T" (1e17 a month: 3.3e15 a day).
		{999.4e12, "999T"}, {999.6e12, "1e15"}, {3e16, "3e16"}, {1.234e17, "1.23e17"}, {-2.5e18, "-2.5e18"},
	} {
		if got := Tokens(c.v); got != c.want {
			t.Errorf("Tokens(%v) = %q; want %q", c.v, got, c.want)
		}
	}
}

// TestSharePercentRepricesTheMix: the share a mixed API price is said to
// be at gives that price again to the tenth of a cent: the qualification
// demo's measured 79.85 % input tokens read "80 %" beside GPT-4o's
// $4.012, which 80 % makes $4.000. Whole percents stay whole, and shares
// under 1 % keep three digits.
func TestSharePercentRepricesTheMix(t *testing.T) {
	for v, want := range map[float64]string{0.8: "80 %", 0.7985: "79.85 %", 0.798462: "79.85 %", 2.0 / 3: "66.67 %", 0.25: "25 %", 0.000123: "0.0123 %", 0.99995: "100 %", 1: "100 %"} {
		if got := sharePercent(v); got != want {
			t.Errorf("sharePercent(%v) = %q; want %q", v, got, want)
		}
	}
	for _, share := range []float64{0.798462, 0.31415, 0.5, 0.123456, 0.987654} {
		var said float64
		if _, err := fmt.Sscanf(sharePercent(share), "%g %%", &said); err != nil {
			t.Fatal(err)
		}
		got, want := MixedUSDPer1M(2.5, 10, said/100), MixedUSDPer1M(2.5, 10, share)
		if math.Abs(got-want) >= 0.0005 {
			t.Errorf("share %v said %q: $%.4f per 1M again, not $%.4f", share, sharePercent(share), got, want)
		}
	}
}
