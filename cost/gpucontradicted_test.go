package cost

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// cost and crossover refuse a --gpu that the run's telemetry contradicts,
// naming both: `cost --run runs/d-a100 --gpu h100-sxm` (an outside QA pass)
// priced an A100's measurement at an H100's hour, silently, and crossover
// likewise. A run whose telemetry recorded no GPU takes the stated one.
func TestStatedGPUContradictedByTelemetryIsRefused(t *testing.T) {
	a100 := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 32, WindowS: 10, Basis: "capacity at SLO", Throughput: Throughput{OutputTokensPerS: 1000, TotalTokensPerS: 5000, RequestsPerS: 8}}, nil
		},
		GPU: func(string) (string, []string) { return "", []string{"NVIDIA A100-SXM4-80GB"} },
	}
	vol := Volume{TokensPerDay: 1e8, APIModel: DefaultAPIModel}
	for name, err := range map[string]error{
		"cost":      RunCost(io.Discard, CostOptions{RunDir: "runs/d-a100", Runs: a100, GPU: "h100-sxm", Format: Text}),
		"crossover": RunCrossover(io.Discard, CrossoverOptions{RunDir: "runs/d-a100", Runs: a100, GPU: "h100-sxm", Volume: vol, Offer: "on-demand", Format: Text}),
	} {
		if err == nil || !errors.Is(err, ErrQuote) {
			t.Errorf("%s --gpu h100-sxm on an A100's run: %v; want an input error", name, err)
			continue
		}
		for _, w := range []string{"h100-sxm", "a100-80gb", "runs/d-a100"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q; want it to name %s", name, err, w)
			}
		}
	}
	for name, err := range map[string]error{
		"cost as seen":      RunCost(io.Discard, CostOptions{RunDir: "r", Runs: a100, GPU: "a100-80gb", Format: Text}),
		"crossover as seen": RunCrossover(io.Discard, CrossoverOptions{RunDir: "r", Runs: a100, GPU: "a100-80gb", Volume: vol, Offer: "on-demand", Format: Text}),
	} {
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	off := a100
	off.GPU = func(string) (string, []string) { return "", nil }
	for name, err := range map[string]error{
		"cost no telemetry":      RunCost(io.Discard, CostOptions{RunDir: "r", Runs: off, GPU: "h100-sxm", Format: Text}),
		"crossover no telemetry": RunCrossover(io.Discard, CrossoverOptions{RunDir: "r", Runs: off, GPU: "h100-sxm", Volume: vol, Offer: "on-demand", Format: Text}),
	} {
		if err != nil {
			t.Errorf("%s: %v; want it priced as stated", name, err)
		}
	}
}

// crossover --run on a run that names no GPU (telemetry off, none stated)
// is refused and asks for --gpu, as report refuses to price it: it priced
// the run as an A100 by default (a note), 2x off for an H100's run.
func TestCrossoverRunWithNoGPUAsksForIt(t *testing.T) {
	runs := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 32, WindowS: 10, Basis: "capacity at SLO", Throughput: Throughput{OutputTokensPerS: 1000, TotalTokensPerS: 5000, RequestsPerS: 8}}, nil
		},
		GPU: func(string) (string, []string) { return "", nil },
	}
	err := RunCrossover(io.Discard, CrossoverOptions{RunDir: "runs/q-h100", Runs: runs, Volume: Volume{TokensPerDay: 1e8, APIModel: DefaultAPIModel}, Offer: "on-demand", Format: Text})
	if err == nil || !errors.Is(err, ErrQuote) || !strings.Contains(err.Error(), "--gpu") || !strings.Contains(err.Error(), "runs/q-h100") {
		t.Errorf("crossover --run with no GPU known: %v; want an input error asking for --gpu", err)
	}
	// --gpu-month-usd prices the month itself: no GPU needed.
	if err := RunCrossover(io.Discard, CrossoverOptions{RunDir: "r", Runs: runs, GPUMonthUSD: 2000, Volume: Volume{TokensPerDay: 1e8, APIModel: DefaultAPIModel}, Format: Text}); err != nil {
		t.Errorf("--gpu-month-usd with a run naming no GPU: %v", err)
	}
}
