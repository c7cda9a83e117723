package cost

import (
	"strings"
	"testing"
)

// TestAdviceSaysSelfHostingIsUnpriced: advise recommends self-hosting from
// the $3K/month line alone, and weighs no GPU. 2B tokens/day at Groq's
// Llama 3.1 8B ($0.0575 per 1M at 3:1) is $3,450/month, so a team that
// runs GPUs was told "self-hosted-cloud" while `crossover --run` on the
// demo's A100 said self-hosting never pays against that API ($7,514 for
// the 3 GPUs the volume needs). A self-hosted answer now says that its
// price was not weighed, and how to weigh it; an API answer, and an air
// gap (self-hosting whatever it costs), do not.
func TestAdviceSaysSelfHostingIsUnpriced(t *testing.T) {
	c := mustLoad(t, "")
	for _, in := range []AdviseInput{
		{MonthlyAPISpendUSD: 3450, TeamRunsGPUs: true},
		{MonthlyAPISpendUSD: 3450, TeamRunsGPUs: true, Compliance: []Compliance{HIPAA}},
	} {
		a, err := Advise(c, in)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(a.PriceCheck, "not weighed against any GPU") || !strings.Contains(a.PriceCheck, "inferbench crossover --run DIR") {
			t.Errorf("%+v: %s, price check %q; want it to say the GPUs were not priced and name crossover", in, a.Recommended.Path, a.PriceCheck)
		}
		if notes := strings.Join(a.Table().Notes, "\n"); !strings.Contains(notes, a.PriceCheck) || a.PriceCheck == "" {
			t.Errorf("%+v: table notes %q; want the price check", in, notes)
		}
	}
	for _, in := range []AdviseInput{
		{MonthlyAPISpendUSD: 3450},
		{MonthlyAPISpendUSD: 900, TeamRunsGPUs: true},
		{MonthlyAPISpendUSD: 3450, TeamRunsGPUs: true, Compliance: []Compliance{Airgap}},
	} {
		a, err := Advise(c, in)
		if err != nil {
			t.Fatal(err)
		}
		if a.PriceCheck != "" {
			t.Errorf("%+v: %s, price check %q; want none", in, a.Recommended.Path, a.PriceCheck)
		}
	}
}
