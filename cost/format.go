package cost

import (
	"math"
	"strconv"
	"strings"
)

// USD is the one money formatter of every command and report: "$0.181"
// (3 decimals under $10, the precision a cost per 1M tokens is quoted at),
// "$899.52" (cents under $1,000), "$13,125" (whole dollars with thousands
// separators from $1,000), "$0.0075", "$0.00042" (two significant digits
// under a cent, where three decimals keep one digit or none: $0.0005 read
// "$0.001", twice the amount, and $0.0004 "$0.000", free). "-" for zero or
// a value that is not a number: zero means not priced.
func USD(v float64) string {
	switch {
	case v == 0 || math.IsNaN(v) || math.IsInf(v, 0):
		return "-"
	case v < 0:
		return "-" + USD(-v)
	case v < 0.01:
		d := int(math.Ceil(-math.Log10(v))) + 1
		if r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', d, 64), 64); r < 0.01 {
			return "$" + strconv.FormatFloat(v, 'f', d, 64)
		}
		// Two digits round it to a cent: written as a cent is.
	}
	if v < 10 {
		// An amount that rounds to $10 (9.9996) is written as $10 is.
		if s := strconv.FormatFloat(v, 'f', 3, 64); s != "10.000" {
			return "$" + s
		}
	}
	if math.Round(v*100) < 100000 {
		return "$" + strconv.FormatFloat(v, 'f', 2, 64)
	}
	return "$" + thousands(v)
}

// Tokens is the one token-volume formatter: three significant digits with
// a suffix, trailing zeros dropped: 950, 12.5k, 100M, 20.4B, 1.2T. The value
// is rounded before the suffix is chosen, so 999,950 is "1M", not "1000k".
// From 10¹⁵ on, past the largest suffix, a power of ten: 3e16, 1.23e17
// (a crossover at 10¹⁵ tokens a day read "30000T" a month).
func Tokens(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	if v != 0 {
		scale := math.Pow(10, math.Floor(math.Log10(math.Abs(v)))-2)
		v = math.Round(v/scale) * scale
	}
	if math.Abs(v) >= 1e15 {
		mant, exp, _ := strings.Cut(strconv.FormatFloat(v, 'e', 2, 64), "e+")
		return strings.TrimSuffix(strings.TrimRight(mant, "0"), ".") + "e" + strings.TrimLeft(exp, "0")
	}
	for _, u := range []struct {
		div    float64
		suffix string
	}{{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}} {
		if math.Abs(v) >= u.div {
			return sig3(v/u.div) + u.suffix
		}
	}
	return sig3(v)
}

// sig3 writes v with three significant digits (whole numbers from 100 up),
// without trailing zeros.
func sig3(v float64) string {
	decimals := max(0, 2-int(math.Floor(math.Log10(math.Max(math.Abs(v), 1e-9)))))
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// USDPrice writes a price per 1M tokens that a reader multiplies by a
// volume: as USD, but with at least three significant digits under $1
// ("$0.0575", where USD writes "$0.058"), so that the printed price times
// the printed volume is the printed total to its precision.
func USDPrice(v float64) string {
	if !(v >= 0.0005 && v < 1) {
		return USD(v)
	}
	// Three significant digits: 0.0575 has its first at the second
	// decimal, so four decimals.
	d := max(3, 2-int(math.Floor(math.Log10(v))))
	return "$" + strconv.FormatFloat(v, 'f', d, 64)
}
