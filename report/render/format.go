package render

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// compact writes a volume for people: 950, 12.5k, 4.44M, 3.2G.
func compact(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e9:
		return sig3(v/1e9) + "G"
	case a >= 1e6:
		return sig3(v/1e6) + "M"
	case a >= 1e3:
		return sig3(v/1e3) + "k"
	}
	return sig3(v)
}

// sig3 writes v with 3 significant digits, without trailing zeros.
func sig3(v float64) string {
	s := strconv.FormatFloat(v, 'f', max(0, 2-int(math.Floor(math.Log10(math.Max(math.Abs(v), 1e-9))))), 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

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
	case a < 10:
		return num(v, 2)
	case a < 1000:
		return num(v, 1)
	}
	return num(v, 0)
}

// usd writes a dollar amount: 3 decimals under $10, whole dollars with
// thousands separators above, "-" for 0.
func usd(v float64) string {
	switch {
	case v == 0 || math.IsNaN(v):
		return "-"
	case math.Abs(v) < 10:
		return "$" + num(v, 3)
	}
	s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return "$" + b.String()
}

// percent writes a fraction (0–1) as a percentage with one decimal.
func percent(v float64) string { return num(100*v, 1) + " %" }

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
