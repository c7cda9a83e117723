package cost

import (
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
		// 1e-9 a GPU-hour priced every cell so.
		{0.00042, "$0.00042"}, {0.0004999, "$0.00050"}, {0.0005, "$0.001"}, {1e-9, "$0.0000000010"}, {-0.00042, "-$0.00042"},
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
	} {
		if got := Tokens(c.v); got != c.want {
			t.Errorf("Tokens(%v) = %q; want %q", c.v, got, c.want)
		}
	}
}
