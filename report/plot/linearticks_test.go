package plot

import (
	"reflect"
	"testing"
)

// TestLinearTicks: 4 to 7 labels a step of 1, 2, 2.5 or 5 × 10^k apart,
// the nearest to a quarter of the range, with minor ticks between. The
// timeline's output tokens/s panel, 0 to 26,250, read "0" and "25k" alone
// with gonum's defaults; it reads 0, 5k … 25k.
func TestLinearTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   []string
		minors int
	}{
		{0, 26250, []string{"0", "5k", "10k", "15k", "20k", "25k"}, 21},
		{0, 100, []string{"0", "25", "50", "75", "100"}, 16},
		{0, 60, []string{"0", "20", "40", "60"}, 9},
		{-3, 3, []string{"-2", "0", "2"}, 10}, // a tie of 1 and 2 goes to the sparser
		{0.001, 0.0052, []string{"0.001", "0.002", "0.003", "0.004", "0.005"}, 17},
		{24, 105, []string{"40", "60", "80", "100"}, 13},
	} {
		ticks := compactTicks{}.Ticks(c.lo, c.hi)
		var labels []string
		minors := 0
		for _, tk := range ticks {
			if tk.Value < c.lo-1e-12 || tk.Value > c.hi+1e-12 {
				t.Errorf("[%g, %g]: tick at %g outside the axis", c.lo, c.hi, tk.Value)
			}
			if tk.Label == "" {
				minors++
				continue
			}
			labels = append(labels, tk.Label)
		}
		if !reflect.DeepEqual(labels, c.want) || minors != c.minors {
			t.Errorf("[%g, %g]: labels %v and %d minor ticks; want %v and %d", c.lo, c.hi, labels, minors, c.want, c.minors)
		}
	}
	if got := linearTicks(5, 5); len(got) != 1 || got[0].Value != 5 {
		t.Errorf("linearTicks(5, 5) = %v; want one tick at 5", got)
	}
}
