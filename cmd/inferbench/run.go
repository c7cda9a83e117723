package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/sync/errgroup"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/gpu/backend"
	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/servermetrics"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/registry"
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
	flagAPIKeyFile     = "api-key-file"
)

// runOptions is everything `run` needs, converted once from the flags.
type runOptions struct {
	Kind, URL, Model, API string
	APIKeyEnv             string
	apiKey                string // never serialised: unexported and tagged out
	Concurrency           int
	Requests, Warmup      int
	Duration, Timeout     time.Duration
	Spread                time.Duration
	SpreadAuto            bool
	MaxTokens             int
	PromptTokens          int
	IgnoreEOS             bool
	Seed                  int64
	Out                   string
	SLO                   report.SLO
	Quiet                 bool
	// Sweep lists closed-loop concurrency levels; Rates open-loop rates
	// (req/s). At most one is set; neither means the one level Concurrency.
	Sweep          []int
	Rates          []float64
	Arrival        loadgen.Arrival
	Burstiness     float64
	MaxConcurrency int
	RampUp         time.Duration
	// BisectSteps, after a sweep with an SLO, runs up to this many extra
	// levels between the last level that met the SLO and the first that did
	// not, to find capacity more finely.
	BisectSteps int
	Trace       []loadgen.TraceArrival
	// GPUBackend, GPUURL and GPUInterval configure GPU telemetry
	// (gpu.jsonl); ServerMetrics is "auto", "off" or a /metrics URL
	// (server.jsonl).
	GPUBackend    string
	GPUURL        string
	GPUInterval   time.Duration
	ServerMetrics string
	// Scenario is the resolved scenario the options were made from.
	Scenario *scenarios.Scenario
	// Lengths and Prompt feed the workload when the scenario draws lengths
	// from distributions or prompts from a dataset (nil: fixed lengths,
	// synthetic prompts).
	Lengths func(id uint64) (int, int)
	Prompt  func(id uint64) (string, int)
	// dial, when set, replaces the network for every connection the run
	// makes (tests: in-memory pipes under a fake clock).
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// abort is closed on a second Ctrl-C.
	abort <-chan struct{}
	// Grace is how long in-flight requests may finish after Ctrl-C; Force
	// replaces an existing run in Out.
	Grace time.Duration
	Force bool
	// NoProbe skips the probe request before the load.
	NoProbe bool
	// ServerVersion and ServerArgs are what the user recorded of the server.
	ServerVersion, ServerArgs string
	// Insecure skips TLS verification; APIKeyFile is where the key came
	// from when not from the environment.
	Insecure   bool
	APIKeyFile string
	// Retries resends requests that failed retryably (counted apart).
	Retries int
	// ContinuousUsage asks vLLM for cumulative usage on every chunk, so
	// multi-token chunks are counted exactly.
	ContinuousUsage bool
	// Shard is the part of a sharded run this process runs (Count 0: not
	// sharded); StartAt, when set, is the wall time to start at (runshard.go).
	Shard   rundir.Shard
	StartAt time.Time
}

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "benchmark an endpoint and write a run directory",
		UsageText: "inferbench run --target KIND --url URL --model NAME --concurrency N --requests N --out DIR [options]",
		Description: `Drives closed-loop load (N concurrent streams) against the endpoint and writes
the run directory: run.json (what was run), requests.jsonl (one record per
request, written as it completes) and summary.json; prints the results table.
--url is the server root (http://host:8000); the adapter adds the API path.
The API key is read from the environment variable named by --api-key-env and
is never written anywhere. Ctrl-C stops the run early and still leaves a
complete, reportable run directory (a second Ctrl-C kills at once).`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: flagTarget, Value: "vllm", Usage: "target kind: " + strings.Join(registry.Kinds(), ", ")},
			&cli.StringFlag{Name: flagScenario, Usage: "scenario: a shipped name (inferbench scenarios list) or a YAML file; flags given explicitly override its fields"},
			&cli.StringFlag{Name: flagURL, Usage: "server root URL, e.g. http://127.0.0.1:8000 (required unless the scenario sets it)", EnvVars: []string{"INFERBENCH_URL"}},
			&cli.StringFlag{Name: flagModel, Usage: "model name the server serves (required unless the scenario sets it)"},
			&cli.StringFlag{Name: flagAPI, Usage: "API of the target: chat, completions, or native (tgi, llamacpp); default: the kind's first (inferbench targets list)"},
			&cli.StringFlag{Name: flagAPIKeyEnv, Usage: "name of the environment variable holding the API key; default: the kind's (OPENAI_API_KEY, VLLM_API_KEY, ANTHROPIC_API_KEY, …; inferbench targets list)"},
			&cli.StringFlag{Name: flagServerVersion, Usage: "the serving software's version, recorded in run.json (default: asked of the server where it says: vLLM /version, TGI /info, Ollama /api/version, llama.cpp /props)"},
			&cli.StringFlag{Name: flagServerArgs, Usage: "the server's launch flags, recorded in run.json so comparisons can tell settings apart (servers do not report them)"},
			&cli.BoolFlag{Name: flagNoProbe, Usage: "skip the probe request that checks the key, model and stream before the load starts"},
			&cli.IntFlag{Name: flagConcurrency, Aliases: []string{"c"}, Value: 1, Usage: "number of concurrent closed-loop streams"},
			&cli.IntFlag{Name: flagRequests, Aliases: []string{"n"}, Value: 100, Usage: "measured requests to send (warm-up not counted); 0 with --duration for no count limit"},
			&cli.DurationFlag{Name: flagDuration, Usage: "stop sending new requests after this long (0: no limit)"},
			&cli.IntFlag{Name: flagWarmup, Value: 0, Usage: "warm-up requests sent first, recorded with stage warmup and excluded from metrics"},
			&cli.IntFlag{Name: flagMaxTokens, Value: 128, Usage: "output tokens per request (max_tokens)"},
			&cli.IntFlag{Name: flagPromptTokens, Value: 128, Usage: "prompt length in tokens (synthetic prompt)"},
			&cli.BoolFlag{Name: flagIgnoreEOS, Value: true, Usage: "ask the server for exactly --max-tokens tokens (vLLM ignore_eos/min_tokens) where the protocol allows"},
			&cli.DurationFlag{Name: flagTimeout, Value: loadgen.DefaultTimeout, Usage: "per-request deadline, send to end of stream"},
			&cli.StringFlag{Name: flagSpread, Value: "auto", Usage: "spread of the workers' first requests: auto (one request's duration), or a duration (0: all at once)"},
			&cli.Int64Flag{Name: flagSeed, Value: 1, Usage: "seed of the prompt generator (same seed, same prompts)"},
			&cli.StringFlag{Name: flagOut, Usage: "run directory to create (must not already hold a run)", Required: true},
			&cli.DurationFlag{Name: flagSLOTTFT, Usage: "SLO: time to first token per request, e.g. 1s (goodput; capacity at p95)"},
			&cli.DurationFlag{Name: flagSLOTPOT, Usage: "SLO: time per output token per request, e.g. 50ms"},
			&cli.DurationFlag{Name: flagSLOE2E, Usage: "SLO: end-to-end latency per request, e.g. 30s"},
			&cli.DurationFlag{Name: flagSLOITL, Usage: "SLO: inter-token latency at the SLO percentile, e.g. 100ms (judged per level)"},
			&cli.Float64Flag{Name: flagSLOPct, Value: report.DefaultSLOPercentile, Usage: "SLO: the percentile levels are judged at (50, 90, 95, 99 or 99.9)"},
			&cli.BoolFlag{Name: flagQuiet, Aliases: []string{"q"}, Usage: "do not print the results table"},
			&cli.StringFlag{Name: flagSweep, Usage: "closed-loop concurrency levels to sweep, e.g. 1,2,4,8,16 (each with its own warm-up and --requests)"},
			&cli.StringFlag{Name: flagRate, Usage: "open loop: requests per second, or a list of rates to sweep (e.g. 5,10,20)"},
			&cli.StringFlag{Name: flagArrival, Value: "poisson", Usage: "open-loop arrival process: constant, poisson or gamma"},
			&cli.Float64Flag{Name: flagBurstiness, Value: 1, Usage: "gamma arrivals: shape (1 = Poisson, < 1 burstier, > 1 smoother)"},
			&cli.IntFlag{Name: flagMaxConc, Usage: "open loop: cap on requests in flight (0: none); waits show as send lag"},
			&cli.DurationFlag{Name: flagRampUp, Usage: "open loop: ramp the rate up linearly over this long"},
			&cli.StringFlag{Name: flagRunGPUBackend, Value: backend.Auto, Usage: "GPU telemetry: " + strings.Join(backend.Names(), ", ") + " (auto: NVML, else nvidia-smi, else off)"},
			&cli.StringFlag{Name: flagRunGPUURL, Usage: "dcgm: the exporter's metrics URL; mock: the mock's URL (default: --url)", EnvVars: []string{"INFERBENCH_GPU_URL"}},
			&cli.DurationFlag{Name: flagRunGPUInterval, Value: gpu.DefaultInterval, Usage: "GPU and server metrics sampling period"},
			&cli.StringFlag{Name: flagServerMetric, Value: "auto", Usage: "scrape the server's Prometheus metrics into server.jsonl: auto (self-hosted kinds), off, or a URL"},
			&cli.IntFlag{Name: flagRetries, Usage: "resend a request that failed with 429, 5xx or a connection error up to N times (default 0: a benchmark must see failures); retried attempts are counted apart"},
			&cli.BoolFlag{Name: flagContUsage, Usage: "vLLM: ask for cumulative usage on every chunk (stream_options.continuous_usage_stats) so multi-token chunks are counted exactly"},
			&cli.DurationFlag{Name: flagGrace, Value: DefaultGrace, Usage: "on Ctrl-C, how long requests in flight may finish before they are cancelled (a second Ctrl-C cancels at once)"},
			&cli.BoolFlag{Name: flagInsecure, Usage: "skip TLS certificate verification (recorded in run.json; never the default)"},
			&cli.StringFlag{Name: flagAPIKeyFile, Usage: "read the API key from this file instead of the environment (first line; the file's path is recorded, never its content)"},
			&cli.BoolFlag{Name: flagForce, Usage: "replace the run in --out if it already holds one"},
			&cli.IntFlag{Name: flagBisect, Usage: "after a sweep with an SLO: extra levels bisecting between the last passing and first failing level"},
		}, shardFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("run takes no arguments, got %q", c.Args().First())
			}
			opts, err := runOptionsFrom(c)
			if err != nil {
				return err
			}
			return runRun(c.Context, opts, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// resolvedScenario is the scenario as resolved (file, then flags, then
// defaults), stored in run.json.
func (o *runOptions) resolvedScenario() json.RawMessage {
	b, err := json.Marshal(o.Scenario)
	if err != nil {
		return nil
	}
	return b
}

// DefaultGrace is --grace's default.
const DefaultGrace = 5 * time.Second

// newHTTPClient returns the client used for load: connection reuse sized to
// the concurrency, no transparent gzip (it would add buffering and CPU on the
// read path of streams), no client-wide timeout (each request has its own).
func newHTTPClient(concurrency int, dial func(ctx context.Context, network, addr string) (net.Conn, error), insecure bool) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if insecure {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}
	if dial != nil {
		tr.DialContext = dial
	}
	tr.MaxIdleConns = concurrency * 2
	tr.MaxIdleConnsPerHost = concurrency * 2
	tr.MaxConnsPerHost = 0
	tr.DisableCompression = true
	tr.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: tr}
}

// runRun runs the benchmark described by o and writes its run directory.
func runRun(ctx context.Context, o *runOptions, stdout, stderr io.Writer) (err error) {
	client := newHTTPClient(max(o.Concurrency, o.MaxConcurrency, slices.Max(append(o.Sweep, 1))), o.dial, o.Insecure)
	defer client.CloseIdleConnections()
	target, err := registry.New(o.Kind, registry.Options{URL: o.URL, APIKey: o.apiKey, API: o.API, Client: client, ContinuousUsage: o.ContinuousUsage})
	if err != nil {
		return usagef("%v", err)
	}
	if !o.NoProbe {
		// One short request first: a wrong key or a missing model stops the
		// run with one line instead of hundreds of failed records. Other
		// failures (overload, an unreachable server) are measured, not
		// refused: the run records them.
		pctx, cancel := context.WithTimeout(ctx, min(o.Timeout, 30*time.Second))
		_, perr := probe(pctx, target, o.Model)
		cancel()
		var he *targets.HTTPError
		switch {
		case perr == nil:
		case errors.As(perr, &he) && (he.Status == http.StatusUnauthorized || he.Status == http.StatusForbidden || he.Status == http.StatusNotFound):
			if he.Status != http.StatusNotFound && o.apiKey == "" {
				perr = fmt.Errorf("%w (no key sent: %s is empty)", perr, cmp.Or(o.APIKeyEnv, "no key variable set"))
			}
			return perr
		default:
			fmt.Fprintf(stderr, "inferbench: warning: %v (running anyway; failures will be recorded)\n", perr)
		}
	}
	if err := createRunDir(o.Out, o.Force); err != nil {
		return err
	}
	host, _ := os.Hostname()
	m := &rundir.Manifest{
		Tool: "inferbench", Version: toolVersion(),
		Host:     rundir.Host{Name: host, OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(), Go: runtime.Version()},
		Target:   rundir.TargetInfo{Kind: o.Kind, URL: o.URL, API: o.API, Model: o.Model},
		Scenario: o.resolvedScenario(),
		Load: rundir.LoadInfo{Profile: o.profile(), Concurrency: o.Concurrency, Requests: o.Requests, Warmup: o.Warmup,
			DurationS: o.Duration.Seconds(), TimeoutS: o.Timeout.Seconds(), Seed: o.Seed},
		ExitState: rundir.ExitRunning, Shard: o.shardInfo(),
	}
	if o.apiKey != "" {
		m.Target.APIKeyEnv = o.APIKeyEnv
		if o.APIKeyFile != "" {
			m.Target.APIKeyEnv, m.Target.APIKeyFile = "", o.APIKeyFile
		}
	}
	m.Server = serverInfo(ctx, client, o)
	if o.Insecure {
		m.Target.InsecureTLS = true
		fmt.Fprintln(stderr, "inferbench: warning: TLS certificate verification is off (--insecure)")
	}
	rw, err := rundir.CreateRecordWriter(o.Out)
	if err != nil {
		return err
	}
	if err := o.waitStart(ctx, stderr); err != nil {
		rw.Close()
		os.Remove(filepath.Join(o.Out, rundir.RecordsFile))
		return err
	}
	start := time.Now()
	m.Start = start.UTC()
	fmt.Fprintf(stderr, "inferbench: %s %s model %s: %s %v, %d requests (+%d warm-up) per level → %s\n",
		o.Kind, o.URL, o.Model, o.profile(), o.levels(), o.Requests, o.Warmup, o.Out)

	stopTelemetry, err := o.startTelemetry(ctx, m, start, client, stderr)
	if err != nil {
		rw.Close()
		return err
	}
	if err := rundir.WriteManifest(o.Out, m); err != nil {
		rw.Close()
		stopTelemetry()
		return err
	}

	// Records go to disk as they complete. Only a bisection needs to know,
	// between levels, whether a level met the SLOs: then they also go to an
	// in-memory summarizer (otherwise it would hold every latency of the run
	// for nothing; summary.json is computed from the file at the end).
	bisecting := o.BisectSteps > 0 && !o.SLO.IsZero() && len(o.levels()) > 1
	var mu sync.Mutex
	sumz := report.NewSummarizer(o.SLO)
	sink := func(r *rundir.Record) error {
		o.shardRecord(r)
		if err := rw.Write(r); err != nil {
			return err
		}
		if bisecting {
			mu.Lock()
			sumz.Add(r)
			mu.Unlock()
		}
		return nil
	}
	levels := o.levels()
	var (
		runErr   error
		firstID  uint64
		spreads  []string
		finished = map[float64]bool{}
	)
	runLevel := func(lv float64) error {
		r := o.runner(target, lv, firstID)
		if r == nil {
			fmt.Fprintf(stderr, "inferbench: level %g: nothing for shard %s at this level\n", lv, o.Shard)
			finished[lv] = true
			return nil
		}
		if len(levels) > 1 || o.BisectSteps > 0 {
			fmt.Fprintf(stderr, "inferbench: level %g …\n", lv)
		}
		res, err := r.Run(ctx, start, sink)
		firstID += uint64(res.Sent)
		if r.Spread == loadgen.AutoSpread {
			spreads = append(spreads, fmt.Sprintf("%g: %s", lv, res.Spread.Round(time.Millisecond)))
		}
		if err == nil {
			finished[lv] = true
		}
		return err
	}
	for _, lv := range levels {
		if runErr = runLevel(lv); runErr != nil {
			break
		}
	}
	if runErr == nil && bisecting {
		runErr = o.bisect(finished, &mu, sumz, runLevel)
	}
	closeErr := errors.Join(rw.Close(), stopTelemetry())

	// Finish the run directory whatever happened: the records written so far
	// are complete and reportable.
	end := time.Now().UTC()
	m.End = &end
	m.Records = rw.Count()
	if len(spreads) > 0 {
		m.Load.StartSpread = "auto (duration of each level's first request): " + strings.Join(spreads, ", ")
	} else if o.profile() == "concurrency" || o.profile() == "sweep" {
		m.Load.StartSpread = o.Spread.String()
		m.Load.StartSpreadNS = o.Spread.Nanoseconds()
	}
	switch {
	case runErr == nil && closeErr == nil:
		m.ExitState = rundir.ExitComplete
	case errors.Is(runErr, context.Canceled) && closeErr == nil:
		m.ExitState, m.ExitReason = rundir.ExitInterrupted, "interrupted by signal"
	default:
		m.ExitState, m.ExitReason = rundir.ExitFailed, errors.Join(runErr, closeErr).Error()
	}
	if err := rundir.WriteManifest(o.Out, m); err != nil {
		return errors.Join(runErr, closeErr, err)
	}
	// summary.json is recomputed from the file, exactly as `report` does, so
	// the two can never disagree.
	sum, warnings, err := report.SummarizeRun(o.Out, o.SLO)
	if err != nil {
		return errors.Join(runErr, closeErr, err)
	}
	for _, w := range warnings {
		fmt.Fprintln(stderr, "inferbench: warning:", w)
	}
	if err := report.WriteSummaryFile(o.Out, sum); err != nil {
		return errors.Join(runErr, closeErr, err)
	}
	if !o.Quiet {
		if err := report.WriteTable(stdout, sum, m); err != nil {
			return err
		}
	}
	switch m.ExitState {
	case rundir.ExitInterrupted:
		return &exitCodeError{code: exitInterrupted, err: fmt.Errorf("run interrupted; %d records in %s are complete and reportable", m.Records, o.Out)}
	case rundir.ExitFailed:
		return errors.Join(runErr, closeErr)
	}
	return nil
}

// startTelemetry starts GPU and server-metrics sampling into the run
// directory and fills in the manifest's GPU inventory. Telemetry that cannot
// run here is reported once and left off; the benchmark goes on. The stop
// function ends sampling and returns the first write error.
func (o *runOptions) startTelemetry(ctx context.Context, m *rundir.Manifest, start time.Time, client *http.Client, stderr io.Writer) (stop func() error, err error) {
	// Sampling outlives the load by nothing, but must not die with the
	// first Ctrl-C before the last records are flushed: it has its own ctx.
	tctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var g errgroup.Group
	stop = func() error {
		// One more tick after the load ends, so every measured window has a
		// sample on each side (energy by counter difference needs both).
		t := time.NewTimer(o.GPUInterval + o.GPUInterval/4)
		select {
		case <-t.C:
		case <-o.abort:
			t.Stop()
		}
		cancel()
		return g.Wait()
	}

	m.GPUBackend = backend.None
	url := o.GPUURL
	if url == "" && o.GPUBackend == backend.Mock {
		url = o.URL
	}
	sampler, err := backend.Open(ctx, o.GPUBackend, backend.Options{URL: url, HTTPClient: client})
	switch {
	case errors.Is(err, gpu.ErrDisabled):
		fmt.Fprintln(stderr, "inferbench: GPU telemetry off (--gpu-backend none)")
	case err != nil && (o.GPUBackend == backend.Auto || errors.Is(err, gpu.ErrUnavailable)):
		fmt.Fprintf(stderr, "inferbench: GPU telemetry off: %v\n", err)
	case err != nil:
		stop()
		return nil, usagef("--%s: %v", flagRunGPUBackend, err)
	default:
		m.GPUBackend = o.GPUBackend
		if devs, derr := sampler.Devices(ctx); derr == nil {
			m.GPUs, _ = json.Marshal(devs)
			fmt.Fprintf(stderr, "inferbench: GPU telemetry: %s, %d device(s)\n", o.GPUBackend, len(devs))
		} else {
			fmt.Fprintf(stderr, "inferbench: warning: GPU inventory: %v\n", derr)
		}
		f, ferr := os.Create(filepath.Join(o.Out, rundir.GPUFile))
		if ferr != nil {
			sampler.Close()
			stop()
			return nil, ferr
		}
		g.Go(func() error {
			defer sampler.Close()
			err := gpu.Record(tctx, sampler, start, gpu.WatchConfig{Interval: o.GPUInterval}, f)
			return errors.Join(err, f.Sync(), f.Close())
		})
	}

	// The client watches itself always: a run must say when it measured
	// the client instead of the server.
	cf, err := os.Create(filepath.Join(o.Out, rundir.ClientFile))
	if err != nil {
		stop()
		return nil, err
	}
	g.Go(func() error {
		err := loadgen.WatchClient(tctx, start, o.GPUInterval, cf)
		return errors.Join(err, cf.Sync(), cf.Close())
	})

	if murl := o.serverMetricsURL(); murl != "" {
		f, ferr := os.Create(filepath.Join(o.Out, rundir.ServerFile))
		if ferr != nil {
			stop()
			return nil, ferr
		}
		sc := &servermetrics.Scraper{URL: murl, Client: client}
		g.Go(func() error {
			err := servermetrics.Record(tctx, sc.Scrape, start, servermetrics.WatchConfig{Interval: o.GPUInterval}, f)
			return errors.Join(err, f.Sync(), f.Close())
		})
	}
	return stop, nil
}

// serverMetricsURL is where to scrape the server's Prometheus metrics, ""
// for none. auto scrapes self-hosted engines that expose /metrics.
func (o *runOptions) serverMetricsURL() string {
	switch o.ServerMetrics {
	case "off", "none", "":
		return ""
	case "auto":
		switch o.Kind {
		case "vllm", "tgi", "llamacpp", "mock":
			return servermetrics.MetricsURL(o.URL)
		}
		return ""
	}
	return o.ServerMetrics
}

// profile names the load profile.
func (o *runOptions) profile() string {
	switch {
	case o.Trace != nil:
		return "trace"
	case o.Rates != nil:
		return "rate"
	case o.Sweep != nil:
		return "sweep"
	}
	return "concurrency"
}

// levels returns the load levels to run, in order.
func (o *runOptions) levels() []float64 {
	switch {
	case o.Trace != nil:
		return []float64{0}
	case o.Rates != nil:
		return o.Rates
	case o.Sweep != nil:
		lv := make([]float64, len(o.Sweep))
		for i, c := range o.Sweep {
			lv[i] = float64(c)
		}
		return lv
	}
	return []float64{float64(o.Concurrency)}
}

// runner returns the Runner for one level, nil when this shard has no share
// of it.
func (o *runOptions) runner(t targets.Target, level float64, firstID uint64) *loadgen.Runner {
	r := &loadgen.Runner{
		Target: t,
		Workload: loadgen.Workload{Model: o.Model, PromptTokens: o.PromptTokens, MaxTokens: o.MaxTokens,
			IgnoreEOS: o.IgnoreEOS, Seed: o.Seed, Lengths: o.Lengths, Prompt: o.Prompt},
		Requests: o.Requests, Warmup: o.Warmup, Duration: o.Duration, Timeout: o.Timeout,
		Level: level, FirstID: firstID, Seed: uint64(o.Seed), Retries: o.Retries,
		Grace: o.Grace, Abort: o.abort,
	}
	switch o.profile() {
	case "trace":
		r.Trace = o.Trace
	case "rate":
		r.Rate, r.Arrival, r.Burstiness, r.MaxConcurrency, r.RampUp = level, o.Arrival, o.Burstiness, o.MaxConcurrency, o.RampUp
	default:
		r.Concurrency, r.Spread = int(level), o.Spread
		if o.SpreadAuto {
			r.Spread = loadgen.AutoSpread
		}
	}
	if o.apiKey != "" {
		r.Secrets = []string{o.apiKey}
	}
	if !o.shardRunner(r) {
		return nil
	}
	return r
}

// bisect refines capacity after a sweep: between the highest level that met
// the SLOs and the next level up (which did not), it runs the midpoint, up
// to BisectSteps times (integer concurrencies; rates to 1 %).
func (o *runOptions) bisect(finished map[float64]bool, mu *sync.Mutex, sumz *report.Summarizer, runLevel func(float64) error) error {
	for range o.BisectSteps {
		mu.Lock()
		snap := sumz.Snapshot()
		mu.Unlock()
		lo, hi, ok := bracket(snap, o.SLO)
		if !ok {
			return nil
		}
		mid := (lo + hi) / 2
		if o.profile() == "sweep" {
			mid = math.Floor(mid)
			if mid <= lo {
				return nil
			}
		} else if (hi-lo)/hi < 0.01 {
			return nil
		}
		if finished[mid] {
			return nil
		}
		if err := runLevel(mid); err != nil {
			return err
		}
	}
	return nil
}

// bracket finds the highest level meeting slo and the lowest level above it
// that does not.
func bracket(s *report.Summary, slo report.SLO) (lo, hi float64, ok bool) {
	loIdx := -1
	for i := range s.Levels {
		if met, _ := report.MeetsSLO(&s.Levels[i], slo); met {
			loIdx = i
		}
	}
	if loIdx < 0 || loIdx == len(s.Levels)-1 {
		return 0, 0, false
	}
	return s.Levels[loIdx].Level, s.Levels[loIdx+1].Level, true
}

// parseList parses a comma-separated list.
func parseList[T any](s string, parse func(string) (T, error)) ([]T, error) {
	var out []T
	for f := range strings.SplitSeq(s, ",") {
		v, err := parse(strings.TrimSpace(f))
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// createRunDir creates dir and proves it writable before the run starts.
// It refuses a directory that already holds a run, so a finished run is
// never overwritten, unless force, which removes that run's files first.
func createRunDir(dir string, force bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	files := []string{rundir.ManifestFile, rundir.RecordsFile, rundir.SummaryFile, rundir.GPUFile, rundir.ServerFile, rundir.ClientFile}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			if !force {
				return usagef("%s already holds a run (%s): choose another --out, or --force to replace it", dir, f)
			}
			for _, f := range files {
				if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
					return fmt.Errorf("--force: %w", err)
				}
			}
			break
		}
	}
	probe, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return fmt.Errorf("--out %s is not writable: %w", dir, err)
	}
	_, werr := probe.Write(make([]byte, 4096))
	probe.Close()
	os.Remove(probe.Name())
	if werr != nil {
		return fmt.Errorf("--out %s: cannot write (disk full?): %w", dir, werr)
	}
	return nil
}

// versionEndpoints are where each self-hosted kind tells its version, and
// the JSON field that holds it.
var versionEndpoints = map[string][2]string{
	"vllm":     {"/version", "version"},
	"tgi":      {"/info", "version"},
	"mock":     {"/info", "version"},
	"ollama":   {"/api/version", "version"},
	"llamacpp": {"/props", "build_info"},
}

// serverInfo is what run.json records of the serving software: the version
// flag if given, else what the server says at its version endpoint (one
// short GET; nothing when it does not answer), and the recorded flags.
func serverInfo(ctx context.Context, client *http.Client, o *runOptions) *rundir.ServerInfo {
	si := &rundir.ServerInfo{Version: o.ServerVersion, Args: o.ServerArgs}
	if si.Version != "" {
		si.Source = "flag"
	} else if ep, ok := versionEndpoints[o.Kind]; ok && o.URL != "" {
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		url := strings.TrimSuffix(strings.TrimRight(o.URL, "/"), "/v1") + ep[0]
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err == nil {
			if resp, err := client.Do(req); err == nil {
				var body map[string]any
				if resp.StatusCode == http.StatusOK && json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body) == nil {
					if v, ok := body[ep[1]].(string); ok && v != "" {
						si.Version, si.Source = v, "GET "+ep[0]
					}
				}
				resp.Body.Close()
			}
		}
	}
	if si.Version == "" && si.Args == "" {
		return nil
	}
	return si
}
