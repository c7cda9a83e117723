package plot

import (
	"bytes"
	"strings"
	"testing"
)

// The crossover figure's dashed line says whether its volume was stated:
// at report's default 10M tokens a day it read "stated volume: 10M
// tokens/day", a volume nobody gave.
func TestCrossoverVolumeLineSaysDefault(t *testing.T) {
	for _, assumed := range []bool{false, true} {
		ch := CrossoverChart{VolumeTokensPerDay: 1e7, VolumeDefault: assumed,
			APIs:    []APILine{{Label: "openai/gpt-4o", USDPer1M: 4}},
			Options: []SelfHosted{{Label: "self-hosted a100", GPUMonthUSD: 2500, GPUsPerReplica: 1, CapacityTokensPerS: 8000}}}
		var b bytes.Buffer
		if err := Crossover(ch).Write(&b, SVG); err != nil {
			t.Fatal(err)
		}
		want := "stated volume: 10M tokens/day"
		if assumed {
			want = "default volume: 10M tokens/day (none stated)"
		}
		if !strings.Contains(b.String(), ">"+want+"<") {
			t.Errorf("default %v: no line label %q", assumed, want)
		}
	}
}
