package cost

import "math"

// Every formula of the cost model, with a worked example each. Units are in
// the names: USD, hours, seconds, tokens, joules, watts.

// HoursPerMonth is the hours in a billing month of an always-on machine,
// the cloud convention (365 × 24 / 12 = 730).
const HoursPerMonth = 730

// DaysPerMonth is the days in a month of volume, the seed's formula
// (monthly tokens = tokens/day × 30).
const DaysPerMonth = 30

// SecondsPerHour is 3600.
const SecondsPerHour = 3600

// JoulesPerKWh is 3.6e6.
const JoulesPerKWh = 3.6e6

// DutyCycles are the utilizations the cost table reports, besides the
// measured 100 %.
var DutyCycles = []float64{0.10, 0.25, 0.50, 1.00}

// USDPer1MTokens is the cost of one million tokens on a box that costs
// usdPerHour in total while it serves tokensPerS:
//
//	usd_per_1m = usdPerHour / (tokensPerS × 3600) × 1e6
//
// With usdPerHour = n·P (n GPUs at P USD per GPU-hour) this is the DESIGN's
// n·P / (out_tps·3600) · 1e6. Example (silybench-data, Qwen3-8B FP8 on one
// H100 at SLO capacity): 2.69 / (4129.03 × 3600) × 1e6 = 0.18097 → $0.181
// per 1M output tokens; with total (input + output) throughput 37,161 tok/s
// the same hour gives $0.0201 per 1M total tokens. Returns 0 when tokensPerS
// is not positive (unknown throughput).
func USDPer1MTokens(usdPerHour, tokensPerS float64) float64 {
	if !(tokensPerS > 0) {
		return 0
	}
	return usdPerHour / (tokensPerS * SecondsPerHour) * 1e6
}

// USDPerRequest is the cost of one request on a box that costs usdPerHour
// while it completes requestsPerS:
//
//	usd_per_request = usdPerHour / (requestsPerS × 3600)
//
// Example: 2.69 USD/h at 32.258 req/s → 2.69 / 116,128.8 = $0.0000232 per
// request, $0.0232 per 1,000 requests. Returns 0 for unknown throughput.
func USDPerRequest(usdPerHour, requestsPerS float64) float64 {
	if !(requestsPerS > 0) {
		return 0
	}
	return usdPerHour / (requestsPerS * SecondsPerHour)
}

// AtDutyCycle is the cost per unit of work on an always-on box busy only a
// fraction u (0 < u ≤ 1) of the time: the hour is paid for whole, so
//
//	cost(u) = cost(100 %) / u
//
// Example: $0.181 per 1M at full load is $0.724 at 25 % and $1.81 at 10 %.
// For owned hardware this slightly overstates the energy share, since an
// idle GPU draws less than a busy one (66–115 W idle against about 630 W
// loaded for an H100, in the recordings under testdata/telemetry).
func AtDutyCycle(cost, u float64) float64 {
	if !(u > 0) {
		return 0
	}
	return cost / u
}

// OwnedUSDPerGPUHour is the capital cost of an owned GPU per hour, written
// off straight-line:
//
//	usd_per_gpu_hour = capex / (amortization_months × 730)
//
// Example: an H100 at 38,750 USD over 36 months is 38,750 / 26,280 =
// $1.4745 per GPU-hour before power.
func OwnedUSDPerGPUHour(capexUSD, amortizationMonths float64) float64 {
	if !(amortizationMonths > 0) {
		return 0
	}
	return capexUSD / (amortizationMonths * HoursPerMonth)
}

// EnergyUSDPerHour is what electricity costs per hour for a box drawing
// averageW watts at the GPUs, in a facility with the given PUE:
//
//	usd_per_hour = averageW / 1000 × pue × usd_per_kwh
//
// Example: one H100 at its 700 W limit, PUE 1.58, 0.1282 USD/kWh →
// 0.7 × 1.58 × 0.1282 = $0.1418 per hour.
func EnergyUSDPerHour(averageW, pue, usdPerKWh float64) float64 {
	return averageW / 1000 * pue * usdPerKWh
}

// AverageWatts is the mean power over a window from the energy measured in
// it (the difference of the NVML energy counter at its ends, all GPUs
// summed):
//
//	watts = joules / window_s
//
// Example: 2,280,000 J over 3,600 s is 633.3 W. Returns 0 for an empty
// window.
func AverageWatts(joules, windowS float64) float64 {
	if !(windowS > 0) {
		return 0
	}
	return joules / windowS
}

// MonthlyTokens is the seed's monthly volume:
//
//	monthly_tokens = tokens_per_day × 30
//
// Example: 10,000,000 tokens/day → 300,000,000 tokens/month. With requests,
// tokens_per_day = requests_per_day × tokens_per_request.
func MonthlyTokens(tokensPerDay float64) float64 {
	return tokensPerDay * DaysPerMonth
}

// APIMonthlyUSD is what a month of tokens costs at an API price per 1M:
//
//	api_monthly_usd = monthly_tokens / 1e6 × usd_per_1m
//
// Example (the seed's): 300,000,000 tokens at $15 per 1M → $4,500/month.
func APIMonthlyUSD(monthlyTokens, usdPer1M float64) float64 {
	return monthlyTokens / 1e6 * usdPer1M
}

// DefaultInputShare is the input tokens' share of a volume whose mix is not
// known: 3:1 input to output, Artificial Analysis's blend.
const DefaultInputShare = 0.75

// MixedUSDPer1M is an API's price per 1M tokens of a volume in which input
// tokens are the share inputShare (0–1), the rest output:
//
//	mixed = inputShare × input + (1 − inputShare) × output
//
// Self-hosting is sized by a run's measured total tokens/s, which carries
// the run's own mix; the API must be priced at that mix, not at 3:1.
// Example: GPT-4o at 2.50 / 10.00 for a chat workload of 512 tokens in and
// 128 out (0.8): 2.00 + 2.00 = $4.00 per 1M, where 3:1 (DefaultInputShare)
// gives 1.875 + 2.50 = $4.375; at 128 in and 512 out (0.2): 0.50 + 8.00 =
// $8.50.
func MixedUSDPer1M(inputUSDPer1M, outputUSDPer1M, inputShare float64) float64 {
	return inputShare*inputUSDPer1M + (1-inputShare)*outputUSDPer1M
}

// InputShare is the input tokens' share of a measured throughput, (total −
// output) / total; false when the throughput counts no input tokens (a
// server that reported none) or is not a throughput.
func InputShare(totalTokensPerS, outputTokensPerS float64) (float64, bool) {
	if !(totalTokensPerS > outputTokensPerS) || !(outputTokensPerS >= 0) || math.IsInf(totalTokensPerS, 0) {
		return 0, false
	}
	return (totalTokensPerS - outputTokensPerS) / totalTokensPerS, true
}

// ReplicasNeeded is how many serving boxes a daily volume needs, each
// serving capacityTokensPerS at its SLO, with the volume spread evenly over
// the day (no peak factor):
//
//	replicas = ceil(tokens_per_day / (capacity_tokens_per_s × 86,400)), at least 1
//
// Example: 10M tokens/day on a box measured at 37,161 tok/s (3.21 billion
// a day) → 1; 5 billion a day → 2. A capacity of 0 (not measured) gives 1:
// the seed's assumption that one box handles the volume. The count holds
// at 2^53, the largest a float64 keeps exact (past an int it wrapped round
// to 1): a volume that needs more is not a sizing (ComputeCrossover
// refuses one past MaxGPUsNeeded).
func ReplicasNeeded(tokensPerDay, capacityTokensPerS float64) int {
	if !(capacityTokensPerS > 0) || !(tokensPerDay > 0) {
		return 1
	}
	return max(1, int(math.Min(math.Ceil(tokensPerDay/(capacityTokensPerS*86400)), 1<<53)))
}

// SelfHostedMonthlyUSD is the monthly cost of self-hosting:
//
//	self_hosted_monthly_usd = gpus × usd_per_gpu_month + ops_month_usd
//
// where usd_per_gpu_month = usd_per_gpu_hour × 730 (power included for owned
// hardware). Example: one A100 80GB at $2,000/month plus no ops → $2,000.
func SelfHostedMonthlyUSD(gpus int, usdPerGPUMonth, opsMonthUSD float64) float64 {
	return float64(gpus)*usdPerGPUMonth + opsMonthUSD
}

// BreakEven finds where self-hosting starts to pay, for API price p (USD
// per token), a replica of cost R (USD/month, all its GPUs) serving C tokens
// a month at most (C = 0: unlimited), and fixed ops cost O (USD/month).
//
// Self-hosted cost is a step function, k(V)·R + O with k(V) = ceil(V / C);
// the API's is p·V. On the k-th step, self-hosting costs no more than the
// API once V ≥ (k·R + O) / p, so the first break-even volume is
//
//	first = (k*·R + O) / p, k* = max(1, ceil(O / (p·C − R)))
//
// (it exists only if p·C > R: a full replica must earn more at API prices
// than it costs). Just past a step the API can win again; from
//
//	always = min((k₁−1)·C, ((k₁−1)·R + O) / p), k₁ = ceil((p·C + O) / (p·C − R))
//
// on, self-hosting is never dearer. breakEvenUtilization = first / (k*·C) is
// how busy the replicas are at the first break-even.
//
// Example: API $15 per 1M, one A100 at $2,000/month, no ops, unlimited
// capacity → first = 2,000 / 15e-6 = 133.3M tokens/month (4.44M a day).
// With C = 1e9 tokens/month: p·C = 15,000 > 2,000, k* = 1, first = 133.3M,
// utilization 13.3 %; k₁ = ceil(15,000 / 13,000) = 2, always =
// min(1e9, 133.3M) = 133.3M.
func BreakEven(p, r, c, o float64) (first, always, breakEvenUtilization float64, ok bool) {
	if !(p > 0) {
		return 0, 0, 0, false
	}
	if !(c > 0) {
		v := (r + o) / p
		return v, v, 0, true
	}
	margin := p*c - r
	if !(margin > 0) {
		return 0, 0, 0, false
	}
	k := max(1, math.Ceil(o/margin))
	first = (k*r + o) / p
	k1 := math.Ceil((p*c + o) / margin)
	always = math.Min((k1-1)*c, ((k1-1)*r+o)/p)
	always = math.Max(always, first)
	return first, always, first / (k * c), true
}
