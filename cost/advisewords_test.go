package cost

import (
	"strings"
	"testing"
)

// advise reads its latency class as it reads its compliance constraints,
// in any case ("--compliance HIPAA" was taken, "--latency Interactive"
// refused), and a mistyped constraint or class is answered with the one
// meant, as a mistyped GPU or offer is: "--compliance hipaa,gdr" said only
// that "gdr" must be one of four.
func TestAdviseWordsAsTyped(t *testing.T) {
	c := mustLoad(t, "")
	if _, err := Advise(c, AdviseInput{MonthlyAPISpendUSD: 10000, Latency: "Interactive"}); err != nil {
		t.Errorf("latency Interactive: %v; want it read as interactive", err)
	}
	for _, tc := range []struct {
		in   AdviseInput
		want string
	}{
		{AdviseInput{MonthlyAPISpendUSD: 10000, Compliance: []Compliance{"hipaa", "gdr"}}, `did you mean gdpr?`},
		{AdviseInput{MonthlyAPISpendUSD: 10000, Latency: "interactiv"}, `did you mean interactive?`},
		{AdviseInput{MonthlyAPISpendUSD: 10000, Latency: "btach"}, `did you mean batch?`},
	} {
		_, err := Advise(c, tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Advise(%+v): %v; want %q", tc.in, err, tc.want)
		}
	}
}
