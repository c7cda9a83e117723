package render

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/report"
)

// compact writes a token volume for people (cost.Tokens: 950, 12.5k,
// 100M, 20.4B): the one token-volume formatter.
func compact(v float64) string { return cost.Tokens(v) }

// num writes a measured value with prec decimals, "-" for NaN.
func num(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// msv writes a latency in ms: 2 decimals under 10 ms, 1 under 1000, else 0.
func msv(v float64) string {
	switch a := math.Abs(v); {
	case math.IsNaN(v):
		return num(v, 2)
	case a < 10:
		return report.FormatMS(v, 2)
	case a < 1000:
		return num(v, 1)
	}
	return num(v, 0)
}

// usd writes a dollar amount (cost.USD): the one money formatter.
func usd(v float64) string { return cost.USD(v) }

// percent writes a fraction (0–1) as a percentage with one decimal, or
// two significant digits under 0.05 %.
func percent(v float64) string {
	p := 100 * v
	if a := math.Abs(p); a > 0 && a < 0.05 {
		// One decimal writes it as "0.0 %": a break-even utilization of
		// 0.027 % read as a box that pays at no use. Two significant digits.
		return num(p, int(math.Ceil(-math.Log10(a)))+1) + " %"
	}
	return num(p, 1) + " %"
}

func joinOr(parts []string, sep, empty string) string {
	if len(parts) == 0 {
		return empty
	}
	return strings.Join(parts, sep)
}

// valueIn writes a compared metric's value in its unit.
func valueIn(v float64, unit string) string {
	switch unit {
	case "ms":
		return msv(v) + " ms"
	case "$":
		return usd(v)
	case "tok/s":
		return num(v, 1) + " tok/s"
	}
	return fmt.Sprint(v)
}
