package scenarios

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// errLines returns the lines of err's message.
func errLines(err error) []string {
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}

func TestShippedScenariosLoadAndValidate(t *testing.T) {
	names := Shipped()
	want := []string{"agent-prefix", "batch", "chat-sessions", "interactive-chat", "long-context-rag", "nightly", "qualify"}
	if !slices.Equal(names, want) {
		t.Fatalf("Shipped() = %v; want %v", names, want)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			s, err := Open(name)
			if err != nil {
				t.Fatalf("Open(%q): %v", name, err)
			}
			if s.Name != name {
				t.Errorf("name: %q in %s.yaml", s.Name, name)
			}
			if s.Description == "" {
				t.Error("no description")
			}
			if s.Target.URL != "" || s.Target.Model != "" || s.Target.APIKeyEnv != "" {
				t.Errorf("target %+v: shipped scenarios leave the endpoint to flags", s.Target)
			}
			if s.Workload.Dataset != nil || s.Load.Trace != nil || s.Workload.PromptTokens.File != "" || s.Workload.OutputTokens.File != "" {
				t.Error("a shipped scenario names a data file, which the binary does not carry")
			}
			// As `run` will: flags give the endpoint, then defaults, then
			// the full check.
			s.Target.URL, s.Target.Model = "http://127.0.0.1:8000", "llama-3-8b"
			s.ApplyDefaults()
			if err := s.ValidateRunnable(); err != nil {
				t.Errorf("ValidateRunnable after flags and defaults: %v", err)
			}
		})
	}
}

// TestShippedScenariosSayWhatTheyPromise pins the numbers each shipped
// scenario exists for (issue #5).
func TestShippedScenariosSayWhatTheyPromise(t *testing.T) {
	open := func(name string) *Scenario {
		t.Helper()
		s, err := Open(name)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	mean := func(d Distribution) float64 {
		switch d.Kind {
		case DistFixed:
			return float64(d.Value)
		case DistUniform:
			return float64(d.Min+d.Max) / 2
		}
		return d.Mean
	}

	s := open("interactive-chat")
	if s.SLO.TTFT != Duration(time.Second) || s.SLO.Percentile != 95 || s.Load.Sweep == nil {
		t.Errorf("interactive-chat: TTFT %v at p%g, sweep %v; want 1s at p95 with a sweep", s.SLO.TTFT, s.SLO.Percentile, s.Load.Sweep)
	}
	if p, o := mean(s.Workload.PromptTokens), mean(s.Workload.OutputTokens); p != 512 || o != 256 {
		t.Errorf("interactive-chat: mean lengths %g in / %g out; want 512 / 256", p, o)
	}

	s = open("chat-sessions")
	if s.Workload.Turns.String() != "4" || s.Workload.ThinkTime.Kind != DistExponential || s.Load.Concurrency != 16 {
		t.Errorf("chat-sessions: turns %v, think time %v, concurrency %d; want 4-turn sessions with think time at c=16",
			s.Workload.Turns, s.Workload.ThinkTime, s.Load.Concurrency)
	}

	s = open("batch")
	if s.SLO.E2E != Duration(30*time.Second) || s.Load.Sweep == nil || s.Load.Sweep.Concurrencies()[0] < 32 {
		t.Errorf("batch: E2E %v, sweep %v; want 30s and high concurrency", s.SLO.E2E, s.Load.Sweep)
	}
	if o := mean(s.Workload.OutputTokens); o < 1000 {
		t.Errorf("batch: mean output %g tokens; want long outputs (≥ 1000)", o)
	}

	s = open("long-context-rag")
	if p, o := mean(s.Workload.PromptTokens), mean(s.Workload.OutputTokens); p < 7000 || o != 128 {
		t.Errorf("long-context-rag: %g in / %g out; want ~8k in / 128 out", p, o)
	}
	// Prompt and answer fit an 8,192-token context window (Llama-3-8B's).
	if s.Workload.PromptTokens.Max+s.Workload.OutputTokens.Value > 8192 {
		t.Errorf("long-context-rag: max prompt %d + output %d exceeds 8192", s.Workload.PromptTokens.Max, s.Workload.OutputTokens.Value)
	}

	s = open("qualify")
	if lv := s.Load.Sweep.Concurrencies(); !slices.Equal(lv, []int{1, 2, 4, 8, 16, 32, 64, 128}) {
		t.Errorf("qualify: levels %v; want 1 → 128 doubling", lv)
	}
	if s.SLO.TTFT != Duration(time.Second) || s.SLO.Percentile != 95 {
		t.Errorf("qualify: TTFT %v at p%g; want 1s at p95", s.SLO.TTFT, s.SLO.Percentile)
	}
	// A short window per level keeps one GPU profile on the mock within
	// about two minutes: 8 levels + 2 bisection levels of ≤ 10 s each.
	if d := time.Duration(s.Load.Duration); d == 0 || d > 10*time.Second {
		t.Errorf("qualify: %v per level; want a window of at most 10s", d)
	}

	s = open("nightly")
	// The gated p95s need ≥ 200 requests (10 tail values) to hold still
	// between identical runs on a loaded CI box (docs/gating.md); 1,000
	// keeps the run short.
	if s.Load.Concurrency == 0 || s.Load.Requests < 200 || s.Load.Requests > 1000 || s.Workload.Seed == nil {
		t.Errorf("nightly: concurrency %d, %d requests, seed %d; want a short fixed run (200–1,000 requests) with a fixed seed", s.Load.Concurrency, s.Load.Requests, s.Workload.SeedValue())
	}
	if s.Workload.PromptTokens.Kind != DistFixed || s.Workload.OutputTokens.Kind != DistFixed {
		t.Error("nightly: lengths should be fixed, so runs compare like for like")
	}
	if s.SLO.TTFT == 0 || s.SLO.TPOT == 0 || s.SLO.E2E == 0 {
		t.Errorf("nightly: SLO %+v; want TTFT, TPOT and E2E thresholds", s.SLO)
	}
}

// TestAgentPrefixSaysWhatItPromises: the agent-prefix scenario (issue
// #21) is a 1,500-token shared prefix in a few groups, then short tasks
// asking for short outputs.
func TestAgentPrefixSaysWhatItPromises(t *testing.T) {
	s, err := Open("agent-prefix")
	if err != nil {
		t.Fatal(err)
	}
	w := s.Workload
	own, out := float64(w.PromptTokens.Min+w.PromptTokens.Max)/2, w.OutputTokens.Mean
	if w.SharedPrefixTokens != 1500 || w.PrefixGroups < 1 || w.PrefixGroups > 8 || own > 200 || out > 200 {
		t.Errorf("agent-prefix: prefix %d tokens in %d groups, own %g in / %g out; want 1,500 in a few groups, short suffixes and outputs",
			w.SharedPrefixTokens, w.PrefixGroups, own, out)
	}
}

// TestLoadFileLocatesErrors: a typo'd key and a bad value each fail with
// the exact file:line:col.
func TestLoadFileLocatesErrors(t *testing.T) {
	for _, tt := range []struct {
		file string
		want []string
	}{
		// Line 6 is "  concurency: 8": the key starts at column 3.
		{"testdata/typo-key.yaml", []string{`testdata/typo-key.yaml:6:3: load.concurency: unknown key "concurency" (did you mean "concurrency"?)`}},
		// Line 5 is "  rate: -3": the value starts at column 9.
		{"testdata/bad-rate.yaml", []string{`testdata/bad-rate.yaml:5:9: load.rate: must be > 0 and at most 1000000 requests per second, got -3`}},
		{"testdata/many-errors.yaml", []string{
			`testdata/many-errors.yaml:1:7: name: must be 1–64 lower-case letters, digits and hyphens, starting with a letter or digit, got "Many_Errors"`,
			`testdata/many-errors.yaml:4:8: target.url: has no scheme: write http:// or https:// before the host`,
			`testdata/many-errors.yaml:5:16: target.api_key_env: must be the NAME of an environment variable that holds the key (such as OPENAI_API_KEY), and this looks like a key itself (value not shown)`,
			`testdata/many-errors.yaml:7:49: workload.prompt_tokens.max: must be ≥ min (900), got 100`,
			`testdata/many-errors.yaml:8:52: workload.output_tokens.stddev: must be ≥ 0, got -1`,
			`testdata/many-errors.yaml:10:17: load.sweep[2]: levels must increase: 2 follows 4`,
			`testdata/many-errors.yaml:11:16: load.concurrency: give one of concurrency, sweep, rate or trace, not both sweep and concurrency`,
			`testdata/many-errors.yaml:11:16: load.concurrency: must be between 1 and 100000, got 0`,
			`testdata/many-errors.yaml:12:15: load.burstiness: only applies with arrival: gamma`,
			`testdata/many-errors.yaml:13:11: load.warmup: must not be negative, got -1`,
			`testdata/many-errors.yaml:15:15: slo.percentile: must be one of 50, 90, 95, 99, 99.9, got 97`,
			`testdata/many-errors.yaml:16:9: slo.ttft: must not be negative, got -1s`,
			`testdata/many-errors.yaml:17:19: slo.max_error_rate: must be a fraction between 0 and 1, got 2`,
			`testdata/many-errors.yaml:18:16: gpu.backend: unknown backend "nvidia" (want one of auto, nvml, dcgm, smi, amd-smi, mock, none)`,
			`testdata/many-errors.yaml:19:14: cost.gpus: must be between 1 and 1024, got 0`,
			`testdata/many-errors.yaml:19:24: cost.offer: unknown offer "monthly" (want one of on-demand, reserved-1y, reserved-3y, spot, owned)`,
		}},
	} {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			s, err := LoadFile(tt.file)
			if s != nil {
				t.Error("LoadFile returned a scenario with its error")
			}
			if diff := cmp.Diff(tt.want, errLines(err)); diff != "" {
				t.Errorf("LoadFile(%s) errors (-want +got):\n%s", tt.file, diff)
			}
			// Every joined error is an *Error carrying the position.
			for _, e := range Leaves(err) {
				if pe, ok := e.(*Error); !ok || pe.Line == 0 || pe.File != tt.file {
					t.Errorf("error %v (%T): want an *Error with file and line", e, e)
				}
			}
		})
	}
	// The key itself never appears in an error.
	_, err := LoadFile("testdata/many-errors.yaml")
	if strings.Contains(err.Error(), "Ab3dEf6") {
		t.Error("an error quotes the API key written in api_key_env")
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		want      []string
	}{
		{"empty", "", []string{"s.yaml: empty scenario: want a mapping with at least name and load"}},
		{"comment only", "# nothing\n", []string{"s.yaml: empty scenario: want a mapping with at least name and load"}},
		{"not a mapping", "- a\n", []string{"s.yaml:1:1: want a mapping of keys (name, target, workload, load, slo, …)"}},
		{"two documents", "name: a\n---\nname: b\n", []string{"s.yaml:3:5: one scenario per file: document 2 is extra"}},
		{"syntax", "name: [a\n", []string{"s.yaml:1:7: sequence end token ']' not found"}},
		{"duplicate key", "name: a\nname: b\n", []string{`s.yaml:2:1: key "name" is written twice in one mapping (first at line 1, column 1)`}},
		{"type", "name: a\nload:\n  requests: many\n", []string{"s.yaml:3:13: load.requests: want a whole number, got a string"}},
		{"negative seed", "name: a\nworkload:\n  seed: -1\n", []string{"s.yaml:3:9: workload.seed: number out of range: want a whole number ≥ 0"}},
		// 0s read as unset took the default 2m; --timeout 0s is refused.
		{"zero timeout", "name: a\nload:\n  concurrency: 1\n  timeout: 0s\n", []string{"s.yaml:4:12: load.timeout: must be positive, got 0s: every request needs a deadline (leave timeout out for the default 2m0s)"}},
		{"bare duration", "name: a\nload:\n  timeout: 60\n", []string{"s.yaml:3:12: load.timeout: want a duration with its unit, such as 250ms, 1s or 1m30s"}},
		{"bad duration", "name: a\nload:\n  timeout: 1 minute\n", []string{"s.yaml:3:12: load.timeout: want a duration such as 250ms, 1s or 1m30s (did you mean \"1m\"?)"}},
		{"length as string", "name: a\nworkload:\n  prompt_tokens: lots\n", []string{"s.yaml:3:18: workload.prompt_tokens: want a length in tokens, or {dist: uniform|normal|lognormal|empirical, …}"}},
		{"dist without kind", "name: a\nworkload:\n  prompt_tokens: {min: 1, max: 3}\n", []string{"s.yaml:3:18: workload.prompt_tokens: dist is required: uniform, normal, lognormal or empirical (write a fixed length as a bare number)"}},
		{"dist unknown key", "name: a\nworkload:\n  output_tokens:\n    dist: normal\n    mean: 5\n    sdev: 1\n", []string{`s.yaml:6:5: workload.output_tokens.sdev: unknown key "sdev" (did you mean "stddev"?)`}},
		// A series needs a factor and a max, which "step" is neither of.
		{"sweep unknown key", "name: a\nload:\n  sweep: {start: 1, step: 2}\n", []string{
			"s.yaml:3:10: load.sweep.factor: must be > 1, got 0",
			"s.yaml:3:10: load.sweep.max: must be between start (1) and 100000, got 0",
			`s.yaml:3:21: load.sweep.step: unknown key "step"`,
		}},
		{"sweep not ints", "name: a\nload:\n  sweep: [1, 2.5]\n", []string{"s.yaml:3:14: load.sweep[1]: want a concurrency level (a whole number)"}},
		{"rate not a number", "name: a\nload:\n  rate: [1, fast]\n", []string{"s.yaml:3:13: load.rate[1]: want a rate in requests per second"}},
		{"unknown top-level key", "name: a\nx: &n 5\n", []string{`s.yaml:2:1: x: unknown key "x"`}},
		{"concurrency zero", "name: a\nload:\n  concurrency: 0\n", []string{"s.yaml:3:16: load.concurrency: must be between 1 and 100000, got 0"}},
		{"two load kinds", "name: a\nload:\n  concurrency: 4\n  rate: 2\n", []string{"s.yaml:4:9: load.rate: give one of concurrency, sweep, rate or trace, not both concurrency and rate"}},
		{"rates decrease", "name: a\nload:\n  rate: [5, 5]\n", []string{"s.yaml:3:13: load.rate[1]: rates must increase: 5 follows 5"}},
		{"arrival without rate", "name: a\nload:\n  concurrency: 2\n  arrival: poisson\n", []string{"s.yaml:4:12: load.arrival: only applies with load.rate"}},
		{"unknown arrival", "name: a\nload:\n  rate: 2\n  arrival: bursty\n", []string{`s.yaml:4:12: load.arrival: unknown arrival process "bursty" (want one of constant, poisson, gamma)`}},
		{"rate below one a day", "name: a\nload:\n  rate: 1e-300\n  requests: 3\n", []string{"s.yaml:3:9: load.rate: 1e-300 requests per second is less than one a day (1.16e-05): the first request would be expected 1.16e+295 days after the start; a slow trickle is 0.001 (one every 17 minutes)"}},
		{"rate list below one a day", "name: a\nload:\n  rate: [5, 1e-300]\n", []string{
			"s.yaml:3:13: load.rate[1]: 1e-300 requests per second is less than one a day (1.16e-05): the first request would be expected 1.16e+295 days after the start; a slow trickle is 0.001 (one every 17 minutes)",
		}},
		{"rate above the ceiling", "name: a\nload:\n  rate: 1e300\n", []string{"s.yaml:3:9: load.rate: must be > 0 and at most 1000000 requests per second, got 1e+300"}},
		{"ramp puts the first request past a day", "name: a\nload:\n  rate: 2e-5\n  ramp_up: 100h\n", []string{"s.yaml:4:12: load.ramp_up: at 2e-05 requests per second a ramp-up of 100h0m0s expects the first request 52h42m17s after the start, more than a day (24h0m0s): shorten the ramp"}},
		{"timed level holds no request", "name: a\nload:\n  rate: 0.001\n  duration: 2s\n", []string{"s.yaml:3:9: load.rate: 0.001 requests per second over 2s expects 0.002 requests: the level would send none; give a longer duration or a higher rate"}},
		// The ramp-up is what empties it: the message names it (it said
		// "5 requests per second over 1s expects 0.00417 requests").
		{"ramp-up empties a timed level", "name: a\nload:\n  rate: 5\n  ramp_up: 10m\n  duration: 1s\n", []string{"s.yaml:3:9: load.rate: 5 requests per second over 1s ramped up over 10m0s expects 0.00417 requests: the level would send none; give a longer duration, a shorter ramp-up or a higher rate"}},
		{"timed level holds only warm-up", "name: a\nload:\n  rate: [1, 10]\n  duration: 3s\n  warmup: 5\n", []string{"s.yaml:3:10: load.rate[0]: 1 requests per second over 3s expects 3 requests: the level would send 3, all of them warm-up (5), and measure none; give a longer duration or a higher rate"}},
		{"level schedules too many", "name: a\nload:\n  rate: 1000000\n  duration: 1h\n", []string{"s.yaml:3:9: load.rate: 1e+06 requests per second over 1h0m0s expects 3.6e+09 requests in one level; an open-loop level schedules at most 100000000: lower the rate or shorten the duration"}},
		{"open-loop count too large", "name: a\nload:\n  rate: 1000\n  requests: 200000000\n", []string{"s.yaml:4:13: load.requests: an open-loop level schedules at most 100000000 requests (warm-up included), got 200000000"}},
		// requests + warmup overflowed an int: the first was let through
		// (and ran, sending nothing), the second said "would send -9.2e+18".
		{"open-loop count past an int", "name: a\nload:\n  rate: 5\n  requests: 9223372036854775807\n  warmup: 1\n", []string{"s.yaml:4:13: load.requests: an open-loop level schedules at most 100000000 requests (warm-up included), got 9223372036854775808"}},
		{"timed count past an int", "name: a\nload:\n  rate: 5\n  duration: 10s\n  requests: 9223372036854775800\n  warmup: 100\n", []string{"s.yaml:3:9: load.rate: 5 requests per second over 10s expects 50 requests: the level would send 50, all of them warm-up (100), and measure none; give a longer duration or a higher rate"}},
		{"gamma shape too small", "name: a\nload:\n  rate: 2\n  arrival: gamma\n  burstiness: 1e-10\n", []string{"s.yaml:5:15: load.burstiness: must be at least 0.01 (the gamma shape: gaps' coefficient of variation 1/√shape ≤ 10; below it most gaps are exactly 0), got 1e-10"}},
		{"gamma shape zero", "name: a\nload:\n  rate: 2\n  arrival: gamma\n  burstiness: 0\n", []string{"s.yaml:5:15: load.burstiness: must be > 0 (the gamma shape; 1 is Poisson), got 0"}},
		{"ramp without rate", "name: a\nload:\n  concurrency: 2\n  ramp_up: 5s\n", []string{"s.yaml:4:12: load.ramp_up: only applies with load.rate"}},
		{"cap without open loop", "name: a\nload:\n  concurrency: 2\n  max_concurrency: 5\n", []string{"s.yaml:4:20: load.max_concurrency: only applies with load.rate or load.trace"}},
		{"capacity search without sweep", "name: a\nload:\n  rate: 3\n  capacity_search: {bisect: true}\n", []string{"s.yaml:4:20: load.capacity_search: only applies after a sweep: load.sweep, or a list of load.rate"}},
		{"steps without bisect", "name: a\nload:\n  sweep: [1, 2]\n  capacity_search: {steps: 3}\n", []string{"s.yaml:4:28: load.capacity_search.steps: only applies with bisect: true"}},
		{"sweep series", "name: a\nload:\n  sweep: {start: 0, factor: 1, max: 8}\n", []string{
			"s.yaml:3:18: load.sweep.start: must be between 1 and 100000, got 0",
			"s.yaml:3:29: load.sweep.factor: must be > 1, got 1",
		}},
		{"missing trace file", "name: a\nload:\n  trace: {time_scale: 2}\n", []string{"s.yaml:3:10: load.trace.file: is required"}},
		{"trace block size", "name: a\nload:\n  trace: {file: testdata/trace.jsonl, block_tokens: -1}\n", []string{"s.yaml:3:53: load.trace.block_tokens: must be between 1 and 16777216 tokens, got -1"}},
		{"prompt with dataset", "name: a\nworkload:\n  prompt_tokens: 5\n  dataset: {file: testdata/prompts.jsonl}\n", []string{"s.yaml:3:18: workload.prompt_tokens: not used with workload.dataset: the prompts come from the dataset"}},
		{"dataset format", "name: a\nworkload:\n  dataset: {file: testdata/prompts.jsonl, format: csv}\n", []string{`s.yaml:3:51: workload.dataset.format: unknown format "csv" (want one of jsonl, sharegpt)`}},
		{"uniform needs bounds", "name: a\nworkload:\n  prompt_tokens: {dist: uniform}\n", []string{
			"s.yaml:3:18: workload.prompt_tokens.min: is required with dist: uniform",
			"s.yaml:3:18: workload.prompt_tokens.max: is required with dist: uniform",
		}},
		// A number written as a string was taken as the number (a prices
		// file refused it, a scenario did not); a duration's string is its
		// own form.
		{"numbers written as strings", "name: a\nload:\n  concurrency: \"8\"\n  requests: !!str 10\n  timeout: \"30s\"\nworkload:\n  prompt_tokens: {dist: uniform, min: '5', max: 9}\n", []string{
			`s.yaml:3:16: load.concurrency: want a whole number, got the string "8"`,
			`s.yaml:4:13: load.requests: want a whole number, got the string "10"`,
			`s.yaml:7:39: workload.prompt_tokens.min: want a whole number, got the string "5"`,
		}},
		{"fixed zero", "name: a\nworkload:\n  output_tokens: 0\n", []string{"s.yaml:3:18: workload.output_tokens: must be between 1 and 16777216 tokens, got 0"}},
		{"block mapping located at its key", "name: a\nworkload:\n  prompt_tokens:\n    dist: uniform\n    max: 5\n", []string{"s.yaml:3:3: workload.prompt_tokens.min: is required with dist: uniform"}},
		{"url with credentials", "name: a\ntarget: {url: \"http://me:pw@host\"}\n", []string{"s.yaml:2:15: target.url: must not hold credentials: name the environment variable that holds the key (--api-key-env; target.api_key_env in a scenario)"}},
		{"api typo", "name: a\ntarget: {api: chatt}\n", []string{`s.yaml:2:15: target.api: unknown API "chatt" (did you mean "chat"?)`}},
		{"gpu url with credentials", "name: a\ngpu: {backend: dcgm, url: \"http://me:pw@h:9400/metrics\"}\n", []string{"s.yaml:2:27: gpu.url: must not hold credentials"}},
		{"gpu url without dcgm", "name: a\ngpu: {url: \"http://h:9400/metrics\"}\n", []string{"s.yaml:2:12: gpu.url: only applies with backend: dcgm or mock"}},
		{"missing name", "load: {concurrency: 1}\n", []string{"s.yaml:1:1: name: is required"}},
		{"control characters", "name: a\ntarget: {model: \"llama\\n3\"}\nload: {trace: {file: \"/a\\tb\"}}\n", []string{
			"s.yaml:2:17: target.model: must not contain control characters (line breaks, tabs)",
			"s.yaml:3:22: load.trace.file: must not contain control characters (line breaks, tabs)",
			"s.yaml:3:22: load.trace.file: /a\tb: no such file",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("s.yaml", []byte(tt.src))
			if diff := cmp.Diff(tt.want, errLines(err)); diff != "" {
				t.Errorf("Load(%q) errors (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

func TestAPIKeyEnv(t *testing.T) {
	for _, tt := range []struct {
		value string
		ok    bool
	}{
		{"OPENAI_API_KEY", true},
		{"GROQ_API_KEY", true},
		{"AZURE_OPENAI_API_KEY_PRODUCTION_EASTUS2", true},
		{"my_key", true},
		{"sk-proj-abcdefghijklmnop", false},                 // not a variable name at all
		{"gsk_ABCdef1234567890", false},                     // Groq key prefix
		{"hf_abcdefghijklmnopqrst", false},                  // Hugging Face key prefix
		{"AIzaSyA1b2C3d4E5f6G7h8", false},                   // Google key prefix
		{"Xy7Qp2Lm9Rt4Vb8Nc3Kd6Fg", false},                  // random mixed case and digits
		{"0123456789abcdef0123456789abcdef01234567", false}, // starts with a digit
	} {
		s := &Scenario{Name: "k", Target: Target{APIKeyEnv: tt.value}}
		err := s.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("api_key_env %q: Validate() = %v; want ok=%v", tt.value, err, tt.ok)
		}
		if err != nil && strings.Contains(err.Error(), tt.value) {
			t.Errorf("api_key_env %q: the error quotes the value: %v", tt.value, err)
		}
	}
}

func TestValidateRunnable(t *testing.T) {
	s, err := Load("s.yaml", []byte("name: a\nworkload:\n  output_tokens: 8\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"s.yaml:1:1: target.kind: is required: set it in the scenario or with a flag on run",
		"s.yaml:1:1: target.url: is required: set it in the scenario or with a flag on run",
		"s.yaml:1:1: target.model: is required: set it in the scenario or with a flag on run",
		"s.yaml:1:1: load: give one of concurrency, sweep, rate or trace (in the scenario or with a flag on run)",
		"s.yaml:1:1: load: give requests or duration per level, or a level never ends",
	}
	if diff := cmp.Diff(want, errLines(s.ValidateRunnable())); diff != "" {
		t.Errorf("ValidateRunnable before flags (-want +got):\n%s", diff)
	}
	// What `run` does: flags fill the gaps, then defaults.
	s.Target.URL, s.Target.Model, s.Load.Concurrency = "http://127.0.0.1:8000", "m", 4
	s.ApplyDefaults()
	if err := s.ValidateRunnable(); err != nil {
		t.Errorf("ValidateRunnable after flags and defaults: %v", err)
	}
	// A model name of white space only (--model '  ') is none: the run
	// went ahead and every request named no model.
	s.Target.Model = "  "
	if err := s.ValidateRunnable(); err == nil || !strings.Contains(err.Error(), "target.model: is only white space") {
		t.Errorf("ValidateRunnable with a blank model = %v; want it refused", err)
	}
	// A scenario built in memory has no positions: path and message only.
	m := &Scenario{Name: "mem", Load: LoadProfile{Rate: Rates{-1}}}
	if got, want := m.Validate().Error(), "load.rate: must be > 0 and at most 1000000 requests per second, got -1"; got != want {
		t.Errorf("in-memory Validate() = %q; want %q", got, want)
	}
}

func TestApplyDefaults(t *testing.T) {
	_, err := Load("s.yaml", []byte("name: a\nload:\n  rate: 4\n  arrival: gamma\n  warmup: 0\n  trace_dummy_absent: 1\n"))
	if err == nil || !strings.Contains(err.Error(), "unknown key") {
		t.Fatalf("want the unknown key rejected, got %v", err)
	}
	s, err := Load("s.yaml", []byte("name: a\nload:\n  rate: 4\n  arrival: gamma\n  warmup: 0\nworkload:\n  dataset: {file: testdata/sharegpt.json}\ncost: {gpu: a100-80gb}\n"))
	if err != nil {
		t.Fatal(err)
	}
	s.ApplyDefaults()
	zero, onePct := 0, 0.01
	want := &Scenario{
		Name:   "a",
		Target: Target{Kind: "openai", API: "chat"},
		Workload: Workload{
			OutputTokens: Fixed(256),
			Dataset:      &Dataset{File: "testdata/sharegpt.json", Format: FormatShareGPT},
		},
		Load: LoadProfile{
			Rate: Rates{4}, Arrival: ArrivalGamma, Burstiness: 1,
			Requests: 200, Warmup: &zero, Timeout: Duration(DefaultTimeout),
		},
		SLO:  SLO{Percentile: 95, MaxErrorRate: &onePct},
		GPU:  GPU{Backend: "auto", Interval: Duration(250 * time.Millisecond)},
		Cost: Cost{GPU: "a100-80gb", GPUs: 1, Offer: "on-demand"},
	}
	opts := cmp.Options{cmp.AllowUnexported(Distribution{}), cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "src" }, cmp.Ignore())}
	if diff := cmp.Diff(want, s, opts); diff != "" {
		t.Errorf("ApplyDefaults (-want +got):\n%s", diff)
	}
	again := *s
	again.ApplyDefaults()
	if diff := cmp.Diff(s, &again, opts); diff != "" {
		t.Errorf("a second ApplyDefaults changed (-first +second):\n%s", diff)
	}
	// Without a dataset the prompt length defaults too; a set value wins.
	p := &Scenario{Name: "p", Workload: Workload{OutputTokens: Fixed(9)}, Load: LoadProfile{Concurrency: 1, Duration: Duration(time.Second)}}
	p.ApplyDefaults()
	if p.Workload.PromptTokens.String() != "512" || p.Workload.OutputTokens.String() != "9" || p.Load.Requests != 0 || *p.Load.Warmup != 16 {
		t.Errorf("defaults: prompt %v output %v requests %d warmup %d; want 512, 9, 0 (duration given), 16",
			p.Workload.PromptTokens, p.Workload.OutputTokens, p.Load.Requests, *p.Load.Warmup)
	}
}

// TestRoundTrip: what `scenarios show` prints loads back to the same scenario.
func TestRoundTrip(t *testing.T) {
	var all []*Scenario
	for _, name := range Shipped() {
		s, err := Open(name)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, s)
	}
	for _, f := range []string{"testdata/kitchen-sink.yaml", "testdata/with-files.yaml"} {
		s, err := LoadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, s)
	}
	opts := cmp.Options{cmp.AllowUnexported(Distribution{}), cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "src" }, cmp.Ignore())}
	for _, s := range all {
		for _, defaults := range []bool{false, true} {
			if defaults {
				s.ApplyDefaults()
			}
			b, err := Marshal(s)
			if err != nil {
				t.Fatalf("%s: Marshal: %v", s.Name, err)
			}
			// Load from the same directory, so relative files resolve.
			back, err := Load(filepath.Join(filepath.Dir(s.File()), "shown.yaml"), b)
			if err != nil {
				t.Fatalf("%s (defaults %v): loading what Marshal wrote: %v\n%s", s.Name, defaults, err, b)
			}
			if diff := cmp.Diff(s, back, opts); diff != "" {
				t.Errorf("%s (defaults %v): round trip (-shown +loaded):\n%s\n%s", s.Name, defaults, diff, b)
			}
		}
	}
}

func TestKitchenSink(t *testing.T) {
	s, err := LoadFile("testdata/kitchen-sink.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Workload.PromptTokens.Values(), []int{100, 200, 200, 500}; !slices.Equal(got, want) {
		t.Errorf("empirical lengths from testdata/lengths.txt = %v; want %v", got, want)
	}
	if got, want := s.Load.Rate, (Rates{5, 10, 20.5}); !slices.Equal(got, want) {
		t.Errorf("rates = %v; want %v", got, want)
	}
	if s.Load.Warmup == nil || *s.Load.Warmup != 0 {
		t.Errorf("warmup: 0 must stay 0 (no warm-up), got %v", s.Load.Warmup)
	}
	if got := time.Duration(s.Load.Duration); got != 90*time.Second {
		t.Errorf("duration 1m30s = %v", got)
	}
	if s.SLO.Percentile != 99.9 || s.SLO.ITL != Duration(100*time.Millisecond) {
		t.Errorf("slo = %+v", s.SLO)
	}
	w, err := LoadFile("testdata/with-files.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := w.Path(w.Workload.Dataset.File), filepath.Join("testdata", "prompts.jsonl"); got != want {
		t.Errorf("Path(dataset) = %q; want %q (relative to the scenario file)", got, want)
	}
	if _, err := ReadTraceFile(w.Path(w.Load.Trace.File)); err != nil {
		t.Errorf("reading the scenario's trace: %v", err)
	}
	if _, err := ReadPromptsFile(w.Path(w.Workload.Dataset.File), FormatJSONL); err != nil {
		t.Errorf("reading the scenario's dataset: %v", err)
	}
}

func TestEmpiricalFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("bad.txt", "100\n200\n-5\n")
	write("s.yaml", "name: e\nworkload:\n  prompt_tokens: {dist: empirical, file: bad.txt}\n  output_tokens: {dist: empirical, file: missing.txt}\n")
	_, err := LoadFile(filepath.Join(dir, "s.yaml"))
	lines := errLines(err)
	if len(lines) != 2 {
		t.Fatalf("want 2 errors, got %q", lines)
	}
	sy := filepath.Join(dir, "s.yaml")
	wantPrefix := []string{
		sy + ":3:42: workload.prompt_tokens.file: " + filepath.Join(dir, "bad.txt") + ": line 3: want a length in tokens between 1 and 16777216, got \"-5\"",
		sy + ":4:42: workload.output_tokens.file: " + filepath.Join(dir, "missing.txt") + ": no such file",
	}
	for i, w := range wantPrefix {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("error %d = %q; want prefix %q", i, lines[i], w)
		}
	}
}

func TestOpen(t *testing.T) {
	if _, err := Open("testdata/kitchen-sink.yaml"); err != nil {
		t.Errorf("Open(path): %v", err)
	}
	_, err := Open("no-such-scenario")
	if err == nil || !strings.Contains(err.Error(), "interactive-chat") {
		t.Errorf("Open(unknown) = %v; want an error listing the shipped scenarios", err)
	}
	_, err = Open("qualfy")
	if want := `scenario "qualfy": neither a shipped scenario (did you mean "qualify"?) nor a file`; err == nil || err.Error() != want {
		t.Errorf("Open(a typo) = %v; want %s", err, want)
	}
	_, err = Open("testdata/missing.yaml")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(missing file) = %v; want a not-exist error", err)
	}
}

func TestDurationAndRatesYAML(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{250 * time.Millisecond, "250ms"}, {time.Second, "1s"}, {90 * time.Second, "1m30s"},
		{time.Minute, "1m"}, {2 * time.Hour, "2h"}, {0, "0s"}, {time.Hour + time.Second, "1h0m1s"},
	} {
		if got := Duration(tt.d).String(); got != tt.want {
			t.Errorf("Duration(%v).String() = %q; want %q", tt.d, got, tt.want)
		}
		if back, err := time.ParseDuration(Duration(tt.d).String()); err != nil || back != tt.d {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", Duration(tt.d).String(), back, err, tt.d)
		}
	}
	// An alias of a whole field's value is resolved by the YAML library.
	s, err := Load("s.yaml", []byte("name: a\nworkload:\n  output_tokens: &n 5\n  prompt_tokens: *n\n"))
	if err != nil || s.Workload.PromptTokens.String() != "5" {
		t.Errorf("prompt_tokens: *n = %v, %v; want 5", s.Workload.PromptTokens, err)
	}
	// A bare 0 is a duration (0s); a zero timeout is refused (TestLoadErrors).
	s, err = Load("s.yaml", []byte("name: a\nload:\n  rate: 2.5\n  duration: 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Load.Rate, Rates{2.5}) || s.Load.Duration != 0 {
		t.Errorf("rate %v duration %v; want [2.5] and 0", s.Load.Rate, s.Load.Duration)
	}
}

func TestSweepConcurrencies(t *testing.T) {
	for _, tt := range []struct {
		sw   Sweep
		want []int
	}{
		// 1, 2, 4 … 64, then 128 > 100: max is appended.
		{Sweep{Start: 1, Factor: 2, Max: 100}, []int{1, 2, 4, 8, 16, 32, 64, 100}},
		{Sweep{Start: 1, Factor: 2, Max: 128}, []int{1, 2, 4, 8, 16, 32, 64, 128}},
		// 1, 1.5→2, 2.25→2 (repeat, skipped), 3.375→3, 5.06→5, 7.59→8, 11.4 > 10.
		{Sweep{Start: 1, Factor: 1.5, Max: 10}, []int{1, 2, 3, 5, 8, 10}},
		{Sweep{Start: 4, Factor: 3, Max: 4}, []int{4}},
		{Sweep{Levels: []int{3, 7}}, []int{3, 7}},
		{Sweep{Start: 0, Factor: 2, Max: 8}, nil}, // invalid: Validate says why
	} {
		if got := tt.sw.Concurrencies(); !slices.Equal(got, tt.want) {
			t.Errorf("%+v.Concurrencies() = %v; want %v", tt.sw, got, tt.want)
		}
	}
	if n := len((&Sweep{Start: 1, Factor: 1.0001, Max: 100000}).Concurrencies()); n != maxSweepLevels {
		t.Errorf("a slow series gives %d levels; want the cap %d", n, maxSweepLevels)
	}
}

func TestUnknownKeySuggestion(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"nme: a\n", `s.yaml:1:1: nme: unknown key "nme" (did you mean "name"?)`},
		{"name: a\nslo:\n  ttf: 1s\n", `s.yaml:3:3: slo.ttf: unknown key "ttf" (did you mean "ttft"?)`},
		{"name: a\nload:\n  sweep: {start: 1, factr: 2, max: 4}\n", `s.yaml:3:21: load.sweep.factr: unknown key "factr" (did you mean "factor"?)`},
		{"name: a\nload:\n  trace: {file: testdata/trace.jsonl, timescale: 2}\n", `s.yaml:3:39: load.trace.timescale: unknown key "timescale" (did you mean "time_scale"?)`},
		{"name: a\nload:\n  bananas: 1\n", `s.yaml:3:3: load.bananas: unknown key "bananas"`},
	} {
		_, err := Load("s.yaml", []byte(tt.src))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Load(%q) = %v; want %s", tt.src, err, tt.want)
		}
	}
}

// TestJSON: run.json stores the resolved scenario as JSON and reads it back.
func TestJSON(t *testing.T) {
	s, err := LoadFile("testdata/kitchen-sink.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s.ApplyDefaults()
	manifest := struct {
		Scenario json.RawMessage `json:"scenario"`
	}{}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	manifest.Scenario = b
	b, err = json.Marshal(manifest)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"ttft":"1s"`, `"prompt_tokens":{"dist":"empirical","file":"lengths.txt"}`, `"rate":[5.0,10.0,20.5]`, `"warmup":0`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b)
		}
	}
	var back struct {
		Scenario Scenario `json:"scenario"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	// The empirical lengths are not stored; everything else is.
	opts := cmp.Options{cmp.AllowUnexported(Distribution{}), cmp.FilterPath(func(p cmp.Path) bool {
		return p.String() == "src" || p.String() == "Workload.PromptTokens.values"
	}, cmp.Ignore())}
	if diff := cmp.Diff(s, &back.Scenario, opts); diff != "" {
		t.Errorf("JSON round trip (-stored +read):\n%s", diff)
	}
	// A key from a newer version is ignored, not an error.
	var newer Scenario
	if err := json.Unmarshal([]byte(`{"name":"n","load":{"concurrency":2,"future_knob":1}}`), &newer); err != nil || newer.Load.Concurrency != 2 {
		t.Errorf("newer run.json: %v, %+v", err, newer.Load)
	}
}

func TestDescriptionTidied(t *testing.T) {
	s, err := Load("s.yaml", []byte("name: a\ndescription: |\n  first line  \n  second\r\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "first line\nsecond"; s.Description != want {
		t.Errorf("description %q; want %q", s.Description, want)
	}
}

// TestZeroErrorBudget: max_error_rate: 0 means no failure allowed, not
// "unset"; it survives defaults and a write and read back.
func TestZeroErrorBudget(t *testing.T) {
	s, err := Load("s.yaml", []byte("name: a\nslo:\n  ttft: 1s\n  max_error_rate: 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r := s.SLO.MaxErrorRate; r == nil || *r != 0 {
		t.Fatalf("max_error_rate: 0 read as %v", r)
	}
	b, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Load("back.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	back.ApplyDefaults()
	if r := back.SLO.MaxErrorRate; r == nil || *r != 0 {
		t.Errorf("written, read back and defaulted as %v:\n%s", r, b)
	}
	s, err = Load("s.yaml", []byte("name: a\nslo:\n  ttft: 1s\n"))
	if err != nil {
		t.Fatal(err)
	}
	s.ApplyDefaults()
	if r := s.SLO.MaxErrorRate; r == nil || *r != DefaultMaxErrorRate {
		t.Errorf("unset max_error_rate = %v; want the default %v", r, DefaultMaxErrorRate)
	}
}

// TestCheckKind: a kind the registry does not know is reported with its
// file:line:col; a known one passes.
func TestCheckKind(t *testing.T) {
	s, err := Load("k.yaml", []byte("name: k\ntarget:\n  kind: vlm\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = s.CheckKind([]string{"vllm", "openai"})
	if err == nil || err.Error() != `k.yaml:3:9: target.kind: unknown kind "vlm" (did you mean "vllm"?)` {
		t.Errorf("CheckKind = %v", err)
	}
	// Nothing near: the whole list.
	err = s.CheckKind([]string{"tgi", "openai"})
	if err == nil || err.Error() != `k.yaml:3:9: target.kind: unknown kind "vlm" (want one of tgi, openai)` {
		t.Errorf("CheckKind = %v", err)
	}
	if err := s.CheckKind([]string{"vlm"}); err != nil {
		t.Errorf("CheckKind of a known kind = %v", err)
	}
	if err := (&Scenario{Target: Target{Kind: "x"}}).CheckKind(nil); err == nil || !strings.HasPrefix(err.Error(), "target.kind: ") {
		t.Errorf("CheckKind without a file = %v", err)
	}
	// A URL in the kind's place says where it goes, and is not repeated
	// (it may hold a password).
	s, err = Load("u.yaml", []byte("name: u\ntarget:\n  kind: http://me:hunter2@gpu-box:8000\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = s.CheckKind([]string{"vllm", "tgi"})
	if err == nil || err.Error() != `u.yaml:3:9: target.kind: a URL is not a kind: the URL goes in --url (target.url in a scenario), the kind is one of vllm, tgi` {
		t.Errorf("CheckKind of a URL = %v", err)
	}
}

// TestByteOrderMark: a scenario saved with a UTF-8 byte order mark loads;
// it was refused as `s.yaml:1:1: unknown key "\ufeffname"`.
func TestByteOrderMark(t *testing.T) {
	s, err := Load("s.yaml", []byte("\ufeffname: a\nload:\n  requests: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "a" || s.Load.Requests != 3 {
		t.Errorf("name %q, load %+v", s.Name, s.Load)
	}
}

// TestSlowRatesAccepted: what the open-loop bounds still let through — a
// slow trickle (0.001 req/s: 3 requests over about 50 minutes), the floor
// itself with a count, a rate written with an exponent and no dot (1e3:
// YAML 1.2 reads a number, the YAML library a string), a timed level that
// expects one request (0.6 rounds to 1; math.Round takes 0.5 to 1 too,
// and only below it, 0.499 at 1 req/s, is a level refused),
// and a gamma shape at its floor.
func TestSlowRatesAccepted(t *testing.T) {
	for _, src := range []string{
		"name: a\nload:\n  rate: 0.001\n  requests: 3\n",
		"name: a\nload:\n  rate: 1.2e-5\n  requests: 1\n",
		"name: a\nload:\n  rate: [1e3, 2E+3]\n  requests: 3\n",
		"name: a\nload:\n  rate: 0.3\n  duration: 2s\n",
		"name: a\nload:\n  rate: 0.001\n  arrival: constant\n  duration: 2s\n",
		"name: a\nload:\n  rate: 2\n  arrival: gamma\n  burstiness: 0.01\n  requests: 3\n",
		// A soak level of 18 million requests (5,000 req/s for an hour):
		// refused while the schedule was drawn whole (10 million at most).
		"name: a\nload:\n  rate: 5000\n  duration: 1h\n",
		"name: a\nload:\n  rate: 1000\n  requests: 20000000\n",
	} {
		s, err := Load("s.yaml", []byte(src))
		if err != nil {
			t.Errorf("Load(%q): %v", src, err)
			continue
		}
		if len(s.Load.Rate) == 0 || s.Load.Rate[0] <= 0 {
			t.Errorf("Load(%q): rate %v", src, s.Load.Rate)
		}
	}
}

// TestCheckKindIgnoresCase: a kind typed in the wrong case is named as the
// one meant (typo.Nearest; it listed every kind instead).
func TestCheckKindIgnoresCase(t *testing.T) {
	kinds := []string{"openai", "tgi", "vllm", "ollama"}
	s := &Scenario{Target: Target{Kind: "VLLM"}}
	if err := s.CheckKind(kinds); err == nil || !strings.Contains(err.Error(), `unknown kind "VLLM" (did you mean "vllm"?)`) {
		t.Errorf("CheckKind(VLLM): %v; want the suggestion of vllm", err)
	}
}
