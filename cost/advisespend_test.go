package cost

import (
	"encoding/json"
	"strings"
	"testing"
)

// advise --compliance hipaa prices the volume's spend at --api-model,
// openai/gpt-4o by default, whose provider signs no BAA in the catalog:
// the spend the advice weighs is then the price of an API the advice
// itself rules out, said nowhere. The spend's basis says so and names the
// catalog's APIs the compliance set allows; an allowed API, or a price
// given, says nothing of it.
func TestAdviseSaysTheSpendIsPricedAtAnAPITheComplianceRulesOut(t *testing.T) {
	spend := func(o AdviseOptions) adviceReport {
		t.Helper()
		var b strings.Builder
		o.Format = JSON
		if err := RunAdvise(&b, o); err != nil {
			t.Fatal(err)
		}
		var r adviceReport
		if err := json.Unmarshal([]byte(b.String()), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	hipaa := []Compliance{HIPAA}
	r := spend(AdviseOptions{Volume: Volume{TokensPerDay: 1e9, APIModel: DefaultAPIModel}, Compliance: hipaa})
	if w := r.SpendWarning; !strings.Contains(w, "openai/gpt-4o") || !strings.Contains(w, "azure-openai/gpt-4o") || strings.Contains(w, "anthropic/") {
		t.Errorf("hipaa at openai/gpt-4o: spend warning %q; want it to name openai/gpt-4o and the allowed azure-openai/gpt-4o, not anthropic's", w)
	}
	for _, o := range []AdviseOptions{
		{Volume: Volume{TokensPerDay: 1e9, APIModel: "azure-openai/gpt-4o"}, Compliance: hipaa},
		{Volume: Volume{TokensPerDay: 1e9, APIPricePerM: 4}, Compliance: hipaa},
		{Volume: Volume{TokensPerDay: 1e9, APIModel: DefaultAPIModel}},
		{MonthlyAPISpend: 5000, Compliance: hipaa},
	} {
		if w := spend(o).SpendWarning; w != "" {
			t.Errorf("%+v: spend warning %q; want none", o, w)
		}
	}
}
