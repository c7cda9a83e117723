package cost

import (
	"fmt"
	"strconv"
)

// The bounds of the numbers the cost commands take from the command line.
// Each clears any deployment by orders of magnitude; past them a number is
// a typo (1e300 for 1e3), and its prices would print as 300-digit amounts,
// round to $0 (which reads as not priced) or overflow. `run` refuses an
// absurd --rate the same way (docs/workloads.md, "Open-loop rates and
// their bounds").
const (
	// MinTokensPerDay and MaxTokensPerDay bound a daily volume: from one
	// token a day to a billion billion (every API together serves far less).
	MinTokensPerDay = 1
	MaxTokensPerDay = 1e18
	// MinPerS and MaxPerS bound a throughput (tokens or requests per
	// second): from one a day to a trillion a second.
	MinPerS = 1.0 / 86400
	MaxPerS = 1e12
	// MaxMonthUSD bounds a monthly amount (API spend, a GPU month, ops).
	MaxMonthUSD = 1e15
	// MaxUSDPerGPUHour and MaxAPIUSDPer1M bound a price: a million dollars
	// a GPU-hour, a dollar a token.
	MaxUSDPerGPUHour = 1e6
	MaxAPIUSDPer1M   = 1e6
	// MaxAverageW bounds the average power of measured energy: a gigawatt,
	// a power plant's output.
	MaxAverageW = 1e9
	// MaxGPUsNeeded bounds the GPUs a crossover's volume may need: far past
	// any deployment, and far below what an int counts (a count past that
	// wrapped round to a negative number of GPUs and a negative month).
	MaxGPUsNeeded = 1e15
)

// bound is one side of a range, with the words that say it.
type bound struct {
	v     float64
	words string
}

// within refuses v, given by flag, outside [lo, hi].
func within(flag string, v float64, lo, hi bound) error {
	switch {
	case v < lo.v:
		return quoteErrorf("%s %s is below %s: a typo?", flag, typed(v), lo.words)
	case v > hi.v:
		return quoteErrorf("%s %s is above %s: a typo?", flag, typed(v), hi.words)
	}
	return nil
}

// The bounds, in words.
var (
	zero        = bound{0, "0"}
	minDaily    = bound{MinTokensPerDay, "one token a day"}
	maxDaily    = bound{MaxTokensPerDay, "1e18 tokens a day, past any deployment"}
	minPerS     = bound{MinPerS, "one a day (1/86,400 a second)"}
	maxPerS     = bound{MaxPerS, "1e12 a second, past any deployment"}
	maxMonth    = bound{MaxMonthUSD, "1e15 USD a month"}
	maxGPUHour  = bound{MaxUSDPerGPUHour, "1e6 USD a GPU-hour"}
	maxAPIPer1M = bound{MaxAPIUSDPer1M, "1e6 USD per 1M tokens (a dollar a token)"}
	maxWatts    = bound{MaxAverageW, "1e9 W, a power plant's output"}
)

// typed writes a number as the user would type it back (1e+300, 0.5).
func typed(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// checkDaily bounds a daily volume given as tokens per day, or as requests
// per day × tokens per request (whose product is what is bounded).
func checkDaily(tokensPerDay, requestsPerDay, tokensPerRequest float64) error {
	if tokensPerDay > 0 {
		return within("--tokens-per-day", tokensPerDay, minDaily, maxDaily)
	}
	flags := fmt.Sprintf("--requests-per-day %s × --tokens-per-request", typed(requestsPerDay))
	return within(flags, tokensPerRequest, bound{MinTokensPerDay / requestsPerDay, minDaily.words}, bound{MaxTokensPerDay / requestsPerDay, maxDaily.words})
}

// CheckCrossover bounds a crossover's volume, ops amount and cached input
// share given as options (report's --tokens-per-day, --ops-month-usd and
// --cached-input-share) as the crossover command bounds its flags.
func CheckCrossover(tokensPerDay, opsMonthUSD, cachedShare float64) error {
	if err := within("--tokens-per-day", tokensPerDay, minDaily, maxDaily); err != nil {
		return err
	}
	if _, err := ResolveMix(0, cachedShare, nil, ""); err != nil {
		return err
	}
	return within("--ops-month-usd", opsMonthUSD, zero, maxMonth)
}
