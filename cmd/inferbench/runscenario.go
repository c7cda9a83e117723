package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/targets/registry"
)

// runOptionsFrom resolves what to run: the scenario file (if any), then the
// flags given explicitly on top of it, then the scenario's defaults; without
// a scenario every flag applies with its default. Flags and files share one
// path, so run.json always stores the resolved scenario.
func runOptionsFrom(c *cli.Context) (*runOptions, error) {
	s, err := scenarioFromFlags(c)
	if err != nil {
		return nil, err
	}
	applyKindDefaults(s)
	s.ApplyDefaults()
	if err := s.ValidateRunnable(); err != nil {
		return nil, usagef("%v", err)
	}
	o, err := optionsFromScenario(c, s)
	if err != nil {
		return nil, err
	}
	if err := o.shardFrom(c); err != nil {
		return nil, err
	}
	return o, nil
}

// scenarioFromFlags loads --scenario (or starts empty) and lays the flags
// over it: with a scenario only the flags set on the command line, without
// one every flag, defaults included.
func scenarioFromFlags(c *cli.Context) (*scenarios.Scenario, error) {
	fromFile := c.IsSet(flagScenario)
	s := &scenarios.Scenario{Name: "command-line"}
	if fromFile {
		var err error
		if s, err = scenarios.Open(c.String(flagScenario)); err != nil {
			return nil, usagef("%v", err)
		}
	}
	set := func(name string) bool { return !fromFile || c.IsSet(name) }

	if set(flagTarget) {
		s.Target.Kind = c.String(flagTarget)
	}
	if set(flagURL) && c.String(flagURL) != "" {
		s.Target.URL = c.String(flagURL)
	}
	if set(flagModel) && c.String(flagModel) != "" {
		s.Target.Model = c.String(flagModel)
	}
	if c.IsSet(flagAPI) {
		s.Target.API = c.String(flagAPI)
	}
	if c.IsSet(flagAPIKeyEnv) {
		s.Target.APIKeyEnv = c.String(flagAPIKeyEnv)
	}

	if set(flagPromptTokens) {
		s.Workload.PromptTokens = scenarios.Fixed(c.Int(flagPromptTokens))
	}
	if set(flagMaxTokens) {
		s.Workload.OutputTokens = scenarios.Fixed(c.Int(flagMaxTokens))
	}
	if set(flagIgnoreEOS) {
		s.Workload.IgnoreEOS = c.Bool(flagIgnoreEOS)
	}
	if set(flagSeed) {
		s.Workload.Seed = uint64(c.Int64(flagSeed))
	}

	// The load kind: an explicit flag replaces the scenario's kind.
	ld := &s.Load
	clearKind := func() { ld.Concurrency, ld.Sweep, ld.Rate, ld.Trace = 0, nil, nil, nil }
	switch {
	case c.IsSet(flagSweep) && c.IsSet(flagRate):
		return nil, usagef("--%s and --%s exclude each other: sweep concurrency or rate, not both", flagSweep, flagRate)
	case c.IsSet(flagSweep):
		levels, err := parseList(c.String(flagSweep), strconv.Atoi)
		if err != nil || slices.ContainsFunc(levels, func(n int) bool { return n < 1 }) {
			return nil, usagef("--%s: want a comma-separated list of concurrencies ≥ 1, got %q", flagSweep, c.String(flagSweep))
		}
		clearKind()
		ld.Sweep = &scenarios.Sweep{Levels: levels}
	case c.IsSet(flagRate):
		rates, err := parseList(c.String(flagRate), func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
		if err != nil || slices.ContainsFunc(rates, func(r float64) bool { return !(r > 0) || math.IsInf(r, 0) }) {
			return nil, usagef("--%s: want requests per second > 0 (or a comma-separated list), got %q", flagRate, c.String(flagRate))
		}
		clearKind()
		ld.Rate = rates
	case c.IsSet(flagConcurrency) || !fromFile:
		clearKind()
		ld.Concurrency = c.Int(flagConcurrency)
	}
	if set(flagArrival) && ld.Rate != nil {
		ld.Arrival = scenarios.Arrival(c.String(flagArrival))
	}
	if set(flagBurstiness) && ld.Rate != nil && ld.Arrival == scenarios.ArrivalGamma {
		ld.Burstiness = c.Float64(flagBurstiness)
	}
	if c.IsSet(flagMaxConc) {
		ld.MaxConcurrency = c.Int(flagMaxConc)
	}
	if c.IsSet(flagRampUp) {
		ld.RampUp = scenarios.Duration(c.Duration(flagRampUp))
	}
	if set(flagRequests) {
		ld.Requests = c.Int(flagRequests)
	}
	if set(flagDuration) {
		ld.Duration = scenarios.Duration(c.Duration(flagDuration))
	}
	if set(flagWarmup) {
		w := c.Int(flagWarmup)
		ld.Warmup = &w
	}
	if set(flagTimeout) {
		ld.Timeout = scenarios.Duration(c.Duration(flagTimeout))
	}
	if c.IsSet(flagBisect) {
		ld.CapacitySearch = &scenarios.CapacitySearch{Bisect: c.Int(flagBisect) > 0, Steps: c.Int(flagBisect)}
	}

	for _, f := range []struct {
		name string
		dst  *scenarios.Duration
	}{{flagSLOTTFT, &s.SLO.TTFT}, {flagSLOTPOT, &s.SLO.TPOT}, {flagSLOE2E, &s.SLO.E2E}, {flagSLOITL, &s.SLO.ITL}} {
		if c.IsSet(f.name) {
			*f.dst = scenarios.Duration(c.Duration(f.name))
		}
	}
	if c.IsSet(flagSLOPct) {
		s.SLO.Percentile = c.Float64(flagSLOPct)
	}
	if set(flagRunGPUBackend) {
		s.GPU.Backend = c.String(flagRunGPUBackend)
	}
	if c.IsSet(flagRunGPUURL) {
		s.GPU.URL = c.String(flagRunGPUURL)
	}
	if set(flagRunGPUInterval) {
		s.GPU.Interval = scenarios.Duration(c.Duration(flagRunGPUInterval))
	}
	if err := s.Validate(); err != nil {
		return nil, usagef("%v", err)
	}
	return s, nil
}

// optionsFromScenario converts a resolved, valid scenario into the options
// of one run. Settings that only exist as flags (output, spread, retries…)
// come from c.
func optionsFromScenario(c *cli.Context, s *scenarios.Scenario) (*runOptions, error) {
	o := &runOptions{
		Scenario: s,
		Kind:     s.Target.Kind, URL: s.Target.URL, Model: s.Target.Model, API: s.Target.API, APIKeyEnv: s.Target.APIKeyEnv,
		IgnoreEOS: s.Workload.IgnoreEOS, Seed: int64(s.Workload.Seed),
		Concurrency: s.Load.Concurrency, Requests: s.Load.Requests, Duration: time.Duration(s.Load.Duration),
		Timeout: time.Duration(s.Load.Timeout), Arrival: loadgen.Arrival(s.Load.Arrival), Burstiness: s.Load.Burstiness,
		MaxConcurrency: s.Load.MaxConcurrency, RampUp: time.Duration(s.Load.RampUp),
		SLO:        report.SLOOf(s.SLO),
		GPUBackend: s.GPU.Backend, GPUURL: s.GPU.URL, GPUInterval: time.Duration(s.GPU.Interval),
		Out: c.String(flagOut), Quiet: c.Bool(flagQuiet), ServerMetrics: c.String(flagServerMetric),
		Retries: c.Int(flagRetries), ContinuousUsage: c.Bool(flagContUsage), NoProbe: c.Bool(flagNoProbe),
		ServerVersion: c.String(flagServerVersion), ServerArgs: c.String(flagServerArgs),
		Grace: c.Duration(flagGrace), Force: c.Bool(flagForce), abort: abortOf(c.Context),
	}
	if o.Out == "" {
		return nil, usagef("--%s is required: the run directory to create", flagOut)
	}
	if s.Load.Warmup != nil {
		o.Warmup = *s.Load.Warmup
	}
	o.Insecure, o.APIKeyFile = c.Bool(flagInsecure), c.String(flagAPIKeyFile)
	switch {
	case o.APIKeyFile != "":
		key, err := readKeyFile(o.APIKeyFile)
		if err != nil {
			return nil, usagef("--%s: %v", flagAPIKeyFile, err)
		}
		o.apiKey = key
	case o.APIKeyEnv != "":
		o.apiKey = os.Getenv(o.APIKeyEnv)
	}
	switch {
	case s.Load.Sweep != nil:
		o.Sweep = s.Load.Sweep.Concurrencies()
	case s.Load.Rate != nil:
		o.Rates = s.Load.Rate
	}
	if cs := s.Load.CapacitySearch; cs != nil && cs.Bisect {
		o.BisectSteps = cs.Steps
	}

	// Lengths: fixed numbers stay plain (the synthetic prompt path);
	// distributions are drawn per request id from a generator seeded by
	// (seed, id), so every run with the seed sends the same lengths.
	pd, od := s.Workload.PromptTokens, s.Workload.OutputTokens
	o.PromptTokens, o.MaxTokens = max(pd.Value, 1), max(od.Value, 1)
	if pd.Kind != scenarios.DistFixed || od.Kind != scenarios.DistFixed {
		seed := s.Workload.Seed
		o.Lengths = func(id uint64) (int, int) {
			rng := rand.New(rand.NewPCG(seed, id^0x9e3779b97f4a7c15))
			return pd.Sample(rng), od.Sample(rng)
		}
	}
	if ds := s.Workload.Dataset; ds != nil {
		prompts, err := scenarios.ReadPromptsFile(s.Path(ds.File), ds.Format)
		if err != nil {
			return nil, usagef("workload.dataset: %v", err)
		}
		if prompts.Len() == 0 {
			return nil, usagef("workload.dataset: %s holds no prompt", ds.File)
		}
		prompts = prompts.Shuffle(s.Workload.Seed)
		outLen := o.Lengths
		o.Prompt = func(id uint64) (string, int) {
			p := prompts.At(id)
			return p.Text, p.PromptTokens
		}
		o.Lengths = func(id uint64) (int, int) {
			p := prompts.At(id)
			if p.OutputTokens > 0 {
				return p.PromptTokens, p.OutputTokens
			}
			if outLen != nil {
				_, out := outLen(id)
				return p.PromptTokens, out
			}
			return p.PromptTokens, o.MaxTokens
		}
	}
	if tr := s.Load.Trace; tr != nil {
		entries, err := scenarios.ReadTraceFile(s.Path(tr.File))
		if err != nil {
			return nil, usagef("load.trace: %v", err)
		}
		scale := tr.TimeScale
		if scale == 0 {
			scale = 1
		}
		for _, e := range entries {
			o.Trace = append(o.Trace, loadgen.TraceArrival{Offset: time.Duration(float64(e.Offset) * scale),
				PromptTokens: e.PromptTokens, OutputTokens: e.OutputTokens})
		}
		if len(o.Trace) == 0 {
			return nil, usagef("load.trace: %s holds no request", filepath.Base(tr.File))
		}
	}

	switch sp := c.String(flagSpread); sp {
	case "auto":
		o.SpreadAuto = true
	default:
		d, err := time.ParseDuration(sp)
		if err != nil || d < 0 {
			return nil, usagef("--%s: want auto or a non-negative duration, got %q", flagSpread, sp)
		}
		o.Spread = d
	}
	switch {
	case o.Grace < 0:
		return nil, usagef("--%s must not be negative", flagGrace)
	case o.Retries < 0:
		return nil, usagef("--%s must not be negative", flagRetries)
	case o.GPUInterval <= 0:
		return nil, usagef("--%s must be positive", flagRunGPUInterval)
	case o.Timeout <= 0:
		return nil, usagef("--%s must be positive", flagTimeout)
	case !kindHasAPI(o.Kind, o.API):
		k, _ := registry.Lookup(o.Kind)
		return nil, usagef("--%s: target %s speaks %v, not %q", flagAPI, o.Kind, k.APIs, o.API)
	}
	if o.Rates != nil {
		if _, err := loadgen.NewArrivals(o.Arrival, o.Rates[0], o.Burstiness, o.RampUp, 1); err != nil {
			return nil, usagef("%v", err)
		}
	}
	if o.Requests == 0 && o.Duration <= 0 && o.Trace == nil {
		return nil, usagef("set --%s or --%s: the run would never end", flagRequests, flagDuration)
	}
	return o, nil
}

// readKeyFile reads an API key: the file's first line, trimmed. Errors never
// include the file's content.
func readKeyFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	key := strings.TrimSpace(line)
	if key == "" {
		return "", fmt.Errorf("%s: the first line is empty", path)
	}
	return key, nil
}

// kindHasAPI reports whether target kind speaks api (unknown kinds are left
// to registry.New, which names the known ones).
func kindHasAPI(kind, api string) bool {
	k, ok := registry.Lookup(kind)
	return !ok || slices.Contains(k.APIs, api)
}

// applyKindDefaults fills what the target kind implies where neither the
// scenario nor a flag said: its default API, key variable and (for hosted
// APIs) URL. Without a kind, the scenario default (openai) applies first.
func applyKindDefaults(s *scenarios.Scenario) {
	if s.Target.Kind == "" {
		s.Target.Kind = scenarios.DefaultKind
	}
	k, ok := registry.Lookup(s.Target.Kind)
	if !ok {
		return
	}
	if s.Target.API == "" && len(k.APIs) > 0 {
		s.Target.API = k.APIs[0]
	}
	if s.Target.APIKeyEnv == "" {
		s.Target.APIKeyEnv = k.KeyEnv
	}
	if s.Target.URL == "" {
		s.Target.URL = k.URL
	}
}
