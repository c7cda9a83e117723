package cost

import (
	"strings"
	"testing"
)

// TestUnder3KWithComplianceSaysTheSpend: under $3K with GDPR or SOC 2 the
// advice chose a cloud API by the compliance rule, and no rule that fired
// said why not self-hosting: "$100.00/month" appeared in the title only,
// the reasons read "compliance includes soc2". The rule that chose the
// path now says the spend is under the line.
func TestUnder3KWithComplianceSaysTheSpend(t *testing.T) {
	c := mustLoad(t, "")
	for _, comp := range [][]Compliance{{SOC2}, {GDPR}, {GDPR, SOC2}} {
		for _, lat := range []Latency{"", Batch} {
			a, err := Advise(c, AdviseInput{MonthlyAPISpendUSD: 100, Compliance: comp, Latency: lat})
			if err != nil {
				t.Fatal(err)
			}
			r := fired(a, a.Recommended.Rule)
			if r == nil || !strings.Contains(r.Because, "$100.00/month is under $3,000") {
				t.Errorf("%v %q: recommended %s by %s, which fired as %+v; want its reason to say the spend is under $3,000", comp, lat, a.Recommended.Path, a.Recommended.Rule, r)
			}
		}
	}
}
