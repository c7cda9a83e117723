package cost

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/inferbench/inferbench/internal/typo"
)

// Path is a way to deploy a model.
type Path string

// The deployment paths of the seed's framework.
const (
	// CloudAPI: pay per token, no infrastructure.
	CloudAPI Path = "cloud-api"
	// ManagedInference: you pick the model, a third party hosts it.
	ManagedInference Path = "managed-inference"
	// SelfHostedCloud: your serving stack on rented cloud GPUs.
	SelfHostedCloud Path = "self-hosted-cloud"
	// SelfHostedOnPrem: your serving stack on your own hardware.
	SelfHostedOnPrem Path = "self-hosted-on-prem"
)

// Latency is the workload's latency class.
type Latency string

// Latency classes.
const (
	Interactive Latency = "interactive"
	Batch       Latency = "batch"
)

// Compliance is a regulatory constraint on where inference may run.
type Compliance string

// Compliance constraints.
const (
	HIPAA  Compliance = "hipaa"
	GDPR   Compliance = "gdpr"
	SOC2   Compliance = "soc2"
	Airgap Compliance = "airgap"
)

// SpendLine is the seed's $3K/month line between "stay on an API" and
// "consider self-hosting"; StuckLine the $20K/month at which staying on an
// API is a costly mistake.
const (
	SpendLineUSD = 3000
	StuckLineUSD = 20000
)

// spendUSD writes a monthly spend as USD does, with as many decimals as it
// takes to tell it from a line it is judged against (SpendLineUSD,
// StuckLineUSD) where USD writes the two alike: $2,999.99 is under $3,000,
// and USD writes it "$3,000", which made "because $3,000/month is under
// $3,000".
func spendUSD(v float64) string {
	s := USD(v)
	for _, line := range []float64{SpendLineUSD, StuckLineUSD} {
		if v == line || s != USD(line) {
			continue
		}
		for d := 2; d <= 15; d++ {
			if s, l := usdDecimals(v, d), usdDecimals(line, d); s != l {
				return s
			}
		}
	}
	return s
}

// usdDecimals writes v (not negative) as "$2,999.99": thousands separated,
// d decimals.
func usdDecimals(v float64, d int) string {
	whole, frac, _ := strings.Cut(strconv.FormatFloat(v, 'f', d, 64), ".")
	w, _ := strconv.ParseFloat(whole, 64)
	return "$" + thousands(w) + "." + frac
}

// RuleID names one rule of the decision framework.
type RuleID string

// The rules: the decision matrix's rows, the compliance rules, the latency
// classes, the path definitions and the two costly mistakes.
const (
	RuleUnder3K          RuleID = "matrix.under-3k"
	RuleUnder3KLatency   RuleID = "matrix.under-3k-latency-critical"
	RuleOver3KTeam       RuleID = "matrix.over-3k-team"
	RuleHIPAAOrAirgap    RuleID = "matrix.hipaa-or-airgap"
	RuleVolumeUncertain  RuleID = "matrix.volume-uncertain"
	RuleHIPAA            RuleID = "compliance.hipaa"
	RuleGDPR             RuleID = "compliance.gdpr"
	RuleSOC2             RuleID = "compliance.soc2"
	RuleAirgap           RuleID = "compliance.airgap"
	RuleInteractive      RuleID = "latency.interactive"
	RuleBatch            RuleID = "latency.batch"
	RuleManagedPath      RuleID = "path.managed-inference"
	RuleSelfHostedPath   RuleID = "path.self-hosted"
	WarnSelfHostingEarly RuleID = "mistake.self-hosting-early"
	WarnStuckOnAPI       RuleID = "mistake.stuck-on-api"
)

// Quote returns the rule as the seed's framework words it (issue #7).
func (id RuleID) Quote() string {
	switch id {
	case RuleUnder3K:
		return "under $3K/month API spend and no compliance constraint → cloud API"
	case RuleUnder3KLatency:
		return "under $3K and latency critical → Groq or managed inference on open-weight models"
	case RuleOver3KTeam:
		return "over $3K, a team that can run infrastructure, no air-gap → self-hosted on cloud GPUs"
	case RuleHIPAAOrAirgap:
		return "HIPAA or air-gap → self-hosted on-premises"
	case RuleVolumeUncertain:
		return "volume changing fast or uncertain → start on a cloud API, instrument costs, migrate when the crossover is clear"
	case RuleHIPAA:
		return "HIPAA → cloud API only with a signed BAA (Azure OpenAI, AWS Bedrock; not OpenAI's standard API), or self-hosted (air-gapped removes the risk)"
	case RuleGDPR:
		return "GDPR residency → inference inside the EU (Bedrock EU regions, self-hosted in EU data centres)"
	case RuleSOC2:
		return "SOC 2 → certified providers are generally acceptable, document the vendor assessment"
	case RuleAirgap:
		return "air-gapped → self-hosted on your own hardware only"
	case RuleInteractive:
		return "interactive needs sub-1 s first-token latency"
	case RuleBatch:
		return "batch jobs tolerate 5–30 s per request"
	case RuleManagedPath:
		return "managed inference (you pick the model, a third party hosts it: Replicate, Together AI, Groq, AWS Bedrock)"
	case RuleSelfHostedPath:
		return "self-hosted (your hardware or cloud account; needs a team that can run GPUs)"
	case WarnSelfHostingEarly:
		return "costly mistake: self-hosting before the volume justifies it"
	case WarnStuckOnAPI:
		return "costly mistake: staying on APIs at $20K/month because migration feels hard"
	}
	return ""
}

// FiredRule is a rule that applied, quoted, and why it applied.
type FiredRule struct {
	ID      RuleID `json:"id"`
	Quote   string `json:"quote"`
	Because string `json:"because"`
}

// Recommendation is a deployment path and what it means here.
type Recommendation struct {
	Path   Path   `json:"path"`
	Detail string `json:"detail"`
	// Providers are the catalog's providers that fit the path and the
	// compliance set, by id.
	Providers []string `json:"providers,omitempty"`
	// Rule is the rule that chose this path.
	Rule RuleID `json:"rule"`
}

// AdviseInput is what the decision framework asks.
type AdviseInput struct {
	// MonthlyAPISpendUSD is the API spend the volume costs, or would cost.
	MonthlyAPISpendUSD float64
	Latency            Latency
	Compliance         []Compliance
	// TeamRunsGPUs: the team can run GPU infrastructure.
	TeamRunsGPUs bool
	// VolumeUncertain: the volume is changing fast or is not known.
	VolumeUncertain bool
	// SelfHostedKinds are the target kinds that measure a serving engine
	// run on one's own GPUs; nil means SelfHostedKinds().
	SelfHostedKinds []string
}

// SelfHostedKinds returns the inferbench target kinds of self-hosted
// serving engines (the registry marks the same kinds SelfHosted; a
// registry test keeps the two lists equal). Self-hosting satisfies every
// compliance rule, in the place where the hardware stands.
func SelfHostedKinds() []string {
	return []string{"llamacpp", "ollama", "sglang", "tgi", "trtllm", "vllm"}
}

// RuleKinds names, for one compliance rule, the target kinds whose runs
// measure a path that can satisfy it: the providers' kinds (from the
// catalog's target_kinds) and the self-hosted engines.
type RuleKinds struct {
	Rule RuleID `json:"rule"`
	// Hosted are the kinds of providers the rule allows.
	Hosted []string `json:"hosted"`
	// SelfHosted are the engines' kinds; Where says where they must run.
	SelfHosted []string `json:"self_hosted"`
	Where      string   `json:"where,omitempty"`
}

// Advice is the recommended path, the runner-up, and every rule that fired.
// JSON keys are snake_case.
type Advice struct {
	MonthlyAPISpendUSD float64         `json:"monthly_api_spend_usd"`
	Recommended        Recommendation  `json:"recommended"`
	RunnerUp           *Recommendation `json:"runner_up"`
	Rules              []FiredRule     `json:"rules"`
	Warnings           []FiredRule     `json:"warnings"`
	// MeasuredKinds says, for each compliance rule of the input, which
	// target kinds measure a path that satisfies it.
	MeasuredKinds []RuleKinds `json:"measured_kinds"`
	// PriceCheck, for a self-hosted answer the framework gives by the
	// spend line (no air gap), says that no GPU was priced and how to
	// price one: the line is not the crossover.
	PriceCheck string `json:"price_check,omitempty"`
}

// Advise applies the seed's decision framework, in this order: air-gap
// (on-premises only), HIPAA (on-premises for a team at a settled volume,
// else a BAA API), uncertain volume (start on an API), then the $3K/month line with
// latency and the team. GDPR and SOC 2 narrow the providers of whatever path
// is chosen. The catalog supplies the providers and their flags.
func Advise(c *Catalog, in AdviseInput) (Advice, error) {
	if !(in.MonthlyAPISpendUSD >= 0) {
		return Advice{}, fmt.Errorf("monthly api spend must not be negative, got %v", in.MonthlyAPISpendUSD)
	}
	var errs []error
	// Both words in any case, as the compliance list is read (the command
	// lowers it): "Interactive" was refused beside "HIPAA" taken.
	in.Latency = Latency(strings.ToLower(strings.TrimSpace(string(in.Latency))))
	if in.Latency != "" && in.Latency != Interactive && in.Latency != Batch {
		errs = append(errs, fmt.Errorf("latency %q must be %s or %s%s", in.Latency, Interactive, Batch,
			didYouMean(string(in.Latency), string(Interactive), string(Batch))))
	}
	comp := make([]Compliance, 0, len(in.Compliance))
	for _, k := range in.Compliance {
		k = Compliance(strings.ToLower(strings.TrimSpace(string(k))))
		comp = append(comp, k)
		if !slices.Contains([]Compliance{HIPAA, GDPR, SOC2, Airgap}, k) {
			errs = append(errs, fmt.Errorf("compliance %q must be one of hipaa, gdpr, soc2, airgap%s", k,
				didYouMean(string(k), string(HIPAA), string(GDPR), string(SOC2), string(Airgap))))
		}
	}
	in.Compliance = comp
	if err := errors.Join(errs...); err != nil {
		return Advice{}, err
	}
	has := func(k Compliance) bool { return slices.Contains(in.Compliance, k) }
	spend := in.MonthlyAPISpendUSD
	a := Advice{MonthlyAPISpendUSD: spend, Rules: []FiredRule{}, Warnings: []FiredRule{}}
	fire := func(id RuleID, because string, args ...any) {
		a.Rules = append(a.Rules, FiredRule{ID: id, Quote: id.Quote(), Because: fmt.Sprintf(because, args...)})
	}
	warn := func(id RuleID, because string, args ...any) {
		a.Warnings = append(a.Warnings, FiredRule{ID: id, Quote: id.Quote(), Because: fmt.Sprintf(because, args...)})
	}
	// providers lists the catalog providers of the given kinds (any kind
	// when none) that meet the compliance set.
	providers := func(kinds ...Path) []string {
		var out []string
		for _, p := range c.Providers {
			switch {
			case len(kinds) > 0 && !slices.Contains(kinds, p.Kind),
				has(HIPAA) && !p.BAA,
				has(GDPR) && !p.EURegion,
				has(SOC2) && !p.SOC2:
				continue
			}
			out = append(out, p.ID)
		}
		return out
	}
	// where says where a self-hosted path runs, hosted where a hosted
	// one does: GDPR keeps both in the EU (the providers are narrowed to
	// those with an EU region, and the path says so).
	where, hosted := "", ""
	if has(GDPR) {
		where, hosted = " in EU data centres", " in an EU region"
	}
	managed := func() *Recommendation {
		return &Recommendation{Path: ManagedInference, Rule: RuleManagedPath, Detail: "managed inference on an open-weight model" + hosted, Providers: providers(ManagedInference)}
	}

	switch in.Latency {
	case Interactive:
		fire(RuleInteractive, "latency class is interactive: hold the serving path to a TTFT SLO under 1 s")
	case Batch:
		fire(RuleBatch, "latency class is batch: a cheaper, slower path is acceptable")
	}
	if has(Airgap) {
		fire(RuleAirgap, "compliance includes airgap")
	}
	if has(HIPAA) {
		fire(RuleHIPAA, "compliance includes hipaa")
	}
	if has(GDPR) {
		fire(RuleGDPR, "compliance includes gdpr")
	}
	if has(SOC2) {
		fire(RuleSOC2, "compliance includes soc2")
	}

	onPrem := Recommendation{Path: SelfHostedOnPrem, Rule: RuleHIPAAOrAirgap, Detail: "self-hosted on your own hardware" + where}
	switch {
	case has(Airgap):
		fire(RuleHIPAAOrAirgap, "air-gapped: no hosted path is allowed")
		a.Recommended = onPrem
		if !in.TeamRunsGPUs {
			fire(RuleSelfHostedPath, "the team does not run GPUs yet: an air-gapped deployment needs one")
		}
	case has(HIPAA):
		baa := Recommendation{Path: CloudAPI, Rule: RuleHIPAA, Detail: "a cloud API under a signed BAA" + hosted, Providers: providers()}
		switch {
		case in.TeamRunsGPUs && spend >= SpendLineUSD && in.VolumeUncertain:
			// The uncertain-volume rule holds under HIPAA too, which
			// allows an API under a BAA: hardware waits for the volume.
			fire(RuleVolumeUncertain, "the volume is uncertain or changing fast: start on an API under a BAA, and buy hardware once the crossover is clear")
			baa.Rule, baa.Detail = RuleVolumeUncertain, "start on a cloud API under a signed BAA"+hosted+", instrument costs (inferbench crossover), migrate when the crossover is clear"
			onPrem.Detail += " once the volume settles"
			a.Recommended, a.RunnerUp = baa, &onPrem
		case in.TeamRunsGPUs && spend >= SpendLineUSD:
			fire(RuleHIPAAOrAirgap, "HIPAA, a team that runs GPUs and %s/month of volume: on-premises removes the third party", spendUSD(spend))
			a.Recommended, a.RunnerUp = onPrem, &baa
		default:
			// Only what is missing now: "until the volume passes $3,000"
			// read wrong at $262,500/month.
			var missing []string
			if !in.TeamRunsGPUs {
				missing = append(missing, "the team runs no GPUs")
			}
			if spend < SpendLineUSD {
				missing = append(missing, fmt.Sprintf("%s/month is under %s", spendUSD(spend), USD(SpendLineUSD)))
			}
			fire(RuleHIPAAOrAirgap, "HIPAA: on-premises is the runner-up, as %s", strings.Join(missing, " and "))
			a.Recommended, a.RunnerUp = baa, &onPrem
		}
	case in.VolumeUncertain:
		fire(RuleVolumeUncertain, "the volume is uncertain or changing fast")
		a.Recommended = Recommendation{Path: CloudAPI, Rule: RuleVolumeUncertain, Detail: "start on a cloud API" + hosted + ", instrument costs (inferbench crossover), migrate when the crossover is clear", Providers: providers(CloudAPI)}
		if in.TeamRunsGPUs && spend >= SpendLineUSD {
			a.RunnerUp = &Recommendation{Path: SelfHostedCloud, Rule: RuleOver3KTeam, Detail: "self-hosted on cloud GPUs" + where + " once the volume settles"}
		} else {
			a.RunnerUp = managed()
		}
	case spend < SpendLineUSD:
		if in.Latency == Interactive {
			fire(RuleUnder3KLatency, "%s/month is under %s and the workload is latency critical", spendUSD(spend), USD(SpendLineUSD))
			// Groq is named only where the compliance set allows it.
			detail := "managed inference on open-weight models"
			if slices.Contains(providers(ManagedInference), "groq") {
				detail = "Groq or " + detail
			}
			a.Recommended = Recommendation{Path: ManagedInference, Rule: RuleUnder3KLatency, Detail: detail + hosted, Providers: providers(ManagedInference)}
			a.RunnerUp = &Recommendation{Path: CloudAPI, Rule: RuleUnder3K, Detail: "a cloud API" + hosted, Providers: providers(CloudAPI)}
			break
		}
		rule := RuleUnder3K
		switch {
		case len(in.Compliance) == 0:
			fire(RuleUnder3K, "%s/month is under %s and there is no compliance constraint", spendUSD(spend), USD(SpendLineUSD))
		case has(GDPR):
			rule = RuleGDPR
		default:
			rule = RuleSOC2
		}
		// The compliance rule chose the path; the spend is why it is an
		// API rather than self-hosting: say so in that rule's reason.
		for i := range a.Rules {
			if a.Rules[i].ID == rule && rule != RuleUnder3K {
				a.Rules[i].Because += fmt.Sprintf("; %s/month is under %s, so a cloud API it allows rather than self-hosting", spendUSD(spend), USD(SpendLineUSD))
			}
		}
		a.Recommended = Recommendation{Path: CloudAPI, Rule: rule, Detail: "a cloud API" + hosted, Providers: providers(CloudAPI, ManagedInference)}
		if has(GDPR) {
			a.RunnerUp = &Recommendation{Path: SelfHostedCloud, Rule: RuleGDPR, Detail: "self-hosted in EU data centres"}
		} else {
			a.RunnerUp = managed()
		}
	case in.TeamRunsGPUs:
		fire(RuleOver3KTeam, "%s/month is %s %s and the team runs GPU infrastructure", spendUSD(spend), atOrOver(spend), USD(SpendLineUSD))
		a.Recommended = Recommendation{Path: SelfHostedCloud, Rule: RuleOver3KTeam, Detail: "self-hosted on cloud GPUs" + where}
		a.RunnerUp = managed()
	default:
		fire(RuleManagedPath, "%s/month is %s %s but the team does not run GPUs: let a third party host the model", spendUSD(spend), atOrOver(spend), USD(SpendLineUSD))
		fire(RuleSelfHostedPath, "self-hosting waits for a team that can run GPUs")
		a.Recommended = *managed()
		a.RunnerUp = &Recommendation{Path: SelfHostedCloud, Rule: RuleOver3KTeam, Detail: "self-hosted on cloud GPUs" + where + " once the team can run them"}
	}

	a.MeasuredKinds = measuredKinds(c, in)

	selfHosted := a.Recommended.Path == SelfHostedCloud || a.Recommended.Path == SelfHostedOnPrem
	if selfHosted && spend < SpendLineUSD && !has(Airgap) {
		warn(WarnSelfHostingEarly, "%s/month is under the %s line", spendUSD(spend), USD(SpendLineUSD))
	}
	if in.TeamRunsGPUs && spend < SpendLineUSD && !selfHosted && !has(Airgap) {
		warn(WarnSelfHostingEarly, "the team could self-host, but %s/month does not justify it yet", spendUSD(spend))
	}
	if selfHosted && !has(Airgap) {
		a.PriceCheck = fmt.Sprintf("self-hosting is advised by the framework's %s/month line, and its cost was not weighed against any GPU: "+
			"whether it is cheaper than the API at this volume depends on the GPUs and their measured capacity (inferbench crossover --run DIR --tokens-per-day N)", USD(SpendLineUSD))
	}
	if !selfHosted && spend >= StuckLineUSD {
		warn(WarnStuckOnAPI, "%s/month is past %s: plan the migration (inferbench crossover --run DIR)", spendUSD(spend), USD(StuckLineUSD))
	}
	return a, nil
}

// measuredKinds lists, for each compliance rule in the input (in the order
// hipaa, gdpr, soc2, airgap), the target kinds that measure a path the rule
// allows: providers with a BAA (HIPAA), an EU region (GDPR) or a SOC 2
// report, and the self-hosted engines (for an air gap, only those). Each
// rule is answered on its own; under several rules a path must be allowed
// by all of them.
func measuredKinds(c *Catalog, in AdviseInput) []RuleKinds {
	self := in.SelfHostedKinds
	if self == nil {
		self = SelfHostedKinds()
	}
	self = slices.Sorted(slices.Values(self))
	out := []RuleKinds{}
	for _, r := range []struct {
		comp  Compliance
		id    RuleID
		allow func(Provider) bool
		where string
	}{
		{HIPAA, RuleHIPAA, func(p Provider) bool { return p.BAA }, ""},
		{GDPR, RuleGDPR, func(p Provider) bool { return p.EURegion }, "hosted kinds in an EU region, engines in EU data centres"},
		{SOC2, RuleSOC2, func(p Provider) bool { return p.SOC2 }, ""},
		{Airgap, RuleAirgap, func(Provider) bool { return false }, "engines on your own hardware, off the network"},
	} {
		if !slices.Contains(in.Compliance, r.comp) {
			continue
		}
		rk := RuleKinds{Rule: r.id, Hosted: []string{}, SelfHosted: self, Where: r.where}
		for _, p := range c.Providers {
			if r.allow(p) {
				rk.Hosted = append(rk.Hosted, p.TargetKinds...)
			}
		}
		slices.Sort(rk.Hosted)
		rk.Hosted = slices.Compact(rk.Hosted)
		out = append(out, rk)
	}
	return out
}

// Table lays out the advice for people.
func (a *Advice) Table() *Table {
	rec := func(r *Recommendation) string {
		s := string(r.Path) + ": " + r.Detail
		if len(r.Providers) > 0 {
			s += " (" + strings.Join(r.Providers, ", ") + ")"
		}
		return s
	}
	t := &Table{Title: fmt.Sprintf("Advice at %s/month of API spend", spendUSD(a.MonthlyAPISpendUSD)), Columns: []string{"", "path", "rule"}}
	t.Rows = append(t.Rows, []string{"recommended", rec(&a.Recommended), a.Recommended.Rule.Quote()})
	if a.RunnerUp != nil {
		t.Rows = append(t.Rows, []string{"runner-up", rec(a.RunnerUp), a.RunnerUp.Rule.Quote()})
	}
	for _, r := range a.Rules {
		t.Notes = append(t.Notes, fmt.Sprintf("rule %s: %q, because %s", r.ID, r.Quote, r.Because))
	}
	for _, r := range a.Warnings {
		t.Notes = append(t.Notes, fmt.Sprintf("WARNING %s: %q, because %s", r.ID, r.Quote, r.Because))
	}
	if a.PriceCheck != "" {
		t.Notes = append(t.Notes, "price: "+a.PriceCheck)
	}
	for _, m := range a.MeasuredKinds {
		hosted := "none"
		if len(m.Hosted) > 0 {
			hosted = strings.Join(m.Hosted, ", ")
		}
		note := fmt.Sprintf("measure with inferbench run --target: %s allows hosted %s; self-hosted %s", m.Rule, hosted, strings.Join(m.SelfHosted, ", "))
		if m.Where != "" {
			note += "; " + m.Where
		}
		t.Notes = append(t.Notes, note)
	}
	return t
}

// atOrOver is how a spend the under-the-line rules passed over stands to
// SpendLineUSD: "at" the line itself (the line counts as over it), else
// "over"; "$3,000/month is over $3,000" was not true.
func atOrOver(spend float64) string {
	if spend == SpendLineUSD {
		return "at"
	}
	return "over"
}

// didYouMean is ", did you mean X?" for the word within two edits of typed
// (typo.Nearest), else "".
func didYouMean(typed string, words ...string) string {
	if near := typo.Nearest(typed, words); near != "" {
		return ", did you mean " + near + "?"
	}
	return ""
}
