package cost

import (
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
)

func TestCrossoverSeedExample(t *testing.T) {
	// The seed: 10M tokens/day = 300M/month; at $15 per 1M that is $4,500/month;
	// one A100 80GB at $1,800–2,200/month handles it (here $2,000).
	x, err := ComputeCrossover(CrossoverInput{TokensPerDay: 10e6, APIUSDPer1M: 15, GPUMonthUSD: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if x.MonthlyTokens != 300e6 || x.APIMonthlyUSD != 4500 || x.SelfHostedMonthlyUSD != 2000 || x.GPUsNeeded != 1 || x.Cheaper != "self-hosted" {
		t.Errorf("crossover = %+v; want 300M tokens, $4,500 API, $2,000 self-hosted, 1 GPU, self-hosted cheaper", x)
	}
	// Break-even: 2,000 / 15e-6 = 133.33M tokens/month = 4.444M/day.
	if x.CrossoverTokensPerDay == nil || !near(*x.CrossoverTokensPerDay, 2000/15e-6/30, 1e-3) {
		t.Errorf("crossover_tokens_per_day = %v; want %v", x.CrossoverTokensPerDay, 2000/15e-6/30)
	}
	if x.BreakEvenUtilization != nil || x.CapacityTokensPerS != nil {
		t.Error("break-even utilization and capacity must be null without a measured capacity")
	}
}

func TestCrossoverWithCapacity(t *testing.T) {
	// A 2-GPU replica serves 1,000 tok/s = 86.4M a day = 2.592e9 a month.
	// 200M tokens/day needs ceil(200/86.4) = 3 replicas = 6 GPUs at $1,500 + $4,000 ops = $13,000;
	// the API at $4/1M: 6e9 tokens/month → $24,000.
	x, err := ComputeCrossover(CrossoverInput{TokensPerDay: 200e6, APIUSDPer1M: 4, GPUMonthUSD: 1500, OpsMonthUSD: 4000, CapacityTokensPerS: 1000, GPUsPerReplica: 2})
	if err != nil {
		t.Fatal(err)
	}
	if x.Replicas != 3 || x.GPUsNeeded != 6 || x.SelfHostedMonthlyUSD != 13000 || x.APIMonthlyUSD != 24000 || x.Cheaper != "self-hosted" {
		t.Errorf("crossover = %+v; want 3 replicas, 6 GPUs, $13,000 vs $24,000", x)
	}
	if x.Utilization == nil || !near(*x.Utilization, 6e9/(3*2.592e9), 1e-12) {
		t.Errorf("utilization = %v; want %v", x.Utilization, 6e9/(3*2.592e9))
	}
	// Replica R = $3,000, p·C = 4e-6 × 2.592e9 = $10,368, margin 7,368; O = 4,000 → k* = 1;
	// first = 7,000 / 4e-6 = 1.75e9 tokens/month = 58.33M/day at 1.75e9/2.592e9 = 67.5 % busy.
	if x.CrossoverTokensPerDay == nil || !near(*x.CrossoverTokensPerDay, 1.75e9/30, 1e-3) ||
		x.BreakEvenUtilization == nil || !near(*x.BreakEvenUtilization, 1.75e9/2.592e9, 1e-12) {
		t.Errorf("crossover %v at utilization %v; want %v at %v", x.CrossoverTokensPerDay, x.BreakEvenUtilization, 1.75e9/30, 1.75e9/2.592e9)
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
	const warn = "the GPUs' capacity was measured at 66.67 % input tokens (r); the API is priced at 20 % (--input-share)"
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

// TestCrossoverSaysWhyNeverWhereCostIsCheaper: the seed's 30-day volume
// month against the 730-h GPU month makes a replica always busy cost 730/720
// of cost's hourly $/1M in the crossover. An API price between the two
// finds no crossover though cost lists self-hosting as the cheaper; the note
// says so, with both prices (a tester read it as the commands
// contradicting each other). Just above the monthly price a crossover is
// found; below the hourly price the note has no such words.
func TestCrossoverSaysWhyNeverWhereCostIsCheaper(t *testing.T) {
	const gpuHour, capacity = 3.4309, 34517.34
	hourly := USDPer1MTokens(gpuHour, capacity)
	monthly := hourly * HoursPerMonth / (24 * DaysPerMonth)
	in := CrossoverInput{TokensPerDay: 3e8, GPUMonthUSD: gpuHour * HoursPerMonth, CapacityTokensPerS: capacity, GPUsPerReplica: 1}
	for _, tt := range []struct {
		price       float64
		found, told bool
	}{{hourly * 0.99, false, false}, {hourly * 1.005, false, true}, {monthly * 1.001, true, false}} {
		in.APIUSDPer1M = tt.price
		x, err := ComputeCrossover(in)
		if err != nil {
			t.Fatal(err)
		}
		notes := strings.Join(x.Notes, "\n")
		told := strings.Contains(notes, "its hourly price; over a 730-h GPU month and the seed's 30-day volume month it is") && strings.Contains(notes, "1.4 % more")
		if (x.CrossoverTokensPerDay != nil) != tt.found || told != tt.told {
			t.Errorf("API at %.5f (hourly %.5f, monthly %.5f): crossover found %v, told %v; want %v, %v\n%s",
				tt.price, hourly, monthly, x.CrossoverTokensPerDay != nil, told, tt.found, tt.told, notes)
		}
	}
}

// TestOwnedGPUMonthSaysItsDraw: crossover's GPU month of an owned offer
// holds the box's electricity, which the note gave only as a total
// ("$1.616/GPU-hour"): priced at the GPU's TDP, 700 W always on, not the
// 529 W cost --run measured on the same run, and nothing said so. The note
// names the capital and the electricity, the draw and where it came from,
// and the parts add up to the hour. An offer that states its own draw
// says that instead; a rented offer has no electricity of its own.
func TestOwnedGPUMonthSaysItsDraw(t *testing.T) {
	c := mustLoad(t, "")
	m, err := c.MonthOf("h100-sxm", OfferAsked{Offer: "owned"})
	if err != nil {
		t.Fatal(err)
	}
	var hour, capital, energy float64
	i := strings.Index(m.Note, " at $")
	if i < 0 {
		t.Fatalf("note %q", m.Note)
	}
	if _, err := fmt.Sscanf(m.Note[i:], " at $%f/GPU-hour × 730 h: $%f capital + $%f electricity", &hour, &capital, &energy); err != nil {
		t.Fatalf("note %q: %v", m.Note, err)
	}
	if !strings.Contains(m.Note, "(700 W, the GPU's TDP: an upper estimate, TDP is not draw; × PUE 1.58 at $0.1282/kWh)") {
		t.Errorf("note %q does not say the draw is the TDP", m.Note)
	}
	if math.Abs(capital+energy-hour) > 0.0005 || math.Abs(hour*730-m.USD) > 0.5 {
		t.Errorf("%v capital + %v electricity, %v an hour, $%v a month: the parts do not add up", capital, energy, hour, m.USD)
	}
	c = mustLoad(t, "gpus:\n  - id: h100-sxm\n    offers:\n      - id: owned-8x\n        watts_per_gpu: 550\n")
	if m, err := c.MonthOf("h100-sxm", OfferAsked{Offer: "owned"}); err != nil || !strings.Contains(m.Note, "(the offer's 550 W; × PUE") {
		t.Errorf("an offer's own draw: %q, %v", m.Note, err)
	}
	if m, err := c.MonthOf("h100-sxm", OfferAsked{Offer: "on-demand"}); err != nil || strings.Contains(m.Note, "electricity") {
		t.Errorf("a rented GPU's month: %q, %v", m.Note, err)
	}
}
