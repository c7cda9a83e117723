package prom

import (
	"math"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestValue: each kind's value from a parsed page; NaN and +Inf are none.
func TestValue(t *testing.T) {
	page := `# TYPE g gauge
g 1.5
# TYPE c counter
c 7
u 3
# TYPE h histogram
h_bucket{le="+Inf"} 2
h_sum 4.25
h_count 2
# TYPE s summary
s_sum 9
s_count 1
# TYPE n gauge
n NaN
# TYPE i gauge
i +Inf
`
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]float64{"g": 1.5, "c": 7, "u": 3, "h": 4.25, "s": 9, "n": math.NaN(), "i": math.NaN()} {
		v, ok := Value(fams[name].GetMetric()[0])
		if math.IsNaN(want) {
			if ok {
				t.Errorf("%s: value %v; want none", name, v)
			}
			continue
		}
		if !ok || v != want {
			t.Errorf("%s: %v, %v; want %v", name, v, ok, want)
		}
	}
}
