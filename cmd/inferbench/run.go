package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/gpu/backend"
	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/session"
)

// Flag names of `run` (a contract: extend, never rename).
const (
	flagTarget         = "target"
	flagURL            = "url"
	flagModel          = "model"
	flagAPI            = "api"
	flagAPIKeyEnv      = "api-key-env"
	flagConcurrency    = "concurrency"
	flagRequests       = "requests"
	flagDuration       = "duration"
	flagWarmup         = "warmup"
	flagMaxTokens      = "max-tokens"
	flagPromptTokens   = "prompt-tokens"
	flagIgnoreEOS      = "ignore-eos"
	flagStop           = "stop"
	flagTimeout        = "timeout"
	flagSpread         = "spread"
	flagSeed           = "seed"
	flagOut            = "out"
	flagQuiet          = "quiet"
	flagScenario       = "scenario"
	flagSweep          = "sweep"
	flagRate           = "rate"
	flagArrival        = "arrival"
	flagBurstiness     = "burstiness"
	flagMaxConc        = "max-concurrency"
	flagRampUp         = "ramp-up"
	flagBisect         = "bisect"
	flagRunGPU         = "gpu"
	flagRunGPUBackend  = "gpu-backend"
	flagRunGPUURL      = "gpu-url"
	flagRunGPUInterval = "gpu-interval"
	flagServerMetric   = "server-metrics"
	flagRetries        = "retries"
	flagContUsage      = "continuous-usage"
	flagGrace          = "grace"
	flagForce          = "force"
	flagNoProbe        = "no-probe"
	flagServerVersion  = "server-version"
	flagServerArgs     = "server-args"
	flagInsecure       = "insecure"
	flagHTTP1          = "http1"
	flagAPIKeyFile     = "api-key-file"
)

func runCommand(hard context.Context) *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "benchmark an endpoint and write a run directory",
		UsageText: "inferbench run --target KIND --url URL --model NAME --concurrency N --requests N --out DIR [options]",
		Description: `Drives load against the endpoint — N concurrent streams, a --sweep of levels,
an open-loop --rate, a trace or a --scenario — and writes the run directory:
run.json (what was run), requests.jsonl (one record per request, written as it
completes), summary.json, and what was watched meanwhile (gpu.jsonl,
server.jsonl, client.jsonl); prints the results table.
--url is the server root (http://host:8000); the adapter adds the API path (a
URL that already ends in it is refused). The API key is read from the
environment variable named by --api-key-env (or --api-key-file) and is never
written anywhere. Ctrl-C stops the run early and still leaves a complete,
reportable run directory (a second Ctrl-C cancels the requests in flight).`,
		Flags: slices.Concat([]cli.Flag{
			targetFlag(),
			&cli.StringFlag{Name: flagScenario, Usage: "scenario: a shipped name (inferbench scenarios list) or a YAML file; flags given explicitly override its fields"},
			&cli.StringFlag{Name: flagURL, Usage: "server root URL, e.g. http://127.0.0.1:8000 (required unless the scenario sets it)", EnvVars: []string{"INFERBENCH_URL"}},
			&cli.StringFlag{Name: flagModel, Usage: "model name the server serves (required unless the scenario sets it)"},
			&cli.StringFlag{Name: flagAPI, Usage: "API of the target: chat, completions, responses or native, as the kind speaks them (inferbench targets list); default: the kind's first"},
			&cli.StringFlag{Name: flagAPIKeyEnv, Usage: "name of the environment variable holding the API key; default: the kind's (OPENAI_API_KEY, VLLM_API_KEY, ANTHROPIC_API_KEY, …; inferbench targets list)"},
			&cli.StringFlag{Name: flagServerVersion, Usage: "the serving software's version, recorded in run.json (default: asked of the server where it says: vLLM /version, TGI /info, Ollama /api/version, llama.cpp /props)"},
			&cli.StringFlag{Name: flagServerArgs, Usage: "the server's launch flags, recorded in run.json so comparisons can tell settings apart (servers do not report them); the values of secret-named flags and variables (--api-key, --hf-token, HF_TOKEN=…) are recorded as REDACTED"},
			&cli.BoolFlag{Name: flagNoProbe, Usage: "skip the probe request that checks the key, model and stream before the load starts (each level's spread probe is --spread's: --spread 0 skips it)"},
			&cli.IntFlag{Name: flagConcurrency, Aliases: []string{"c"}, Value: 1, Usage: "number of concurrent closed-loop streams"},
			&cli.IntFlag{Name: flagRequests, Aliases: []string{"n"}, Value: 100, Usage: "measured requests to send (warm-up not counted); 0 with --duration for no count limit"},
			&cli.DurationFlag{Name: flagDuration, Usage: "stop sending new requests after this long (0: no limit)"},
			&cli.IntFlag{Name: flagWarmup, Value: 0, Usage: "warm-up requests sent first, recorded with stage warmup and excluded from metrics"},
			&cli.IntFlag{Name: flagMaxTokens, Value: 128, Usage: "output tokens per request (max_tokens)"},
			&cli.IntFlag{Name: flagPromptTokens, Value: 128, Usage: "prompt length in tokens (synthetic prompt)"},
			&cli.BoolFlag{Name: flagIgnoreEOS, Value: true, Usage: "ask the server for exactly --max-tokens tokens (vLLM ignore_eos/min_tokens) where the protocol allows"},
			&cli.GenericFlag{Name: flagStop, Value: &cmdline.Words{}, Usage: "a stop sequence every request sends (workload.stop), taken whole, commas too; once per sequence (bash: --stop $'\\n\\nUser:')"},
			&cli.DurationFlag{Name: flagTimeout, Value: scenarios.DefaultTimeout, Usage: "per-request deadline, send to end of stream"},
			&cli.StringFlag{Name: flagSpread, Value: "auto", Usage: "spread of the workers' first requests: auto (one unmeasured probe request's duration, at most 10s), or a duration (0: all at once)"},
			&cli.Int64Flag{Name: flagSeed, Value: 1, Usage: "seed of lengths and arrivals; given explicitly, of the prompts' text too (same seed, same prompts); without it every run's prompts are its own"},
			&cli.StringFlag{Name: flagOut, Usage: "run directory to create (must not already hold a run)", Required: true},
		}, sloFlags(", e.g. 1s (goodput; capacity at p95)", ", e.g. 50ms", ", e.g. 30s", ", e.g. 100ms"), []cli.Flag{
			quietFlag(),
			&cli.StringFlag{Name: flagSweep, Usage: "closed-loop concurrency levels to sweep, e.g. 1,2,4,8,16 (each with its own warm-up and --requests)"},
			&cli.StringFlag{Name: flagRate, Usage: "open loop: requests per second, or a list of rates to sweep (e.g. 5,10,20)"},
			&cli.StringFlag{Name: flagArrival, Value: "poisson", Usage: "open-loop arrival process: constant, poisson or gamma"},
			&cli.Float64Flag{Name: flagBurstiness, Value: 1, Usage: "gamma arrivals: shape (1 = Poisson, < 1 burstier, > 1 smoother)"},
			&cli.IntFlag{Name: flagMaxConc, Usage: "open loop: cap on requests in flight (0: none); waits show as send lag"},
			&cli.DurationFlag{Name: flagRampUp, Usage: "open loop: ramp the rate up linearly over this long"},
			&cli.StringFlag{Name: flagRunGPU, Usage: "the serving box's GPU as a catalog `ID[xN]` (h100-sxm, a100-80gbx2; inferbench gpus): recorded in run.json as stated by the user, and used for cost when telemetry does not see the GPU (a server on another machine)"},
			&cli.StringFlag{Name: flagRunGPUBackend, Value: backend.Auto, Usage: "GPU telemetry: " + strings.Join(backend.Names(), ", ") + " (auto: NVML, else nvidia-smi, else off)"},
			&cli.StringFlag{Name: flagRunGPUURL, Usage: "dcgm: the exporter's metrics URL; mock: the mock's URL (default: --url)", EnvVars: []string{"INFERBENCH_GPU_URL"}},
			&cli.DurationFlag{Name: flagRunGPUInterval, Value: gpu.DefaultInterval, Usage: "GPU and server metrics sampling period"},
			&cli.StringFlag{Name: flagServerMetric, Value: "auto", Usage: "scrape the server's Prometheus metrics into server.jsonl: auto (self-hosted kinds), off, or a URL"},
			&cli.IntFlag{Name: flagRetries, Usage: "resend a request that failed with 429, 5xx or a connection error up to N times (none unless asked: a benchmark must see failures); retried attempts are counted apart"},
			&cli.BoolFlag{Name: flagContUsage, Usage: "vLLM: ask for cumulative usage on every chunk (stream_options.continuous_usage_stats) so multi-token chunks are counted exactly"},
			&cli.DurationFlag{Name: flagGrace, Value: session.DefaultGrace, Usage: "on Ctrl-C, how long requests in flight may finish before they are cancelled (a second Ctrl-C cancels at once)"},
			&cli.BoolFlag{Name: flagInsecure, Usage: "skip TLS certificate verification (recorded in run.json; never the default)"},
			&cli.BoolFlag{Name: flagHTTP1, Usage: "speak HTTP/1.1 over TLS too, one connection per stream, as vLLM's benchmark and the Python SDKs do (Go takes HTTP/2 where a TLS server offers it; recorded in run.json)"},
			&cli.StringFlag{Name: flagAPIKeyFile, Usage: "read the API key from this file instead of the environment (first line; the file's path is recorded, never its content)"},
			&cli.BoolFlag{Name: flagForce, Usage: "replace the run in --out if it already holds one"},
			&cli.IntFlag{Name: flagBisect, Usage: "after a sweep with an SLO: extra levels bisecting between the last passing and first failing level (0: none, a scenario's search turned off)"},
		}, shardFlags(), liveFlags(), adaptiveFlags(), sessionFlags(), promptFlags()),
		Action: func(c *cli.Context) error {
			if err := cmdline.NoArgs(c, "run"); err != nil {
				return err
			}
			opts, err := runOptionsFrom(c)
			if err != nil {
				return err
			}
			lr, err := liveRunFrom(c)
			if err != nil {
				return err
			}
			if hard == nil {
				hard = c.Context
			}
			return runWatched(hard, c.Context, opts, c.Bool(flagQuiet), lr, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// runRun runs o (session.Run: drain on the first Ctrl-C, cancel on the
// second) and prints the results table; the exit code says how it went.
func runRun(hard, drain context.Context, o *session.Options, quiet bool, stdout, stderr io.Writer) error {
	return runWatched(hard, drain, o, quiet, nil, stdout, stderr)
}

// runWatched is runRun watched as lr says (nil: not at all): progress on
// stderr, the live server.
func runWatched(hard, drain context.Context, o *session.Options, quiet bool, lr *liveRun, stdout, stderr io.Writer) error {
	view, err := lr.start(o, stderr)
	if err != nil {
		return err
	}
	runBegun.Store(true)
	res, err := session.Run(hard, drain, o, viewStderr(view, stderr))
	stopView(view, res)
	defer lr.close(drain, view, res)
	if res == nil {
		return runError(err)
	}
	if res.Summary != nil && !quiet {
		// A reader gone (run … | head -1) reads no table: the run's verdict stands.
		if werr := report.WriteTableFit(stdout, res.Summary, res.Manifest, report.TerminalWidth(stdout)); werr != nil && err == nil && !errors.Is(werr, syscall.EPIPE) {
			err = werr
		}
	}
	m := res.Manifest
	switch {
	case m.ExitState == rundir.ExitInterrupted:
		return &exitCodeError{code: exitInterrupted, err: fmt.Errorf("run interrupted; %s in %s: complete and reportable", printable.Count(int(m.Records), "record"), o.Out)}
	case err != nil:
		return runError(err)
	}
	if err := session.Verdict(res.Summary, o); err != nil {
		code := exitFailed
		if errors.Is(err, session.ErrNothingMeasured) {
			code = exitUsage // no answer, not a bad one
		}
		return &exitCodeError{code: code, err: err}
	}
	return nil
}

// runError maps a run's error to its exit code: the user's mistake (2), an
// interruption before anything ran (130), or a failure (1).
func runError(err error) error {
	if ie, ok := errors.AsType[*session.InputError](err); ok {
		return usagef("%v", ie.Err)
	}
	return err
}
