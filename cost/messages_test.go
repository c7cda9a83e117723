package cost

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMessagesNameTheFlagAndTheWayOut: a refusal names the flag it is about
// and, where the catalog cannot answer, what to pass instead. Before, a
// negative volume was "volumes must not be negative" whichever flag it
// was; a catalog GPU without offers was `has no offer "on-demand" (offers:
// )` in crossover and "no catalog offer matches --gpu" in cost; "h100-sxm
// x2" was `unknown gpu "h100-sxm "`; and h100-sxmx999999 was a GPU count.
func TestMessagesNameTheFlagAndTheWayOut(t *testing.T) {
	// A GPU the catalog knows without a price: every shipped GPU has one
	// now (the L40S, used here before, got CoreWeave's in 2026-12), so a
	// prices file adds one without offers.
	const noOffers = "gpus:\n  - id: test-gpu\n    name: GPU without offers\n    memory_gb: 48\n    memory_mib: 45459\n    bandwidth_gb_per_s: 864\n    tdp_w: 350\n    source: test\n    date: \"2026\"\n"
	prices := filepath.Join(t.TempDir(), "prices.yaml")
	if err := os.WriteFile(prices, []byte(noOffers), 0o644); err != nil {
		t.Fatal(err)
	}
	c := mustLoad(t, noOffers)
	noOffersRun := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 8, WindowS: 10, Basis: "capacity at SLO (level 8)", Throughput: Throughput{OutputTokensPerS: 1000, TotalTokensPerS: 3000}}, nil
		},
		GPU: func(string) (string, []string) { return "test-gpu", nil },
	}
	errOf := func(err error) error { return err }
	third := func(_ any, _ int, err error) error { return err }
	vol := Volume{TokensPerDay: 1e6, APIPricePerM: 1}
	for _, tt := range []struct {
		name string
		err  error
		want []string
		not  string
	}{
		{"tokens per day", second(DailyTokens(-1, 0, 0)), []string{"--tokens-per-day must be a positive number, got -1"}, ""},
		{"requests per day", second(DailyTokens(0, -5, 100)), []string{"--requests-per-day must be a positive number, got -5"}, ""},
		{"tokens per request", second(DailyTokens(0, 5, -100)), []string{"--tokens-per-request must be a positive number, got -100"}, ""},
		{"advise", errOf(RunAdvise(io.Discard, AdviseOptions{Volume: Volume{RequestsPerDay: -5, TokensPerRequest: 100, APIPricePerM: 1}})),
			[]string{"--requests-per-day must be a positive number, got -5"}, ""},
		{"crossover --gpu test-gpu", errOf(RunCrossover(io.Discard, CrossoverOptions{Volume: vol, Prices: prices, GPU: "test-gpu", Offer: "on-demand"})),
			[]string{"gpu test-gpu has no offers in the catalog", "pass --gpu-month-usd", "--prices"}, "(offers: )"},
		{"crossover, run on test-gpu", errOf(RunCrossover(io.Discard, CrossoverOptions{Volume: vol, Prices: prices, RunDir: "r", Runs: noOffersRun, Offer: "on-demand"})),
			[]string{"gpu test-gpu has no offers in the catalog", "pass --gpu-month-usd"}, "(offers: )"},
		{"cost --gpu test-gpu", errOf(RunCost(io.Discard, CostOptions{Prices: prices, GPU: "test-gpu", OutputTPS: 100})),
			[]string{"--gpu test-gpu has no offers in the catalog", "pass --usd-per-gpu-hour instead of --gpu", "--prices"}, "no catalog offer matches"},
		{"cost --gpu test-gpu --offer spot", errOf(RunCost(io.Discard, CostOptions{Prices: prices, GPU: "test-gpu", Offer: "spot", OutputTPS: 100})),
			[]string{"--gpu test-gpu has no offers in the catalog"}, "(offers: )"},
		{"cost, run on test-gpu", errOf(RunCost(io.Discard, CostOptions{Prices: prices, RunDir: "r", Runs: noOffersRun})),
			[]string{"the run's GPU, test-gpu (run.json, stated by the user), has no offers in the catalog", "--usd-per-gpu-hour"}, ""},
		{"offer of a GPU without offers", third(nil, 0, errOf(func() error { g, _ := c.GPU("test-gpu"); _, err := g.Offer("spot"); return err }())),
			[]string{"gpu test-gpu has no offers in the catalog"}, "(offers: )"},
		{"a space", third(c.ParseGPUSpec("h100-sxm x2")), []string{`"h100-sxm x2" has a space`, "ID or IDxN", "did you mean h100-sxmx2?"}, `"h100-sxm "`},
		{"a space, not IDxN", third(c.ParseGPUSpec("h100 sxm")), []string{`unknown gpu "h100 sxm", did you mean h100-sxm?`, "ID or IDxN", "with no space"}, ""},
		{"a space and a typo", third(c.ParseGPUSpec("h100-sxn x2")), []string{`unknown gpu "h100-sxn x2"`, "ID or IDxN", "with no space"}, `"h100-sxn "`},
		{"a count too large", third(c.ParseGPUSpec("h100-sxmx999999")), []string{`"h100-sxmx999999" counts 999999 GPUs: N in IDxN is 1 to 4096`}, ""},
		{"a count past int", third(c.ParseGPUSpec("h100-sxmx99999999999999999999")), []string{"N in IDxN is 1 to 4096"}, ""},
		{"no GPU", third(c.ParseGPUSpec("h100-sxmx0")), []string{`counts 0 GPUs: N in IDxN is 1 to 4096`}, ""},
		{"unknown id", third(c.ParseGPUSpec("h100-sxnx2")), []string{`unknown gpu "h100-sxn", did you mean h100-sxm?`, "ID or IDxN"}, ""},
	} {
		if tt.err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		msg := tt.err.Error()
		for _, w := range tt.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: %q; want %q in it", tt.name, msg, w)
			}
		}
		if tt.not != "" && strings.Contains(msg, tt.not) {
			t.Errorf("%s: %q; want no %q", tt.name, msg, tt.not)
		}
	}
	for spec, n := range map[string]int{"h100-sxmx4096": 4096, "h100-sxmx1": 1, "mi300x": 1, "mi300xx8": 8} {
		if _, got, err := c.ParseGPUSpec(spec); err != nil || got != n {
			t.Errorf("ParseGPUSpec(%q) = %d, %v; want %d", spec, got, err, n)
		}
	}
}

// TestEnergyWindowNeedsEnergy: --energy-window-s prices the energy measured
// over it and means nothing alone; it was ignored (and with --run it
// dropped the run's own reading, whose window it no longer matched).
func TestEnergyWindowNeedsEnergy(t *testing.T) {
	run := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 8, WindowS: 10, EnergyJ: 7000, Basis: "capacity at SLO (level 8)", Throughput: Throughput{OutputTokensPerS: 1000, TotalTokensPerS: 3000}}, nil
		},
		GPU: func(string) (string, []string) { return "h100-sxm", nil },
	}
	for name, o := range map[string]CostOptions{
		"given throughput": {GPU: "h100-sxm", OutputTPS: 100, EnergyWindowS: 60},
		"run":              {RunDir: "r", Runs: run, EnergyWindowS: 60},
	} {
		err := RunCost(io.Discard, o)
		if err == nil || err.Error() != "--energy-window-s needs --energy-joules (the energy measured over that window)" {
			t.Errorf("%s: --energy-window-s alone = %v; want it refused", name, err)
		}
	}
	if err := RunCost(io.Discard, CostOptions{GPU: "h100-sxm", OutputTPS: 100, EnergyJ: 7000}); err == nil || !strings.Contains(err.Error(), "--energy-joules needs --energy-window-s") {
		t.Errorf("--energy-joules alone = %v; want it to ask for --energy-window-s", err)
	}
	if err := RunCost(io.Discard, CostOptions{GPU: "h100-sxm", OutputTPS: 100, EnergyJ: 7000, EnergyWindowS: 60}); err != nil {
		t.Errorf("--energy-joules with --energy-window-s: %v", err)
	}
	// A whole GPU-hour price has no electricity for the joules to price:
	// they were ignored without a word. A run's own reading is no flag.
	if err := RunCost(io.Discard, CostOptions{USDPerGPUHour: 2, OutputTPS: 100, EnergyJ: 7000, EnergyWindowS: 60}); err == nil || !strings.Contains(err.Error(), "--energy-joules prices an owned offer's electricity") {
		t.Errorf("--energy-joules with --usd-per-gpu-hour = %v; want it refused", err)
	}
	if err := RunCost(io.Discard, CostOptions{USDPerGPUHour: 2, RunDir: "r", Runs: run}); err != nil {
		t.Errorf("--usd-per-gpu-hour on a run with an energy reading: %v", err)
	}
}

// TestNegativeSaysWhatZeroSays: a flag whose 0 the command line refuses as
// "must be a positive number, got 0" (cmd's positiveWhenGiven) says the
// same of a negative value: --gpus -1 was "must be at least 1", --gpus 0
// "must be a positive number".
func TestNegativeSaysWhatZeroSays(t *testing.T) {
	vol := Volume{TokensPerDay: 1e6, APIPricePerM: 1}
	for flag, err := range map[string]error{
		"--gpus":              RunCost(io.Discard, CostOptions{GPU: "h100-sxm", OutputTPS: 100, GPUs: -1}),
		"--gpus ":             RunCrossover(io.Discard, CrossoverOptions{Volume: vol, GPUs: -1}),
		"--usd-per-gpu-hour":  RunCost(io.Discard, CostOptions{OutputTPS: 100, USDPerGPUHour: -1}),
		"--energy-joules":     RunCost(io.Discard, CostOptions{GPU: "h100-sxm", OutputTPS: 100, EnergyJ: -1, EnergyWindowS: 1}),
		"--energy-window-s":   RunCost(io.Discard, CostOptions{GPU: "h100-sxm", OutputTPS: 100, EnergyJ: 1, EnergyWindowS: -1}),
		"--gpu-month-usd":     RunCrossover(io.Discard, CrossoverOptions{Volume: vol, GPUMonthUSD: -1}),
		"--api-price-per-m":   RunCrossover(io.Discard, CrossoverOptions{Volume: Volume{TokensPerDay: 1e6, APIPricePerM: -1}}),
		"--monthly-api-spend": RunAdvise(io.Discard, AdviseOptions{MonthlyAPISpend: -1}),
	} {
		want := strings.TrimSpace(flag) + " must be a positive number, got -1"
		if err == nil || err.Error() != want {
			t.Errorf("%s -1: %v; want %q", flag, err, want)
		}
	}
}

// TestPricesFileMistakesAreTheUsers: a prices file's mistake is one line,
// in the user's file. An override whose id is mistyped reads as a new entry
// with every required field missing: it is one line that names the id
// meant (it was five "required" and "got 0" lines); a new entry given in
// full is still added. A value that contradicts one of the shipped catalog
// is said at the user's value (a negative input price was said twice, once
// at cost/catalog/apis.yaml, a file the user never touched).
func TestPricesFileMistakesAreTheUsers(t *testing.T) {
	for _, tt := range []struct {
		name, prices, at, msg string
	}{
		{"a mistyped gpu", `gpus:
  - id: h100-sx
    offers:
      - id: my-deal
        kind: on-demand
        provider: me
        usd_per_gpu_hour: 1.5
        source: quote
        date: "2026-12"
`, "2:5", `gpus.h100-sx: no gpu "h100-sx" to override, did you mean h100-sxm? (a new gpu needs source, date, memory_gb, memory_mib, bandwidth_gb_per_s, tdp_w)`},
		{"a mistyped offer", `gpus:
  - id: h100-sxm
    offers:
      - id: aws-p5-o
        usd_per_gpu_hour: 5
`, "4:9", `gpus.h100-sxm.offers.aws-p5-o: no offer "aws-p5-o" to override, did you mean aws-p5-od? (a new offer needs source, date, kind)`},
		{"a mistyped api", `apis:
  - id: openai/gpt4o
    usd_per_1m_input: 1
`, "2:5", `no api model "openai/gpt4o" to override, did you mean openai/gpt-4o?`},
		{"a new gpu, not given in full", `gpus:
  - id: tpu-v9
    memory_gb: 192
`, "2:5", `gpus.tpu-v9: a new gpu (no gpu "tpu-v9" to override) needs source, date, memory_mib, bandwidth_gb_per_s, tdp_w`},
		{"a negative input price", `apis:
  - id: openai/gpt-4o
    usd_per_1m_input: -1
`, "3:23", "apis.openai/gpt-4o.usd_per_1m_input: usd_per_1m_input must not be negative, got -1"},
		{"an input price under the shipped cached price", `apis:
  - id: openai/gpt-4o
    usd_per_1m_input: 1
`, "3:23", "apis.openai/gpt-4o.usd_per_1m_input: a cached input token (1.25 per 1M) must not cost more than an input token (1)"},
		{"a price on a derived offer", `gpus:
  - id: h100-sxm
    offers:
      - id: aws-p5-1y
        usd_per_gpu_hour: 4
`, "5:27", "gpus.h100-sxm.offers.aws-p5-1y.usd_per_gpu_hour: set usd_per_gpu_hour or base_offer with multiplier, not both"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := refusedAt(t, tt.prices, tt.at, tt.msg)
			if err != nil && (strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "cost/catalog/")) {
				t.Errorf("more than one line, or a line in the shipped catalog:\n%v", err)
			}
		})
	}
	full := `gpus:
  - id: h100-sx
    name: a GPU of my own
    memory_gb: 80
    memory_mib: 81559
    bandwidth_gb_per_s: 3350
    tdp_w: 700
    source: my datasheet
    date: "2026"
`
	path := filepath.Join(t.TempDir(), "prices.yaml")
	if err := os.WriteFile(path, []byte(full), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatalf("a new gpu given in full: %v", err)
	}
	if _, err := c.GPU("h100-sx"); err != nil {
		t.Errorf("a new gpu given in full was not added: %v", err)
	}
}
