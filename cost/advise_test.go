package cost

import (
	"slices"
	"strings"
	"testing"
)

func fired(a Advice, id RuleID) *FiredRule {
	for i := range a.Rules {
		if a.Rules[i].ID == id {
			return &a.Rules[i]
		}
	}
	for i := range a.Warnings {
		if a.Warnings[i].ID == id {
			return &a.Warnings[i]
		}
	}
	return nil
}

// adviseCase is one input to the framework and what it must answer: the
// recommended path, the rule that chose it, the rules that must have fired
// (each quoted word for word from issue #7), and, optionally, the runner-up.
type adviseCase struct {
	name      string
	in        AdviseInput
	path      Path
	chosenBy  RuleID
	mustFire  []RuleID
	quote     string // a phrase the chosen rule's quote must contain
	runnerUp  Path
	providers []string // must all be among the recommended providers
	excluded  []string // must not be among them
}

func runAdviseCases(t *testing.T, cases []adviseCase) {
	t.Helper()
	c := mustLoad(t, "")
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Advise(c, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if a.Recommended.Path != tt.path || a.Recommended.Rule != tt.chosenBy {
				t.Errorf("recommended = %s by %s; want %s by %s", a.Recommended.Path, a.Recommended.Rule, tt.path, tt.chosenBy)
			}
			if !strings.Contains(a.Recommended.Rule.Quote(), tt.quote) {
				t.Errorf("rule %s quote = %q; want it to contain %q", tt.chosenBy, a.Recommended.Rule.Quote(), tt.quote)
			}
			for _, id := range tt.mustFire {
				r := fired(a, id)
				if r == nil {
					t.Errorf("rule %s did not fire; fired: %+v", id, a.Rules)
					continue
				}
				if r.Quote != id.Quote() || r.Quote == "" || r.Because == "" {
					t.Errorf("rule %s fired as %+v; want its quote and a reason", id, r)
				}
			}
			if tt.runnerUp != "" && (a.RunnerUp == nil || a.RunnerUp.Path != tt.runnerUp) {
				t.Errorf("runner-up = %+v; want %s", a.RunnerUp, tt.runnerUp)
			}
			for _, p := range tt.providers {
				if !slices.Contains(a.Recommended.Providers, p) {
					t.Errorf("providers = %v; want %s among them", a.Recommended.Providers, p)
				}
			}
			for _, p := range tt.excluded {
				if slices.Contains(a.Recommended.Providers, p) {
					t.Errorf("providers = %v; %s must be excluded", a.Recommended.Providers, p)
				}
			}
		})
	}
}

// TestDecisionMatrix has one case per row of the seed's decision matrix.
func TestDecisionMatrix(t *testing.T) {
	runAdviseCases(t, []adviseCase{
		{
			name: "under $3K, no compliance constraint → cloud API",
			in:   AdviseInput{MonthlyAPISpendUSD: 1200},
			path: CloudAPI, chosenBy: RuleUnder3K, mustFire: []RuleID{RuleUnder3K},
			quote:    "under $3K/month API spend and no compliance constraint → cloud API",
			runnerUp: ManagedInference, providers: []string{"openai", "anthropic"},
		},
		{
			name: "under $3K, latency critical → Groq or managed inference",
			in:   AdviseInput{MonthlyAPISpendUSD: 1200, Latency: Interactive},
			path: ManagedInference, chosenBy: RuleUnder3KLatency, mustFire: []RuleID{RuleUnder3KLatency, RuleInteractive},
			quote:    "under $3K and latency critical → Groq or managed inference on open-weight models",
			runnerUp: CloudAPI, providers: []string{"groq", "together"}, excluded: []string{"openai"},
		},
		{
			name: "over $3K, team runs GPUs, no air-gap → self-hosted on cloud GPUs",
			in:   AdviseInput{MonthlyAPISpendUSD: 4500, TeamRunsGPUs: true},
			path: SelfHostedCloud, chosenBy: RuleOver3KTeam, mustFire: []RuleID{RuleOver3KTeam},
			quote:    "over $3K, a team that can run infrastructure, no air-gap → self-hosted on cloud GPUs",
			runnerUp: ManagedInference,
		},
		{
			name: "HIPAA → self-hosted on-premises",
			in:   AdviseInput{MonthlyAPISpendUSD: 4500, TeamRunsGPUs: true, Compliance: []Compliance{HIPAA}},
			path: SelfHostedOnPrem, chosenBy: RuleHIPAAOrAirgap, mustFire: []RuleID{RuleHIPAAOrAirgap, RuleHIPAA},
			quote:    "HIPAA or air-gap → self-hosted on-premises",
			runnerUp: CloudAPI,
		},
		{
			name: "air-gap → self-hosted on-premises",
			in:   AdviseInput{MonthlyAPISpendUSD: 500, Compliance: []Compliance{Airgap}},
			path: SelfHostedOnPrem, chosenBy: RuleHIPAAOrAirgap, mustFire: []RuleID{RuleHIPAAOrAirgap, RuleAirgap},
			quote: "HIPAA or air-gap → self-hosted on-premises",
		},
		{
			name: "volume uncertain → start on a cloud API",
			in:   AdviseInput{MonthlyAPISpendUSD: 9000, TeamRunsGPUs: true, VolumeUncertain: true},
			path: CloudAPI, chosenBy: RuleVolumeUncertain, mustFire: []RuleID{RuleVolumeUncertain},
			quote:    "volume changing fast or uncertain → start on a cloud API, instrument costs, migrate when the crossover is clear",
			runnerUp: SelfHostedCloud,
		},
	})
}

// TestComplianceRules has one case per compliance rule.
func TestComplianceRules(t *testing.T) {
	runAdviseCases(t, []adviseCase{
		{
			name: "HIPAA without a GPU team → a cloud API under a BAA, not OpenAI's standard API",
			in:   AdviseInput{MonthlyAPISpendUSD: 4500, Compliance: []Compliance{HIPAA}},
			path: CloudAPI, chosenBy: RuleHIPAA, mustFire: []RuleID{RuleHIPAA, RuleHIPAAOrAirgap},
			quote:    "HIPAA → cloud API only with a signed BAA (Azure OpenAI, AWS Bedrock; not OpenAI's standard API)",
			runnerUp: SelfHostedOnPrem, providers: []string{"azure-openai", "aws-bedrock"}, excluded: []string{"openai", "groq"},
		},
		{
			name: "GDPR residency → inference inside the EU",
			in:   AdviseInput{MonthlyAPISpendUSD: 800, Compliance: []Compliance{GDPR}},
			path: CloudAPI, chosenBy: RuleGDPR, mustFire: []RuleID{RuleGDPR},
			quote:    "GDPR residency → inference inside the EU (Bedrock EU regions, self-hosted in EU data centres)",
			runnerUp: SelfHostedCloud, providers: []string{"aws-bedrock", "azure-openai"}, excluded: []string{"openai", "groq"},
		},
		{
			name: "SOC 2 → certified providers, document the vendor assessment",
			in:   AdviseInput{MonthlyAPISpendUSD: 800, Compliance: []Compliance{SOC2}},
			path: CloudAPI, chosenBy: RuleSOC2, mustFire: []RuleID{RuleSOC2},
			quote:     "SOC 2 → certified providers are generally acceptable, document the vendor assessment",
			providers: []string{"openai", "azure-openai"}, excluded: []string{"groq", "together"},
		},
		{
			name: "air-gapped → your own hardware only, even at high spend with a GPU team",
			in:   AdviseInput{MonthlyAPISpendUSD: 50000, TeamRunsGPUs: true, Compliance: []Compliance{Airgap, SOC2}},
			path: SelfHostedOnPrem, chosenBy: RuleHIPAAOrAirgap, mustFire: []RuleID{RuleAirgap, RuleSOC2},
			quote: "HIPAA or air-gap → self-hosted on-premises",
		},
	})
	// The air-gap quote itself, and no hosted runner-up.
	c := mustLoad(t, "")
	a, err := Advise(c, AdviseInput{MonthlyAPISpendUSD: 50000, Compliance: []Compliance{Airgap}})
	if err != nil {
		t.Fatal(err)
	}
	if r := fired(a, RuleAirgap); r == nil || r.Quote != "air-gapped → self-hosted on your own hardware only" {
		t.Errorf("airgap rule = %+v", r)
	}
	if a.RunnerUp != nil {
		t.Errorf("air-gapped runner-up = %+v; want none: no hosted path is allowed", a.RunnerUp)
	}
}

// TestCostlyMistakes checks both warnings of the framework.
func TestCostlyMistakes(t *testing.T) {
	c := mustLoad(t, "")
	early, err := Advise(c, AdviseInput{MonthlyAPISpendUSD: 900, TeamRunsGPUs: true})
	if err != nil {
		t.Fatal(err)
	}
	if r := fired(early, WarnSelfHostingEarly); r == nil || !strings.Contains(r.Quote, "self-hosting before the volume justifies it") {
		t.Errorf("warnings at $900 with a GPU team = %+v; want the self-hosting-early warning", early.Warnings)
	}
	stuck, err := Advise(c, AdviseInput{MonthlyAPISpendUSD: 25000})
	if err != nil {
		t.Fatal(err)
	}
	if stuck.Recommended.Path != ManagedInference || stuck.Recommended.Rule != RuleManagedPath {
		t.Errorf("$25K without a GPU team = %s by %s; want managed inference", stuck.Recommended.Path, stuck.Recommended.Rule)
	}
	if r := fired(stuck, WarnStuckOnAPI); r == nil || !strings.Contains(r.Quote, "staying on APIs at $20K/month because migration feels hard") {
		t.Errorf("warnings at $25K on an API = %+v; want the stuck-on-API warning", stuck.Warnings)
	}
	ok, err := Advise(c, AdviseInput{MonthlyAPISpendUSD: 25000, TeamRunsGPUs: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(ok.Warnings) != 0 {
		t.Errorf("self-hosting at $25K with a team warned: %+v", ok.Warnings)
	}
}

func TestAdviseRejectsBadInput(t *testing.T) {
	c := mustLoad(t, "")
	for _, in := range []AdviseInput{
		{MonthlyAPISpendUSD: -1},
		{Latency: "realtime"},
		{Compliance: []Compliance{"pci"}},
	} {
		if _, err := Advise(c, in); err == nil {
			t.Errorf("Advise(%+v) succeeded; want an error", in)
		}
	}
}

// TestMeasuredKinds checks that advice names, per compliance rule, the
// target kinds whose runs measure an allowed path (issue #23): HIPAA the
// BAA providers' kinds, GDPR the EU-region ones, an air gap none hosted;
// every rule allows the self-hosted engines.
func TestMeasuredKinds(t *testing.T) {
	c := mustLoad(t, "")
	a, err := Advise(c, AdviseInput{MonthlyAPISpendUSD: 4500, Compliance: []Compliance{Airgap, HIPAA, GDPR}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[RuleID][]string{
		RuleHIPAA:  {"azure", "bedrock", "vertex"},
		RuleGDPR:   {"azure", "bedrock", "vertex"},
		RuleAirgap: {},
	}
	if len(a.MeasuredKinds) != len(want) {
		t.Fatalf("measured kinds = %+v; want one entry per rule of %v", a.MeasuredKinds, want)
	}
	// Rules come in a fixed order, whatever the input's order.
	for i, id := range []RuleID{RuleHIPAA, RuleGDPR, RuleAirgap} {
		m := a.MeasuredKinds[i]
		if m.Rule != id || !slices.Equal(m.Hosted, want[id]) {
			t.Errorf("measured kinds[%d] = %s hosted %v; want %s hosted %v", i, m.Rule, m.Hosted, id, want[id])
		}
		if !slices.Equal(m.SelfHosted, SelfHostedKinds()) {
			t.Errorf("%s self-hosted = %v; want %v", m.Rule, m.SelfHosted, SelfHostedKinds())
		}
	}
	if a.MeasuredKinds[2].Where == "" || !strings.Contains(a.MeasuredKinds[1].Where, "EU") {
		t.Errorf("air gap and GDPR must say where the engines run: %+v", a.MeasuredKinds)
	}
	for _, k := range []string{"openai", "anthropic", "gemini", "groq", "together", "openrouter"} {
		if slices.Contains(a.MeasuredKinds[0].Hosted, k) {
			t.Errorf("HIPAA allows %s; no BAA is established for it", k)
		}
	}
	// The table carries one note per rule.
	notes := strings.Join(a.Table().Notes, "\n")
	for _, s := range []string{"compliance.hipaa allows hosted azure, bedrock, vertex", "compliance.airgap allows hosted none; self-hosted llamacpp, ollama, sglang, tgi, trtllm, vllm"} {
		if !strings.Contains(notes, s) {
			t.Errorf("table notes lack %q:\n%s", s, notes)
		}
	}
	// A caller's own self-hosted list wins; no compliance rule, no entry.
	b, err := Advise(c, AdviseInput{MonthlyAPISpendUSD: 800, Compliance: []Compliance{SOC2}, SelfHostedKinds: []string{"vllm"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.MeasuredKinds) != 1 || !slices.Equal(b.MeasuredKinds[0].SelfHosted, []string{"vllm"}) || !slices.Contains(b.MeasuredKinds[0].Hosted, "openai") {
		t.Errorf("SOC 2 measured kinds = %+v", b.MeasuredKinds)
	}
	if none, _ := Advise(c, AdviseInput{MonthlyAPISpendUSD: 800}); len(none.MeasuredKinds) != 0 {
		t.Errorf("no compliance rule, measured kinds = %+v", none.MeasuredKinds)
	}
}

func TestCatalogRejectsBadTargetKind(t *testing.T) {
	_, err := loadErr(t, `
providers:
  - id: acme
    name: Acme
    kind: cloud-api
    source: "test"
    date: "2026"
    target_kinds: ["acme api"]
`)
	if err == nil || !strings.Contains(err.Error(), "target_kinds") {
		t.Errorf("err = %v; want a target_kinds problem", err)
	}
}

// TestAdviceSaysTheSpendItJudged: a spend just under or over a line is
// written so that the comparison the advice states is true: USD rounds
// $2,999.99 to "$3,000", and the advice read "because $3,000/month is
// under $3,000".
func TestAdviceSaysTheSpendItJudged(t *testing.T) {
	c := mustLoad(t, "")
	for _, tt := range []struct {
		spend float64
		team  bool
		id    RuleID
		want  string
	}{
		{2999.99, false, RuleUnder3K, "$2,999.99/month is under $3,000"},
		{2999.999, false, RuleUnder3K, "$2,999.999/month is under $3,000"},
		{2999.5, false, RuleUnder3K, "$2,999.50/month is under $3,000"},
		{2500, false, RuleUnder3K, "$2,500/month is under $3,000"},
		{3000.004, true, RuleOver3KTeam, "$3,000.004/month is over $3,000"},
		{3000, true, RuleOver3KTeam, "$3,000/month is at $3,000"},
		{19999.99, false, RuleManagedPath, "$19,999.99/month is over $3,000"},
		{20000.01, false, WarnStuckOnAPI, "$20,000.01/month is past $20,000"},
	} {
		a, err := Advise(c, AdviseInput{MonthlyAPISpendUSD: tt.spend, TeamRunsGPUs: tt.team})
		if err != nil {
			t.Fatal(err)
		}
		r := fired(a, tt.id)
		if r == nil || !strings.HasPrefix(r.Because, tt.want) {
			t.Errorf("$%v: rule %s = %+v; want it because %q…", tt.spend, tt.id, r, tt.want)
		}
		if title, want := a.Table().Title, "Advice at "+strings.SplitN(tt.want, "/", 2)[0]+"/month"; !strings.HasPrefix(title, want) {
			t.Errorf("$%v: title %q; want %q…", tt.spend, title, want)
		}
	}
}
