package cost

import (
	"strings"
	"testing"
)

// TestHIPAARunnerUpSaysWhatIsMissing: under HIPAA at $262,500/month with a
// team that runs no GPUs, the on-premises runner-up's reason read "on-
// premises is the runner-up until the team runs GPUs and the volume passes
// $3,000/month", as if the volume were under the line; it names only what
// is missing now: the team, the volume, or both, with the spend.
func TestHIPAARunnerUpSaysWhatIsMissing(t *testing.T) {
	c := mustLoad(t, "")
	for _, tt := range []struct {
		spend      float64
		team       bool
		want, dont string
	}{
		{262500, false, "the team runs no GPUs", "volume passes"},
		{1000, true, "$1,000/month is under $3,000", "team runs no GPUs"},
		{1000, false, "the team runs no GPUs and $1,000/month is under $3,000", "volume passes"},
	} {
		a, err := Advise(c, AdviseInput{MonthlyAPISpendUSD: tt.spend, TeamRunsGPUs: tt.team, Compliance: []Compliance{HIPAA}})
		if err != nil {
			t.Fatal(err)
		}
		if a.RunnerUp == nil || a.RunnerUp.Path != SelfHostedOnPrem {
			t.Fatalf("$%v, team %v: runner-up %+v; the test wants on-premises", tt.spend, tt.team, a.RunnerUp)
		}
		r := fired(a, RuleHIPAAOrAirgap)
		if r == nil || !strings.Contains(r.Because, tt.want) || strings.Contains(r.Because, tt.dont) {
			t.Errorf("$%v, team %v: %s fired as %+v; want its reason to say %q and not %q", tt.spend, tt.team, RuleHIPAAOrAirgap, r, tt.want, tt.dont)
		}
	}
}
