package cost

import (
	"io"
	"strings"
	"testing"
)

// TestIncompleteRunsSaySo: cost and crossover priced from a run that did
// not complete (RunLevel.Incomplete: interrupted, or a merge of a shard
// that was) say so beside the price, in every format, as the report's
// note does; before, they priced it without a word (a merge of two shards,
// one interrupted, read 522.7 tok/s, neither both shards' 780 nor one's 390,
// and cost --run priced it at $3.656/1M).
func TestIncompleteRunsSaySo(t *testing.T) {
	const words = "r did not complete (exit state interrupted: interrupted by signal): its numbers cover only the requests made before it stopped"
	for _, incomplete := range []string{"", words} {
		runs := RunReader{
			Level: func(string) (RunLevel, error) {
				return RunLevel{Level: 8, WindowS: 10, Basis: "capacity at SLO (level 8)", Incomplete: incomplete,
					Throughput: Throughput{OutputTokensPerS: 1000, TotalTokensPerS: 3000, RequestsPerS: 4}}, nil
			},
			GPU: func(string) (string, []string) { return "h100-sxm", nil },
		}
		vol := Volume{TokensPerDay: 1e8, APIModel: "openai/gpt-4o"}
		paths := map[string]func(io.Writer, Format) error{
			"cost": func(w io.Writer, f Format) error { return RunCost(w, CostOptions{RunDir: "r", Runs: runs, Format: f}) },
			"cost --usd-per-gpu-hour": func(w io.Writer, f Format) error {
				return RunCost(w, CostOptions{RunDir: "r", Runs: runs, USDPerGPUHour: 2, Format: f})
			},
			"crossover": func(w io.Writer, f Format) error {
				return RunCrossover(w, CrossoverOptions{RunDir: "r", Runs: runs, Volume: vol, Offer: "on-demand", Format: f})
			},
		}
		for name, run := range paths {
			for _, f := range []Format{Text, Markdown, JSON} {
				var b strings.Builder
				if err := run(&b, f); err != nil {
					t.Fatalf("%s --format %s: %v", name, f, err)
				}
				said := strings.Contains(b.String(), "did not complete")
				if f == JSON {
					said = strings.Contains(b.String(), `"incomplete": "r did not complete`)
				}
				if said != (incomplete != "") {
					t.Errorf("%s --format %s, incomplete %q: said %v:\n%s", name, f, incomplete, said, b.String())
				}
			}
		}
	}
}
