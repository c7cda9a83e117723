package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/session"
)

// runOptionsFrom resolves what to run: the scenario file (if any), then the
// flags given explicitly on top of it, then the scenario's defaults; without
// a scenario every flag applies with its default. Flags and files share one
// path, so run.json always stores the resolved scenario.
func runOptionsFrom(c *cli.Context) (*session.Options, error) {
	s, err := scenarioFromFlags(c)
	if err != nil {
		return nil, err
	}
	if err := keyEnvSet(c, s); err != nil {
		return nil, err
	}
	session.ApplyKindDefaults(s)
	s.ApplyDefaults()
	if err := s.ValidateRunnable(); err != nil {
		return nil, usagef("%v", flagNamed(c, c.IsSet(flagScenario), err))
	}
	o, err := session.FromScenario(s, session.Extras{
		Out: c.String(flagOut), ServerMetrics: c.String(flagServerMetric), APIKeyFile: c.String(flagAPIKeyFile),
		Spread: c.String(flagSpread), ServerVersion: c.String(flagServerVersion), ServerArgs: c.String(flagServerArgs),
		Retries: c.Int(flagRetries), Grace: c.Duration(flagGrace), ContinuousUsage: c.Bool(flagContUsage),
		NoProbe: c.Bool(flagNoProbe), Force: c.Bool(flagForce), Insecure: c.Bool(flagInsecure), HTTP1: c.Bool(flagHTTP1), Version: toolVersion(),
		GPUStated: c.String(flagRunGPU),
		SeedSet:   c.IsSet(flagSeed),
	})
	if err != nil {
		return nil, runError(err)
	}
	if err := shardFrom(c, o); err != nil {
		return nil, err
	}
	return o, nil
}

// keyEnvSet checks a key variable named by the user (before the kind's
// default is filled in): --api-key-env naming a variable that is not set,
// or is empty, is a typo or a forgotten export, refused before anything is
// sent (it ran without a key, and only a server that checks keys said so).
// A scenario file's target.api_key_env unset is warned of: a shared file
// may name a key a local server does not need. A key file replaces the
// variable: nothing to check. The variable's value is never printed.
func keyEnvSet(c *cli.Context, s *scenarios.Scenario) error {
	env := s.Target.APIKeyEnv
	if env == "" || c.String(flagAPIKeyFile) != "" || os.Getenv(env) != "" {
		return nil
	}
	if c.IsSet(flagAPIKeyEnv) {
		return usagef("--%s %s: the environment variable is not set or is empty: export it, or give --%s", flagAPIKeyEnv, env, flagAPIKeyFile)
	}
	fmt.Fprintf(c.App.ErrWriter, "inferbench: warning: target.api_key_env %s is not set or is empty: requests go without a key\n", env)
	return nil
}

// scenarioFromFlags loads --scenario (or starts empty) and lays the flags
// over it: with a scenario only the flags set on the command line, without
// one every flag, defaults included.
func scenarioFromFlags(c *cli.Context) (*scenarios.Scenario, error) {
	fromFile := c.IsSet(flagScenario)
	s := &scenarios.Scenario{Name: "command-line"}
	if fromFile {
		var err error
		if s, err = openScenario(c.String(flagScenario)); err != nil {
			return nil, usagef("%v", err)
		}
	}
	set := func(name string) bool { return !fromFile || c.IsSet(name) }
	if err := zeroFlags(c); err != nil {
		return nil, err
	}
	targetFromFlags(c, s, set)
	workloadFromFlags(c, s, set)
	if err := sessionsFromFlags(c, s); err != nil {
		return nil, err
	}
	if err := loadFromFlags(c, s, set, fromFile); err != nil {
		return nil, err
	}
	if err := adaptiveFromFlags(c, &s.Load); err != nil {
		return nil, err
	}
	if fromFile {
		searchesForFlagLevels(c, s)
	}
	if err := promptsFromFlags(c, s); err != nil {
		return nil, err
	}
	sloAndGPUFromFlags(c, s, set)
	known := session.ScenarioKnown()
	if err := errors.Join(s.Validate(), s.CheckKind(known.Kinds), s.CheckGate(known.GateLimit), s.CheckTarget(known.Target), s.CheckStop(known.Stop)); err != nil {
		return nil, usagef("%v", flagNamed(c, fromFile, err))
	}
	return s, nil
}

// openScenario opens a shipped scenario or a file and checks its target
// kind against the registry, the one table of kinds, and its gate; what
// the kind can do (its APIs, the stop sequences it sends) is checked once
// run's flags (--target, --api, --model) are laid over it.
func openScenario(ref string) (*scenarios.Scenario, error) {
	known := session.ScenarioKnown()
	known.Target, known.Stop = nil, nil
	return scenarios.OpenChecked(ref, known)
}

// setFunc says whether a flag applies: given on the command line, or any
// flag (defaults included) when there is no scenario file.
type setFunc func(name string) bool

// zeroFlags refuses the zero values that have no meaning, rather than
// letting them fall back to a default unseen (issue #17 item 16): output
// and prompt lengths of 0, a concurrency of 0 (the scenario takes 0 as
// "not set": -c 0 said "give one of concurrency, sweep, rate or trace", and
// with --scenario qualify blamed the file's capacity_search), a zero
// timeout, and --requests 0 without --duration (0 means "no count limit",
// which needs a time limit).
func zeroFlags(c *cli.Context) error {
	for _, f := range []string{flagMaxTokens, flagPromptTokens, flagConcurrency} {
		if c.IsSet(f) && c.Int(f) < 1 {
			return usagef("--%s must be at least 1, got %d", f, c.Int(f))
		}
	}
	if c.IsSet(flagTimeout) && c.Duration(flagTimeout) <= 0 {
		return usagef("--%s must be positive, got %s", flagTimeout, c.Duration(flagTimeout))
	}
	if c.IsSet(flagRequests) && c.Int(flagRequests) == 0 && !c.IsSet(flagDuration) {
		return usagef("--%s 0 means no count limit: give --%s too, or a count", flagRequests, flagDuration)
	}
	if c.IsSet(flagRequests) && c.Int(flagRequests) < 0 {
		return usagef("--%s must not be negative, got %d", flagRequests, c.Int(flagRequests))
	}
	return nil
}

// targetFromFlags lays the target flags over s.
func targetFromFlags(c *cli.Context, s *scenarios.Scenario, set setFunc) {
	assign(set(flagTarget), &s.Target.Kind, c.String(flagTarget))
	assign(set(flagURL) && c.String(flagURL) != "", &s.Target.URL, c.String(flagURL))
	assign(set(flagModel) && c.String(flagModel) != "", &s.Target.Model, c.String(flagModel))
	assign(c.IsSet(flagAPI), &s.Target.API, c.String(flagAPI))
	assign(c.IsSet(flagAPIKeyEnv), &s.Target.APIKeyEnv, c.String(flagAPIKeyEnv))
}

// workloadFromFlags lays the workload flags over s.
func workloadFromFlags(c *cli.Context, s *scenarios.Scenario, set setFunc) {
	assign(set(flagPromptTokens), &s.Workload.PromptTokens, scenarios.Fixed(c.Int(flagPromptTokens)))
	assign(set(flagMaxTokens), &s.Workload.OutputTokens, scenarios.Fixed(c.Int(flagMaxTokens)))
	assign(set(flagIgnoreEOS), &s.Workload.IgnoreEOS, c.Bool(flagIgnoreEOS))
	assign(c.IsSet(flagStop), &s.Workload.Stop, scenarios.Stop(*c.Generic(flagStop).(*cmdline.Words)))
	assign(set(flagSeed), &s.Workload.Seed, new(uint64(c.Int64(flagSeed))))
}

// loadFromFlags lays the load flags over s's load: an explicit load kind
// (sweep, rate, concurrency) replaces the scenario's, and a closed-loop one
// its open-loop settings too (an open-loop flag given with it is still
// refused, by its name).
func loadFromFlags(c *cli.Context, s *scenarios.Scenario, set setFunc, fromFile bool) error {
	ld := &s.Load
	clearKind := s.ClearLoadKind
	// The flag's default (1) stands for "not given" in the scenario; a 0
	// given would fall back to it unseen, so it is refused here (the
	// scenario checks the rest of its range).
	if c.IsSet(flagBurstiness) && !(c.Float64(flagBurstiness) > 0) {
		return usagef("--%s: must be > 0 (the gamma shape; 1 is Poisson), got %g", flagBurstiness, c.Float64(flagBurstiness))
	}
	switch {
	case c.IsSet(flagSweep) && c.IsSet(flagRate):
		return usagef("--%s and --%s exclude each other: sweep concurrency or rate, not both", flagSweep, flagRate)
	case c.IsSet(flagConcurrency) && (c.IsSet(flagSweep) || c.IsSet(flagRate)):
		return usagef("--%s goes with neither --%s (the levels are its concurrencies) nor --%s (cap an open loop with --%s)",
			flagConcurrency, flagSweep, flagRate, flagMaxConc)
	case c.IsSet(flagSweep):
		levels, err := parseList(c.String(flagSweep), strconv.Atoi)
		if err != nil || slices.ContainsFunc(levels, func(n int) bool { return n < 1 }) {
			return usagef("--%s: want a comma-separated list of concurrencies ≥ 1, got %q", flagSweep, c.String(flagSweep))
		}
		clearKind()
		s.ClearOpenLoop()
		ld.Sweep = &scenarios.Sweep{Levels: levels}
	case c.IsSet(flagRate):
		rates, err := parseList(c.String(flagRate), func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
		if err != nil || slices.ContainsFunc(rates, func(r float64) bool { return !(r > 0) || math.IsInf(r, 0) }) {
			return usagef("--%s: want requests per second > 0 (or a comma-separated list), got %q", flagRate, c.String(flagRate))
		}
		clearKind()
		ld.Rate = rates
	case c.IsSet(flagConcurrency) || !fromFile:
		clearKind()
		s.ClearOpenLoop()
		ld.Concurrency = c.Int(flagConcurrency)
	}
	assign(set(flagArrival) && ld.Rate != nil, &ld.Arrival, scenarios.Arrival(c.String(flagArrival)))
	assign(set(flagBurstiness) && ld.Rate != nil && ld.Arrival == scenarios.ArrivalGamma, &ld.Burstiness, c.Float64(flagBurstiness))
	assign(c.IsSet(flagMaxConc), &ld.MaxConcurrency, c.Int(flagMaxConc))
	assign(c.IsSet(flagRampUp), &ld.RampUp, scenarios.Duration(c.Duration(flagRampUp)))
	switch {
	case c.IsSet(flagDuration) && !c.IsSet(flagRequests):
		// --duration alone means "for this long": the default count
		// does not cap it.
		ld.Requests = 0
	case set(flagRequests):
		ld.Requests = c.Int(flagRequests)
	}
	assign(set(flagDuration), &ld.Duration, scenarios.Duration(c.Duration(flagDuration)))
	if set(flagWarmup) {
		w := c.Int(flagWarmup)
		ld.Warmup = &w
	}
	assign(set(flagTimeout), &ld.Timeout, scenarios.Duration(c.Duration(flagTimeout)))
	if c.IsSet(flagBisect) {
		// The flag replaces the file's capacity_search whole; 0 turns it
		// off (a sweep's bisection, or a scenario's search over a single
		// level given by flag).
		ld.CapacitySearch = nil
		if n := c.Int(flagBisect); n != 0 {
			ld.CapacitySearch = &scenarios.CapacitySearch{Bisect: n > 0, Steps: n}
		}
	}
	if fromFile {
		// A value a flag replaced is the flag's: the file's position of it
		// (and of what was below it, a capacity_search's steps) no longer
		// holds it, so validation judges the value alone and names the
		// flag (flagNamed).
		for path, f := range pathFlags {
			if c.IsSet(f) {
				s.Forget(path)
			}
		}
	}
	return nil
}

// sloAndGPUFromFlags lays the SLO and GPU telemetry flags over s.
func sloAndGPUFromFlags(c *cli.Context, s *scenarios.Scenario, set setFunc) {
	for _, f := range []struct {
		name string
		dst  *scenarios.Duration
	}{{flagSLOTTFT, &s.SLO.TTFT}, {flagSLOTPOT, &s.SLO.TPOT}, {flagSLOE2E, &s.SLO.E2E}, {flagSLOITL, &s.SLO.ITL}} {
		assign(c.IsSet(f.name), f.dst, scenarios.Duration(c.Duration(f.name)))
	}
	assign(c.IsSet(flagSLOPct), &s.SLO.Percentile, c.Float64(flagSLOPct))
	assign(set(flagRunGPUBackend), &s.GPU.Backend, c.String(flagRunGPUBackend))
	assign(cmdline.Typed(c, flagRunGPUURL) || c.IsSet(flagRunGPUURL) && s.GPU.TakesURL(), &s.GPU.URL, c.String(flagRunGPUURL))
	assign(set(flagRunGPUInterval), &s.GPU.Interval, scenarios.Duration(c.Duration(flagRunGPUInterval)))
}

// pathFlags names the flag that sets each load, target and length value, so that a
// problem in a value given on the command line names the flag typed, not
// the YAML path it lands in (a value from a file keeps its file:line:col).
var pathFlags = map[string]string{
	"load.rate": flagRate, "load.arrival": flagArrival, "load.burstiness": flagBurstiness,
	"load.ramp_up": flagRampUp, "load.duration": flagDuration, "load.requests": flagRequests,
	"load.warmup": flagWarmup, "load.max_concurrency": flagMaxConc, "load.concurrency": flagConcurrency, "load.sweep": flagSweep,
	"load.capacity_search": flagBisect, "load.capacity_search.steps": flagBisect, "load.adaptive.search": "search",
	"target.kind": flagTarget, "target.api": flagAPI, "target.url": flagURL, "target.model": flagModel,
	"workload.prompt_tokens": flagPromptTokens, "workload.output_tokens": flagMaxTokens, "workload.stop": flagStop,
	"load.timeout": flagTimeout, "target.api_key_env": flagAPIKeyEnv,
	"slo.ttft": flagSLOTTFT, "slo.tpot": flagSLOTPOT, "slo.e2e": flagSLOE2E, "slo.itl": flagSLOITL, "slo.percentile": flagSLOPct,
	"gpu.backend": flagRunGPUBackend, "gpu.url": flagRunGPUURL, "gpu.interval": flagRunGPUInterval,
	"workload.shared_prefix_tokens": flagSharedPrefix, "workload.prefix_groups": flagPrefixGroups,
	"workload.prompt_sizing": flagPromptSizing, "workload.tokenizer": flagTokenizer,
	"workload.dataset": flagDataset, "workload.dataset.file": flagDataset, "workload.dataset.format": flagDataset,
	"workload.dataset.min_input": flagDatasetMinIn, "workload.dataset.max_input": flagDatasetMaxIn,
	"workload.dataset.min_output": flagDatasetMinOut, "workload.dataset.max_output": flagDatasetMaxOut,
	"workload.dataset.output_tokens": flagDatasetOut, "workload.turns": "turns", "workload.think_time": "think-time",
}

// searchesForFlagLevels fits a scenario file's capacity searches to the
// level flags laid over it (Scenario.FitSearches), with a note when it
// turned the file's off: --scenario qualify --concurrency 4 runs the one
// level (it was refused, the file's lines blamed for the flag's level). A
// search the flags ask for (--bisect N, --search) over one level is refused
// by validation, by its flag's name: the note would say too much.
func searchesForFlagLevels(c *cli.Context, s *scenarios.Scenario) {
	var flag string
	for _, f := range []string{flagConcurrency, flagRate, flagSweep} {
		if c.IsSet(f) {
			flag = f
		}
	}
	off := s.FitSearches(flag != "", c.IsSet(flagBisect), c.IsSet("search"))
	if asked := (c.IsSet(flagBisect) && c.Int(flagBisect) != 0) || c.Bool("search"); len(off) > 0 && !asked {
		fmt.Fprintf(c.App.ErrWriter, "inferbench: note: --%s %s is one level: the scenario's capacity search (%s) is off; --sweep or a --rate list searches\n",
			flag, c.String(flag), strings.Join(off, ", "))
	}
}

// flagNamed rewrites the scenario errors of err that concern a load value
// set by a flag (the flag given, or no scenario file) as "--flag: message".
// Over a file, such an error still carries a line of it (where the value
// the flag replaced was written, or the section the key would sit in), but
// the value judged is the flag's: the flag is named, not the line.
func flagNamed(c *cli.Context, fromFile bool, err error) error {
	var out []error
	for _, e := range scenarios.Leaves(err) {
		var se *scenarios.Error
		if errors.As(e, &se) {
			path, _, _ := strings.Cut(se.Path, "[")
			if f, ok := pathFlags[path]; ok && (!fromFile || c.IsSet(f)) {
				e = fmt.Errorf("--%s: %s", f, se.Msg)
			}
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

// assign sets *dst to v when ok: one flag laid over one field.
func assign[T any](ok bool, dst *T, v T) {
	if ok {
		*dst = v
	}
}
