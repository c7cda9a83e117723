package cost

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// A break-even utilization under 0.05 % is written with its digits, not as
// "0.0%": a box of a million tokens/s against a $6.25 API breaks even at
// 26.7M tokens a day, 0.031 % of its capacity, which the table wrote as
// "break-even utilization 0.0%", a box that pays at no use at all.
func TestSmallUtilizationKeepsItsDigits(t *testing.T) {
	x, err := ComputeCrossover(CrossoverInput{TokensPerDay: 100e6, APIUSDPer1M: 6.25, GPUMonthUSD: 5000, CapacityTokensPerS: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	if x.BreakEvenUtilization == nil {
		t.Fatal("no break-even utilization")
	}
	want := *x.BreakEvenUtilization * 100
	for _, row := range x.Table().Rows {
		if row[0] != "break-even utilization" {
			continue
		}
		got, err := strconv.ParseFloat(strings.TrimSuffix(row[1], "%"), 64)
		if err != nil || got == 0 || math.Abs(got/want-1) > 0.05 {
			t.Errorf("break-even utilization %q; want %.4g %% to two significant digits", row[1], want)
		}
		return
	}
	t.Fatal("no break-even utilization row")
}

// pct keeps one decimal where it says the value, and two significant digits
// where one decimal would round it to nothing.
func TestPctSmallValues(t *testing.T) {
	for _, v := range []float64{0.5, 0.0275, 0.001, 0.00049, 0.000031, 1.5e-9} {
		s := pct(v)
		got, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if err != nil || got == 0 || math.Abs(got/(v*100)-1) > 0.05 {
			t.Errorf("pct(%g) = %q; want %.3g%% within its rounding", v, s, v*100)
		}
	}
	if s := pct(0); s != "0.0%" {
		t.Errorf("pct(0) = %q; want 0.0%%", s)
	}
}
