package main

import (
	"errors"
	"fmt"
	"os"

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
	if err := runnable(c, s); err != nil {
		return nil, err
	}
	o, err := session.FromScenario(s, runExtras(c))
	if err != nil {
		return nil, runError(err)
	}
	if err := shardFrom(c, o); err != nil {
		return nil, err
	}
	return o, nil
}

// runnable fills in s's defaults, its kind's then its own, and refuses
// what cannot run, naming the flag that set it; run and k8s manifest's
// check of its pods (podRunCheck) both take s so.
func runnable(c *cli.Context, s *scenarios.Scenario) error {
	session.ApplyKindDefaults(s)
	s.ApplyDefaults()
	if err := s.ValidateRunnable(); err != nil {
		return usagef("%v", scenarios.FlagNamed(c, c.IsSet(flagScenario), err))
	}
	return nil
}

// runExtras are run's flags that only exist as flags.
func runExtras(c *cli.Context) session.Extras {
	return session.Extras{
		Out: c.String(flagOut), ServerMetrics: c.String(flagServerMetric), APIKeyFile: c.String(flagAPIKeyFile),
		Spread: c.String(flagSpread), ServerVersion: c.String(flagServerVersion), ServerArgs: c.String(flagServerArgs),
		Retries: c.Int(flagRetries), Grace: c.Duration(flagGrace), ContinuousUsage: c.Bool(flagContUsage),
		NoProbe: c.Bool(flagNoProbe), Force: c.Bool(flagForce), Insecure: c.Bool(flagInsecure), HTTP1: c.Bool(flagHTTP1), Version: toolVersion(),
		GPUStated: c.String(flagRunGPU),
		SeedSet:   c.IsSet(flagSeed),
	}
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
	// The target and load flags, as k8s manifest lays those after --.
	notes, err := scenarios.LayRunFlags(s, c, fromFile)
	if err != nil {
		return nil, usagef("%v", err)
	}
	for _, n := range notes {
		fmt.Fprintf(c.App.ErrWriter, "inferbench: note: %s\n", n)
	}
	workloadFromFlags(c, s, set)
	if err := sessionsFromFlags(c, s); err != nil {
		return nil, err
	}
	if err := promptsFromFlags(c, s); err != nil {
		return nil, err
	}
	sloAndGPUFromFlags(c, s, set)
	known := session.ScenarioKnown()
	if err := errors.Join(s.Validate(), s.CheckKind(known.Kinds), s.CheckGate(known.GateLimit), s.CheckTarget(known.Target), s.CheckStop(known.Stop)); err != nil {
		return nil, usagef("%v", scenarios.FlagNamed(c, fromFile, err))
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

// workloadFromFlags lays the workload flags over s.
func workloadFromFlags(c *cli.Context, s *scenarios.Scenario, set func(string) bool) {
	assign(set(flagPromptTokens), &s.Workload.PromptTokens, scenarios.Fixed(c.Int(flagPromptTokens)))
	assign(set(flagMaxTokens), &s.Workload.OutputTokens, scenarios.Fixed(c.Int(flagMaxTokens)))
	assign(set(flagIgnoreEOS), &s.Workload.IgnoreEOS, c.Bool(flagIgnoreEOS))
	assign(c.IsSet(flagStop), &s.Workload.Stop, scenarios.Stop(*c.Generic(flagStop).(*cmdline.Words)))
	assign(set(flagSeed), &s.Workload.Seed, new(uint64(c.Int64(flagSeed))))
}

// sloAndGPUFromFlags lays the SLO and GPU telemetry flags over s.
func sloAndGPUFromFlags(c *cli.Context, s *scenarios.Scenario, set func(string) bool) {
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

// assign sets *dst to v when ok: one flag laid over one field.
func assign[T any](ok bool, dst *T, v T) {
	if ok {
		*dst = v
	}
}
