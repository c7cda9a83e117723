package report

import (
	"slices"
	"strings"
	"testing"
)

// TestParseVLLMPercentilesOnceEach: a percentile given twice ("50,50",
// "50,50.0") is kept once, as vLLM's dict of them keeps one key; the files
// held the key p50_ttft_ms twice. A list with no percentile ("", ",") is
// refused; it fell back to 99 without a word.
func TestParseVLLMPercentilesOnceEach(t *testing.T) {
	got, err := ParseVLLMPercentiles("50, 90,50.0,99,90")
	if want := []float64{50, 90, 99}; err != nil || !slices.Equal(got, want) {
		t.Errorf("ParseVLLMPercentiles(50, 90,50.0,99,90) = %v, %v; want %v", got, err, want)
	}
	for _, s := range []string{"", ",", " , "} {
		if got, err := ParseVLLMPercentiles(s); err == nil || !strings.Contains(err.Error(), "no percentile") {
			t.Errorf("ParseVLLMPercentiles(%q) = %v, %v; want an error saying no percentile was given", s, got, err)
		}
	}
}
