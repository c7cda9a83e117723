package cost

import (
	"strings"
	"testing"
)

// TestHIPAAKeepsTheUncertainVolumeRule: under HIPAA the uncertain-volume
// rule was never asked: a team at $5,000/month of a volume it called
// uncertain was told to buy on-premises hardware, the same answer as for
// a settled volume, and matrix.volume-uncertain did not fire. HIPAA allows
// a cloud API under a BAA, so the rule's answer (start on an API, migrate
// when the crossover is clear) stands there, with on-premises next; a
// settled volume still goes on-premises.
func TestHIPAAKeepsTheUncertainVolumeRule(t *testing.T) {
	c := mustLoad(t, "")
	a, err := Advise(c, AdviseInput{MonthlyAPISpendUSD: 5000, TeamRunsGPUs: true, VolumeUncertain: true, Compliance: []Compliance{HIPAA}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Recommended.Path != CloudAPI || a.Recommended.Rule != RuleVolumeUncertain || !strings.Contains(a.Recommended.Detail, "BAA") {
		t.Errorf("recommended %+v; want a cloud API under a BAA, by %s", a.Recommended, RuleVolumeUncertain)
	}
	for _, p := range a.Recommended.Providers {
		if p := c.Provider(p); p == nil || !p.BAA {
			t.Errorf("provider %v signs no BAA", p)
		}
	}
	if a.RunnerUp == nil || a.RunnerUp.Path != SelfHostedOnPrem {
		t.Errorf("runner-up %+v; want on-premises", a.RunnerUp)
	}
	if fired(a, RuleVolumeUncertain) == nil || fired(a, RuleHIPAA) == nil {
		t.Errorf("rules %+v; want %s and %s", a.Rules, RuleVolumeUncertain, RuleHIPAA)
	}
	settled, err := Advise(c, AdviseInput{MonthlyAPISpendUSD: 5000, TeamRunsGPUs: true, Compliance: []Compliance{HIPAA}})
	if err != nil {
		t.Fatal(err)
	}
	if settled.Recommended.Path != SelfHostedOnPrem {
		t.Errorf("settled volume: %+v; want on-premises", settled.Recommended)
	}
}
