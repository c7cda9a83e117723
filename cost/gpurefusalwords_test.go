package cost

import (
	"io"
	"strings"
	"testing"
)

// cost and crossover refuse a --gpu its run's telemetry contradicts in
// the words run warns with (ResolveRunGPU: "… is not the one telemetry saw
// (a100-80gb, "NVIDIA A100-SXM4-80GB"): priced as stated"), one string:
// the refusal was a second copy, reworded ("telemetry saw in DIR (…)"),
// that any change to one left behind.
func TestStatedGPURefusalSaysWhatRunWarns(t *testing.T) {
	seen := []string{"NVIDIA A100-SXM4-80GB"}
	r, err := mustLoad(t, "").ResolveRunGPU("h100-sxm", seen)
	if err != nil || r == nil || !strings.HasSuffix(r.Warning, ": priced as stated") {
		t.Fatalf("ResolveRunGPU: %+v, %v; want a warning, priced as stated", r, err)
	}
	words := strings.TrimSuffix(r.Warning, ": priced as stated")
	runs := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 32, WindowS: 10, Basis: "capacity at SLO", Throughput: Throughput{OutputTokensPerS: 1000, TotalTokensPerS: 5000, RequestsPerS: 8}}, nil
		},
		GPU: func(string) (string, []string) { return "", seen },
	}
	for name, err := range map[string]error{
		"cost":      RunCost(io.Discard, CostOptions{RunDir: "runs/d-a100", Runs: runs, GPU: "h100-sxm", Format: Text}),
		"crossover": RunCrossover(io.Discard, CrossoverOptions{RunDir: "runs/d-a100", Runs: runs, GPU: "h100-sxm", Volume: Volume{TokensPerDay: 1e8, APIModel: DefaultAPIModel}, Format: Text}),
	} {
		if err == nil || !strings.Contains(err.Error(), words) || !strings.Contains(err.Error(), "runs/d-a100") || !strings.Contains(err.Error(), "--gpu h100-sxm") {
			t.Errorf("%s: %v; want --gpu h100-sxm, runs/d-a100 and run's words %q", name, err, words)
		}
	}
}
