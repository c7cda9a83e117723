package cost

import (
	"io"
	"math"
	"strings"
	"testing"
)

// A throughput given on the command line that is negative or not a number
// is refused by its flag's name before any offer is priced: the buyer typed
// it, so "nothing was served" (the message for a run that served nothing)
// and a "cost: <gpu> <offer>:" prefix would point at the wrong thing.
func TestCostRefusesBadThroughputFlags(t *testing.T) {
	cases := []struct {
		o    CostOptions
		flag string
	}{
		{CostOptions{GPU: "h100-sxm", OutputTPS: -3}, "--output-tokens-per-s"},
		{CostOptions{GPU: "h100-sxm", OutputTPS: math.NaN()}, "--output-tokens-per-s"},
		{CostOptions{GPU: "h100-sxm", OutputTPS: math.Inf(1)}, "--output-tokens-per-s"},
		{CostOptions{GPU: "h100-sxm", OutputTPS: 1000, TotalTPS: -1}, "--total-tokens-per-s"},
		{CostOptions{GPU: "h100-sxm", OutputTPS: 1000, TotalTPS: 500}, "--total-tokens-per-s"},
		{CostOptions{GPU: "h100-sxm", OutputTPS: 1000, RPS: -1}, "--requests-per-s"},
	}
	for _, c := range cases {
		err := RunCost(io.Discard, c.o)
		if err == nil {
			t.Errorf("%+v: priced, want an error naming %s", c.o, c.flag)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, c.flag) || strings.Contains(msg, "\n") {
			t.Errorf("%+v: error %q, want one line starting with %s", c.o, msg, c.flag)
		}
	}
}
