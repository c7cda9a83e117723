package cost

import (
	"errors"
	"fmt"
	"math"

	"github.com/inferbench/inferbench/internal/printable"
)

// CrossoverInput is a monthly volume, an API price and a self-hosted option
// to weigh against each other.
type CrossoverInput struct {
	// TokensPerDay is the volume (input + output tokens).
	TokensPerDay float64
	// APIUSDPer1M is the API's price per 1M tokens of that volume.
	APIUSDPer1M float64
	// GPUMonthUSD is one GPU, always on, per month (730 h), power included
	// for owned hardware.
	GPUMonthUSD float64
	// OpsMonthUSD is the fixed monthly cost of running it (people, tools);
	// 0 leaves it out, as silybench does, and the result says so.
	OpsMonthUSD float64
	// CapacityTokensPerS is what one replica of GPUsPerReplica GPUs serves at
	// its SLO (total tokens per second); 0 when not measured, in which case
	// one replica is assumed to serve any volume (the seed's assumption).
	CapacityTokensPerS float64
	// GPUsPerReplica is the GPUs in one serving replica (tensor parallel);
	// 0 means 1.
	GPUsPerReplica int
}

// Crossover is the monthly comparison of an API with self-hosting. JSON
// keys are snake_case and a public contract.
type Crossover struct {
	// Simulated says the capacity came from a simulated run
	// (RunLevel.Simulated).
	Simulated bool `json:"simulated,omitempty"`
	// Incomplete says the run that gave the capacity did not complete
	// (RunLevel.Incomplete).
	Incomplete           string  `json:"incomplete,omitempty"`
	TokensPerDay         float64 `json:"tokens_per_day"`
	MonthlyTokens        float64 `json:"monthly_tokens"`
	APIUSDPer1M          float64 `json:"api_usd_per_1m"`
	APIMonthlyUSD        float64 `json:"api_monthly_usd"`
	GPUMonthUSD          float64 `json:"gpu_month_usd"`
	OpsMonthUSD          float64 `json:"ops_month_usd"`
	GPUsPerReplica       int     `json:"gpus_per_replica"`
	Replicas             int     `json:"replicas"`
	GPUsNeeded           int     `json:"gpus_needed"`
	SelfHostedMonthlyUSD float64 `json:"self_hosted_monthly_usd"`
	// Cheaper is "self-hosted" or "api" at this volume.
	Cheaper string `json:"cheaper"`
	// CapacityTokensPerS is the measured capacity of one replica, absent
	// when not measured; Utilization is the volume's share of the
	// provisioned capacity.
	CapacityTokensPerS *float64 `json:"capacity_tokens_per_s"`
	Utilization        *float64 `json:"utilization"`
	// CrossoverTokensPerDay is the first daily volume at which self-hosting
	// costs no more than the API; AlwaysCheaperAboveTokensPerDay the volume
	// above which it never costs more again (the GPU count steps up with
	// volume). Both are null when self-hosting never pays.
	CrossoverTokensPerDay          *float64 `json:"crossover_tokens_per_day"`
	AlwaysCheaperAboveTokensPerDay *float64 `json:"always_cheaper_above_tokens_per_day"`
	// BreakEvenUtilization is how busy the replicas are at the crossover;
	// null without a measured capacity.
	BreakEvenUtilization *float64 `json:"break_even_utilization"`
	// Notes state the assumptions behind the numbers.
	Notes []string `json:"notes"`
}

// ComputeCrossover weighs in.TokensPerDay at the API price against
// self-hosting (formulas: MonthlyTokens, APIMonthlyUSD, ReplicasNeeded,
// SelfHostedMonthlyUSD, BreakEven).
func ComputeCrossover(in CrossoverInput) (Crossover, error) {
	var errs []error
	if !(in.TokensPerDay >= 0) {
		errs = append(errs, fmt.Errorf("tokens per day must not be negative, got %v", in.TokensPerDay))
	}
	if !(in.APIUSDPer1M > 0) {
		errs = append(errs, fmt.Errorf("api price per 1M tokens must be positive, got %v", in.APIUSDPer1M))
	}
	if !(in.GPUMonthUSD > 0) {
		errs = append(errs, fmt.Errorf("gpu month cost must be positive, got %v", in.GPUMonthUSD))
	}
	if !(in.OpsMonthUSD >= 0) {
		errs = append(errs, fmt.Errorf("ops month cost must not be negative, got %v", in.OpsMonthUSD))
	}
	if !(in.CapacityTokensPerS >= 0) {
		errs = append(errs, fmt.Errorf("capacity must not be negative, got %v", in.CapacityTokensPerS))
	}
	if in.GPUsPerReplica < 0 {
		errs = append(errs, fmt.Errorf("gpus per replica must not be negative, got %d", in.GPUsPerReplica))
	}
	if err := errors.Join(errs...); err != nil {
		return Crossover{}, err
	}
	n := max(1, in.GPUsPerReplica)
	// ReplicasNeeded's count, as a float first: past an int it wrapped
	// round (to one replica, or with n GPUs each to a negative count of
	// GPUs and a negative month, which the table called the cheaper path).
	if in.CapacityTokensPerS > 0 {
		if replicas := math.Ceil(in.TokensPerDay / (in.CapacityTokensPerS * 86400)); replicas*float64(n) > MaxGPUsNeeded {
			return Crossover{}, fmt.Errorf("%s tokens a day at %s tokens/s a replica needs %s replicas of %s: more than %s GPUs, past any deployment: a typo in the volume, or a capacity measured wrong?",
				typed(in.TokensPerDay), typed(in.CapacityTokensPerS), typed(replicas), printable.Count(n, "GPU"), typed(MaxGPUsNeeded))
		}
	}
	x := Crossover{
		TokensPerDay:   in.TokensPerDay,
		MonthlyTokens:  MonthlyTokens(in.TokensPerDay),
		APIUSDPer1M:    in.APIUSDPer1M,
		GPUMonthUSD:    in.GPUMonthUSD,
		OpsMonthUSD:    in.OpsMonthUSD,
		GPUsPerReplica: n,
	}
	x.APIMonthlyUSD = APIMonthlyUSD(x.MonthlyTokens, in.APIUSDPer1M)
	x.Replicas = ReplicasNeeded(in.TokensPerDay, in.CapacityTokensPerS)
	x.GPUsNeeded = x.Replicas * n
	x.SelfHostedMonthlyUSD = SelfHostedMonthlyUSD(x.GPUsNeeded, in.GPUMonthUSD, in.OpsMonthUSD)
	x.Cheaper = "api"
	if x.SelfHostedMonthlyUSD < x.APIMonthlyUSD {
		x.Cheaper = "self-hosted"
	}

	replicaMonth := float64(n) * in.GPUMonthUSD
	var monthlyCapacity float64
	if in.CapacityTokensPerS > 0 {
		c := in.CapacityTokensPerS
		x.CapacityTokensPerS = &c
		monthlyCapacity = in.CapacityTokensPerS * 86400 * DaysPerMonth
		u := x.MonthlyTokens / (float64(x.Replicas) * monthlyCapacity)
		x.Utilization = &u
	} else {
		x.Notes = append(x.Notes, "capacity not measured: the GPUs are not sized; self-hosting is priced as 1 replica, which serves the volume only if it can (pass --run to size the GPUs from a measured capacity)")
	}
	first, always, util, ok := BreakEven(in.APIUSDPer1M/1e6, replicaMonth, monthlyCapacity, in.OpsMonthUSD)
	if ok {
		f, a := first/DaysPerMonth, always/DaysPerMonth
		x.CrossoverTokensPerDay, x.AlwaysCheaperAboveTokensPerDay = &f, &a
		if monthlyCapacity > 0 {
			x.BreakEvenUtilization = &util
		}
	} else {
		note := fmt.Sprintf("self-hosting never pays: a full replica serves %s tokens a month, worth %s at the API price, less than its %s", Tokens(monthlyCapacity), USD(monthlyCapacity/1e6*in.APIUSDPer1M), USD(replicaMonth))
		// The seed's 30-day volume month against the 730-h GPU month: an API
		// price at or above cost's hourly $/1M but within 730/720 of it
		// lands here, where cost lists self-hosting as the cheaper.
		hourly := USDPer1MTokens(replicaMonth/HoursPerMonth, in.CapacityTokensPerS) // cost's own $/1M
		if monthlyCapacity > 0 && in.APIUSDPer1M >= hourly {
			note += fmt.Sprintf(" (cost lists a full replica at %s per 1M tokens, its hourly price; over a 730-h GPU month and the seed's 30-day volume month it is %s, %.1f %% more)",
				USD(hourly), USD(replicaMonth/monthlyCapacity*1e6), 100*(float64(HoursPerMonth)/(24*DaysPerMonth)-1))
		}
		x.Notes = append(x.Notes, note)
	}
	if in.OpsMonthUSD == 0 {
		x.Notes = append(x.Notes, "ops overhead not included (pass --ops-month-usd): engineering time to run GPUs is a real cost")
	}
	x.Notes = append(x.Notes, "volume month = 30 days; GPU month = 730 h always on; volume assumed spread evenly over the day")
	return x, nil
}

// Table lays out the crossover for people.
func (x *Crossover) Table() *Table {
	opt := func(v *float64, f func(float64) string) string {
		if v == nil {
			return "never"
		}
		return f(*v)
	}
	t := markSimulated(&Table{Title: "API vs self-hosted, per month", Columns: []string{"", "value"}, Notes: x.Notes}, x.Simulated)
	add := func(k, v string) { t.Rows = append(t.Rows, []string{k, v}) }
	add("tokens per day", Tokens(x.TokensPerDay))
	add("monthly tokens", Tokens(x.MonthlyTokens))
	add("API price per 1M tokens", USDPrice(x.APIUSDPer1M))
	add("API monthly", USD(x.APIMonthlyUSD))
	needed := fmt.Sprintf("%d (%s of %d)", x.GPUsNeeded, printable.Count(x.Replicas, "replica"), x.GPUsPerReplica)
	if x.CapacityTokensPerS == nil {
		// The seed's assumption, not a sizing: said in the row, not only
		// in a note below it.
		needed = fmt.Sprintf("%d (assumed, not sized: capacity not measured; 1 replica of %d)", x.GPUsNeeded, x.GPUsPerReplica)
	}
	cheaper := x.Cheaper
	if x.CapacityTokensPerS == nil {
		// The verdict rests on that assumption: said in its own line, as
		// "self-hosted" at 1e18 tokens a day read as a finding.
		cheaper += fmt.Sprintf(" (assumed: only if 1 replica of %s serves %s tokens a day; capacity not measured, pass --run to size it)", printable.Count(x.GPUsPerReplica, "GPU"), Tokens(x.TokensPerDay))
	}
	add("GPUs needed", needed)
	add("GPU month (730 h)", USD(x.GPUMonthUSD))
	add("ops month", USD(x.OpsMonthUSD))
	add("self-hosted monthly", USD(x.SelfHostedMonthlyUSD))
	add("cheaper at this volume", cheaper)
	if x.CapacityTokensPerS != nil {
		add("replica capacity (tokens/s)", num(*x.CapacityTokensPerS))
		add("utilization at this volume", opt(x.Utilization, pct))
	}
	add("crossover (tokens per day)", opt(x.CrossoverTokensPerDay, Tokens))
	always := opt(x.AlwaysCheaperAboveTokensPerDay, Tokens)
	if x.CapacityTokensPerS == nil && x.AlwaysCheaperAboveTokensPerDay != nil {
		// "Always" holds only while one replica serves the volume, which
		// nothing measured.
		always += " (assumed: only while 1 replica serves the volume, not measured)"
	}
	add("self-hosted always cheaper above (tokens per day)", always)
	if x.CapacityTokensPerS != nil {
		add("break-even utilization", opt(x.BreakEvenUtilization, pct))
	}
	return t
}
