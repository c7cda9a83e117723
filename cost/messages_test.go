package cost

import (
	"io"
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
	c := mustLoad(t, "")
	l40sRun := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 8, WindowS: 10, Basis: "capacity at SLO (level 8)", Throughput: Throughput{OutputTokensPerS: 1000, TotalTokensPerS: 3000}}, nil
		},
		GPU: func(string) (string, []string) { return "l40s", nil },
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
		{"crossover --gpu l40s", errOf(RunCrossover(io.Discard, CrossoverOptions{Volume: vol, GPU: "l40s", Offer: "on-demand"})),
			[]string{"gpu l40s has no offers in the catalog", "pass --gpu-month-usd", "--prices"}, "(offers: )"},
		{"crossover, run on l40s", errOf(RunCrossover(io.Discard, CrossoverOptions{Volume: vol, RunDir: "r", Runs: l40sRun, Offer: "on-demand"})),
			[]string{"gpu l40s has no offers in the catalog", "pass --gpu-month-usd"}, "(offers: )"},
		{"cost --gpu l40s", errOf(RunCost(io.Discard, CostOptions{GPU: "l40s", OutputTPS: 100})),
			[]string{"--gpu l40s has no offers in the catalog", "pass --usd-per-gpu-hour instead of --gpu", "--prices"}, "no catalog offer matches"},
		{"cost --gpu l40s --offer spot", errOf(RunCost(io.Discard, CostOptions{GPU: "l40s", Offer: "spot", OutputTPS: 100})),
			[]string{"--gpu l40s has no offers in the catalog"}, "(offers: )"},
		{"cost, run on l40s", errOf(RunCost(io.Discard, CostOptions{RunDir: "r", Runs: l40sRun})),
			[]string{"the run's GPU, l40s (run.json, stated by the user), has no offers in the catalog", "--usd-per-gpu-hour"}, ""},
		{"offer of a GPU without offers", third(nil, 0, errOf(func() error { g, _ := c.GPU("l40s"); _, err := g.Offer("spot"); return err }())),
			[]string{"gpu l40s has no offers in the catalog"}, "(offers: )"},
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
