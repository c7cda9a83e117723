package cost

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
)

func TestCrossoverSeedExample(t *testing.T) {
	// The seed: 10M tokens/day over a 730-h month (30.42 days) = 304.2M;
	// at $15 per 1M that is $4,562.50/month; one A100 80GB at
	// $1,800–2,200/month handles it (here $2,000).
	x, err := ComputeCrossover(CrossoverInput{TokensPerDay: 10e6, APIUSDPer1M: 15, GPUMonthUSD: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if !near(x.MonthlyTokens, 10e6*730/24, 1e-6) || !near(x.APIMonthlyUSD, 4562.5, 1e-9) || x.SelfHostedMonthlyUSD != 2000 || x.GPUsNeeded != 1 || x.Cheaper != "self-hosted" {
		t.Errorf("crossover = %+v; want 304.2M tokens, $4,562.50 API, $2,000 self-hosted, 1 GPU, self-hosted cheaper", x)
	}
	// Break-even: 2,000 / 15e-6 = 133.33M tokens/month = 4.384M/day.
	if x.CrossoverTokensPerDay == nil || !near(*x.CrossoverTokensPerDay, 2000/15e-6/(730.0/24), 1e-3) {
		t.Errorf("crossover_tokens_per_day = %v; want %v", x.CrossoverTokensPerDay, 2000/15e-6/(730.0/24))
	}
	if x.BreakEvenUtilization != nil || x.CapacityTokensPerS != nil {
		t.Error("break-even utilization and capacity must be null without a measured capacity")
	}
}

func TestCrossoverWithCapacity(t *testing.T) {
	// A 2-GPU replica serves 1,000 tok/s = 86.4M a day = 2.628e9 a month
	// (730 h). 200M tokens/day needs ceil(200/86.4) = 3 replicas = 6 GPUs
	// at $1,500 + $4,000 ops = $13,000; the API at $4/1M: 6.083e9
	// tokens/month → $24,333.
	x, err := ComputeCrossover(CrossoverInput{TokensPerDay: 200e6, APIUSDPer1M: 4, GPUMonthUSD: 1500, OpsMonthUSD: 4000, CapacityTokensPerS: 1000, GPUsPerReplica: 2})
	if err != nil {
		t.Fatal(err)
	}
	const month = 200e6 * 730 / 24 // tokens
	if x.Replicas != 3 || x.GPUsNeeded != 6 || x.SelfHostedMonthlyUSD != 13000 || !near(x.APIMonthlyUSD, month/1e6*4, 1e-9) || x.Cheaper != "self-hosted" {
		t.Errorf("crossover = %+v; want 3 replicas, 6 GPUs, $13,000 vs $24,333", x)
	}
	if x.Utilization == nil || !near(*x.Utilization, month/(3*2.628e9), 1e-12) {
		t.Errorf("utilization = %v; want %v", x.Utilization, month/(3*2.628e9))
	}
	// Replica R = $3,000, p·C = 4e-6 × 2.628e9 = $10,512, margin 7,512; O = 4,000 → k* = 1;
	// first = 7,000 / 4e-6 = 1.75e9 tokens/month = 57.53M/day at 1.75e9/2.628e9 = 66.6 % busy.
	if x.CrossoverTokensPerDay == nil || !near(*x.CrossoverTokensPerDay, 1.75e9/(730.0/24), 1e-3) ||
		x.BreakEvenUtilization == nil || !near(*x.BreakEvenUtilization, 1.75e9/2.628e9, 1e-12) {
		t.Errorf("crossover %v at utilization %v; want %v at %v", x.CrossoverTokensPerDay, x.BreakEvenUtilization, 1.75e9/(730.0/24), 1.75e9/2.628e9)
	}
}

// TestCostAndCrossoverAgree: a replica's month of GPU time and its month of
// tokens are one month, so the API price at which crossover starts to find a
// crossover is cost's $ per 1M total tokens for the same capacity and GPU
// price, at every price: just below it self-hosting never pays, just above
// it does. Before, the tokens were counted over 30 days and the GPUs over
// 730 h: cost priced a run at $0.269 per 1M total and crossover, given an
// API at $0.27, said self-hosting never pays.
func TestCostAndCrossoverAgree(t *testing.T) {
	for _, c := range []struct {
		capacity, usdPerGPUHour float64
		gpus                    int
	}{{3528.887, 3.4309, 1}, {3600, 3.4309, 1}, {37161, 2.69, 1}, {1000, 6.88, 8}, {12.5, 0.39, 2}, {1e6, 98.32, 4}} {
		costs, err := Evaluate(Throughput{OutputTokensPerS: c.capacity / 5, TotalTokensPerS: c.capacity}, c.gpus, Price{USDPerGPUHour: c.usdPerGPUHour}, nil)
		if err != nil {
			t.Fatal(err)
		}
		perM := costs.USDPer1MTotalTokens
		for _, tt := range []struct {
			price float64
			pays  bool
		}{{perM * (1 - 1e-9), false}, {perM * (1 + 1e-9), true}} {
			x, err := ComputeCrossover(CrossoverInput{TokensPerDay: 1e6, APIUSDPer1M: tt.price, GPUMonthUSD: c.usdPerGPUHour * HoursPerMonth,
				CapacityTokensPerS: c.capacity, GPUsPerReplica: c.gpus})
			if err != nil {
				t.Fatal(err)
			}
			if pays := x.CrossoverTokensPerDay != nil; pays != tt.pays {
				t.Errorf("%v tok/s on %d GPUs at $%v/GPU-hour: cost says $%.9g per 1M total; crossover at API $%.9g found a crossover: %v, want %v (%q)",
					c.capacity, c.gpus, c.usdPerGPUHour, perM, tt.price, pays, tt.pays, x.Notes)
			}
		}
	}
}

func TestCrossoverNever(t *testing.T) {
	// 10 tok/s = 25.92M tokens a month, worth $25.92 at $1/1M, against a $2,000 GPU.
	x, err := ComputeCrossover(CrossoverInput{TokensPerDay: 1e6, APIUSDPer1M: 1, GPUMonthUSD: 2000, CapacityTokensPerS: 10})
	if err != nil {
		t.Fatal(err)
	}
	if x.CrossoverTokensPerDay != nil || x.AlwaysCheaperAboveTokensPerDay != nil || x.Cheaper != "api" {
		t.Errorf("crossover = %+v; want none and the API cheaper", x)
	}
}

func TestCrossoverRejectsBadInput(t *testing.T) {
	for _, in := range []CrossoverInput{
		{TokensPerDay: 1, APIUSDPer1M: 0, GPUMonthUSD: 1},
		{TokensPerDay: 1, APIUSDPer1M: 1, GPUMonthUSD: 0},
		{TokensPerDay: -1, APIUSDPer1M: 1, GPUMonthUSD: 1},
		{TokensPerDay: 1, APIUSDPer1M: 1, GPUMonthUSD: 1, OpsMonthUSD: -1},
	} {
		if _, err := ComputeCrossover(in); err == nil {
			t.Errorf("ComputeCrossover(%+v) succeeded; want an error", in)
		}
	}
}

// TestCostAndCrossoverCommandsAgree: the same, through the commands: a
// run's cost on a catalog offer (cost --run --offer, JSON) and crossover on
// that run and offer at the API price just below and just above its $ per
// 1M total tokens.
func TestCostAndCrossoverCommandsAgree(t *testing.T) {
	runs := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 8, WindowS: 10, Basis: "highest-throughput level 8",
				Throughput: Throughput{OutputTokensPerS: 705.777, TotalTokensPerS: 3528.887, RequestsPerS: 22}}, nil
		},
		GPU: func(string) (string, []string) { return "a100-80gb", nil },
	}
	var js strings.Builder
	if err := RunCost(&js, CostOptions{RunDir: "r", Runs: runs, Offer: "aws-p4de-od", Format: JSON}); err != nil {
		t.Fatal(err)
	}
	var q Quote
	if err := json.Unmarshal([]byte(js.String()), &q); err != nil || len(q.Rows) != 1 {
		t.Fatalf("cost --format json: %v, %d rows:\n%s", err, len(q.Rows), js.String())
	}
	perM := q.Rows[0].USDPer1MTotalTokens
	for _, tt := range []struct {
		price float64
		pays  bool
	}{{perM * (1 - 1e-9), false}, {perM * (1 + 1e-9), true}} {
		var b strings.Builder
		if err := RunCrossover(&b, CrossoverOptions{RunDir: "r", Runs: runs, Offer: "aws-p4de-od", Format: JSON,
			Volume: Volume{TokensPerDay: 3e8, APIPricePerM: tt.price}}); err != nil {
			t.Fatal(err)
		}
		var x Crossover
		if err := json.Unmarshal([]byte(b.String()), &x); err != nil {
			t.Fatal(err)
		}
		if pays := x.CrossoverTokensPerDay != nil; pays != tt.pays {
			t.Errorf("cost says $%.9g per 1M total; crossover at $%.9g found a crossover: %v, want %v:\n%s", perM, tt.price, pays, tt.pays, b.String())
		}
	}
}

// TestSimulatedRunsSaySo: every output of cost and crossover priced from a
// simulated run (RunLevel.Simulated) says so, in every format: text and
// Markdown tables carry SIMULATED in the title and lead their notes with
// SimulatedNote, JSON says "simulated": true; a measured run's do not.
// Before, cost --usd-per-gpu-hour dropped the mark in all three formats.
func TestSimulatedRunsSaySo(t *testing.T) {
	for _, sim := range []bool{false, true} {
		runs := RunReader{
			Level: func(string) (RunLevel, error) {
				return RunLevel{Level: 8, WindowS: 10, Basis: "capacity at SLO (level 8)", Simulated: sim,
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
			"cost --offer": func(w io.Writer, f Format) error {
				return RunCost(w, CostOptions{RunDir: "r", Runs: runs, Offer: "on-demand", Format: f})
			},
			"crossover": func(w io.Writer, f Format) error {
				return RunCrossover(w, CrossoverOptions{RunDir: "r", Runs: runs, Volume: vol, Offer: "on-demand", Format: f})
			},
			"crossover --gpu-month-usd": func(w io.Writer, f Format) error {
				return RunCrossover(w, CrossoverOptions{RunDir: "r", Runs: runs, Volume: vol, GPUMonthUSD: 2000, Format: f})
			},
		}
		for name, run := range paths {
			for _, f := range []Format{Text, Markdown, JSON} {
				var b strings.Builder
				if err := run(&b, f); err != nil {
					t.Fatalf("%s --format %s: %v", name, f, err)
				}
				out := b.String()
				marked := strings.Contains(out, `"simulated": true`)
				if f != JSON {
					note := "note: " + SimulatedNote
					if f == Markdown {
						note = SimulatedNote
					}
					marked = strings.Contains(out, "— SIMULATED") && strings.Contains(out, note)
				}
				if marked != sim || (!sim && strings.Contains(out, "SIMULATED")) {
					t.Errorf("%s --format %s, simulated %v: output marked %v:\n%s", name, f, sim, marked, out)
				}
			}
		}
	}
}

// TestCrossoverSaysWhenTheMixIsNotTheRuns: with --run the GPUs are sized
// by the run's capacity in total tokens/s of its own workload; an
// --input-share that differs from the run's measured mix prices the API
// at another workload, which the GPUs' capacity was not measured on (a
// decode-heavy mix serves fewer tokens/s). The crossover says so; before,
// only the API note named the share, and `--input-share 0.2` against a run
// measured at 67 % input read as a like-for-like comparison.
func TestCrossoverSaysWhenTheMixIsNotTheRuns(t *testing.T) {
	runs := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 8, WindowS: 10, Basis: "capacity at SLO (level 8)",
				Throughput: Throughput{OutputTokensPerS: 1000, TotalTokensPerS: 3000, RequestsPerS: 4}}, nil
		},
		GPU: func(string) (string, []string) { return "h100-sxm", nil },
	}
	const warn = "the GPUs' capacity was measured at 67 % input tokens (r); the API is priced at 20 % (--input-share)"
	for share, want := range map[float64]bool{0: false, 0.2: true, 0.667: false} {
		var b strings.Builder
		if err := RunCrossover(&b, CrossoverOptions{RunDir: "r", Runs: runs, Volume: Volume{TokensPerDay: 1e8, APIModel: "openai/gpt-4o", InputShare: share}, Offer: "on-demand"}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), "the GPUs' capacity was measured at"); got != want || (want && !strings.Contains(b.String(), warn)) {
			t.Errorf("--input-share %v: warned %v, want %v (%q):\n%s", share, got, want, warn, b.String())
		}
	}
}
