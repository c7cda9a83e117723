package cost

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestAdviceHostedPathsKeepCompliance: under GDPR every hosted path the
// advice names (cloud API, managed inference; recommended or runner-up)
// says it runs in an EU region, and no path names a provider the
// compliance set rules out. Over the whole matrix (6 spends × 3 latency
// classes × 16 compliance sets × team × uncertain volume), GDPR's hosted
// answers read "managed inference on an open-weight model" or "start on a
// cloud API" with nothing of the EU (4 of 5 kinds of answer), and an
// interactive workload under $3K with GDPR or SOC 2 read "Groq or managed
// inference on open-weight models" while Groq (no EU region, no SOC 2
// report in the catalog) was left out of its providers.
func TestAdviceHostedPathsKeepCompliance(t *testing.T) {
	c := mustLoad(t, "")
	comps := []Compliance{HIPAA, GDPR, SOC2, Airgap}
	for _, spend := range []float64{100, 2999.99, 3000, 19999, 20000, 1e6} {
		for _, lat := range []Latency{"", Interactive, Batch} {
			for mask := range 1 << len(comps) {
				var set []Compliance
				for i, k := range comps {
					if mask&(1<<i) != 0 {
						set = append(set, k)
					}
				}
				for _, team := range []bool{false, true} {
					for _, uncertain := range []bool{false, true} {
						in := AdviseInput{MonthlyAPISpendUSD: spend, Latency: lat, Compliance: set, TeamRunsGPUs: team, VolumeUncertain: uncertain}
						a, err := Advise(c, in)
						if err != nil {
							t.Fatal(err)
						}
						name := fmt.Sprintf("$%v %q %v team=%v uncertain=%v", spend, lat, set, team, uncertain)
						for _, r := range []*Recommendation{&a.Recommended, a.RunnerUp} {
							if r == nil {
								continue
							}
							hosted := r.Path == CloudAPI || r.Path == ManagedInference
							if hosted && slices.Contains(set, GDPR) && !strings.Contains(r.Detail, "in an EU region") {
								t.Errorf("%s: %s %q says nothing of an EU region", name, r.Path, r.Detail)
							}
							if strings.Contains(r.Detail, "Groq") && !slices.Contains(r.Providers, "groq") {
								t.Errorf("%s: %s %q names Groq, which the compliance set rules out (providers %v)", name, r.Path, r.Detail, r.Providers)
							}
						}
					}
				}
			}
		}
	}
}
