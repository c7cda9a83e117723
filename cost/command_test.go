package cost

import (
	"encoding/json"
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

// cost --run prices owned hardware's electricity at the energy the run
// measured over the priced level's window, as the report's cost table does
// (report/render/build.go priceRun); before, it fell back to the catalog's
// draw (TDP) and the two disagreed for the same run and offer. Numbers from
// a mock H100 run: 2,056.0 J over 6.0078 s = 342.2 W; owned-8x at
// 1.4745 + 0.3422 × 1.58 × 0.1282 = $1.5438/h, against $1.6163/h at 700 W.
func TestCostRunUsesTheRunsMeasuredEnergy(t *testing.T) {
	runs := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 16, WindowS: 6.007785323, EnergyJ: 2056.011393183559, Basis: "capacity at SLO (level 16)",
				Throughput: Throughput{OutputTokensPerS: 1720.0132992437307, TotalTokensPerS: 7805.925691302579, RequestsPerS: 13.067343138969386}}, nil
		},
		GPU: func(string) (string, []string) { return "h100-sxm", nil },
	}
	var b strings.Builder
	if err := RunCost(&b, CostOptions{RunDir: "run", Offer: "owned", Format: JSON, Runs: runs}); err != nil {
		t.Fatal(err)
	}
	var q struct{ Rows []Costs }
	if err := json.Unmarshal([]byte(b.String()), &q); err != nil || len(q.Rows) != 1 {
		t.Fatalf("rows %v (%v) of %s", q.Rows, err, b.String())
	}
	c := q.Rows[0]
	want := 310000.0/8/(36*730) + 2056.011393183559/6.007785323/1000*1.58*0.1282
	if c.EnergyBasis != "measured" || math.Abs(c.USDPerHour-want) > 1e-9 {
		t.Errorf("owned-8x: energy basis %q, $%.4f/h; want measured, $%.4f/h", c.EnergyBasis, c.USDPerHour, want)
	}
	// An --energy-joules given still wins over the run's.
	b.Reset()
	if err := RunCost(&b, CostOptions{RunDir: "run", Offer: "owned", Format: JSON, Runs: runs, EnergyJ: 4200}); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b.String()), &q); err != nil || len(q.Rows) != 1 {
		t.Fatalf("rows %v (%v)", q.Rows, err)
	}
	if got := q.Rows[0].AverageW; math.Abs(got-4200/6.007785323) > 1e-9 {
		t.Errorf("--energy-joules 4200: average %v W, want %v", got, 4200/6.007785323)
	}
}

// crossover --run DIR --gpus N on a run whose telemetry saw another count
// prices N GPUs a replica at the capacity measured on the run's GPUs, not
// scaled: that is said, since a buyer reading "24 (3 replica(s) of 8)" on a
// 1-GPU run would take the capacity for 8 GPUs'. With the run's own count
// nothing is said.
func TestCrossoverSaysGPUsIsNotTheRunsCount(t *testing.T) {
	runs := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 16, WindowS: 7, Basis: "capacity at SLO (level 16)",
				Throughput: Throughput{OutputTokensPerS: 974.2, TotalTokensPerS: 4904.4, RequestsPerS: 7.6}}, nil
		},
		GPU: func(string) (string, []string) { return "", []string{"NVIDIA A100-SXM4-80GB"} },
	}
	for _, c := range []struct {
		gpus int
		want bool
	}{{8, true}, {1, false}, {0, false}} {
		var b strings.Builder
		err := RunCrossover(&b, CrossoverOptions{Volume: Volume{TokensPerDay: 1e9, APIModel: DefaultAPIModel}, RunDir: "run", GPUs: c.gpus, Offer: string(DefaultOfferKind), Format: Text, Runs: runs})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), "measured on 1 GPU(s)"); got != c.want {
			t.Errorf("--gpus %d: note said %v, want %v:\n%s", c.gpus, got, c.want, b.String())
		}
	}
}
