// Package session is one run's lifetime: from resolved options to a
// complete run directory. It checks what is local first (the run
// directory), probes the endpoint with one request, writes run.json, starts
// the telemetry (GPU, server metrics, the client watching itself), runs the
// load levels (a fixed list, a sweep, or a capacity search by bisection),
// records how the run ended, and recomputes summary.json from the records
// exactly as `inferbench report` does. The command line (cmd/inferbench)
// turns flags into Options and calls Run; calibrate's procedure lives here
// too, since it measures the same path a run takes.
package session

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/inferbench/inferbench/adaptive"
	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/registry"
	"github.com/inferbench/inferbench/tokenizer"
)

// DefaultGrace is how long requests in flight may finish after Ctrl-C.
const DefaultGrace = 5 * time.Second

// A Secret is an API key. It never prints or serialises: fmt shows
// REDACTED, encoding/json writes "REDACTED".
type Secret string

// String hides the key.
func (s Secret) String() string { return targets.KeyString(string(s)) }

// GoString hides the key from %#v.
func (s Secret) GoString() string { return s.String() }

// MarshalJSON hides the key.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// Options is everything one run needs, resolved once from a scenario and
// the flags (FromScenario).
type Options struct {
	Kind, URL, Model, API string
	APIKeyEnv             string
	// APIKey is sent the way the protocol wants; it is never written.
	APIKey Secret
	// APIKeyFile is where the key came from when not from the environment.
	APIKeyFile        string
	Concurrency       int
	Requests, Warmup  int
	Duration, Timeout time.Duration
	// Spread spreads closed-loop worker starts (loadgen.Spread); SpreadAuto
	// spreads over one probe request's duration.
	Spread       time.Duration
	SpreadAuto   bool
	MaxTokens    int
	PromptTokens int
	IgnoreEOS    bool
	// Stop is the stop sequences every request sends (workload.stop);
	// nil sends none.
	Stop []string
	Seed int64
	// PromptSeed seeds the synthetic prompts' text: Seed when SeedExplicit
	// (--seed given, the same prompts as every run with it), else drawn per
	// run, so a server's prompt cache never answers from an earlier run.
	PromptSeed   int64
	SeedExplicit bool
	// Out is the run directory to create; Force replaces a run there.
	Out   string
	Force bool
	SLO   report.SLO
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
	// TraceBlocks are the trace's requests' prompt blocks (a Mooncake
	// trace's hash_ids), by request id as Trace: the prompts of requests
	// naming the same blocks share those blocks' text (sizing.blocks).
	// Nil when no request names any.
	TraceBlocks [][]uint64
	// TraceBlockTokens is the size of those blocks (load.trace.block_tokens);
	// 0 means scenarios.TraceBlockTokens.
	TraceBlockTokens int

	// Precision > 0 stops each level adaptively (adaptive.go): how close,
	// relative, its judged intervals must lie to their values (on the
	// farther side: adaptive.Estimate.Reach), between MinRequests and
	// MaxRequests (0: the adaptive package's defaults). Search chooses the
	// levels by the capacity search, from SearchStart (0: the first).
	Precision                float64
	MinRequests, MaxRequests int
	Search                   bool
	SearchStart              float64

	// GPUBackend, GPUURL and GPUInterval configure GPU telemetry
	// (gpu.jsonl); ServerMetrics is "auto", "off" or a /metrics URL
	// (server.jsonl).
	GPUBackend    string
	GPUURL        string
	GPUInterval   time.Duration
	ServerMetrics string
	// GPUStated is the serving box's GPU as the user stated it (--gpu
	// ID[xN]); it prices the run when telemetry knows nothing.
	GPUStated string
	// Scenario is the resolved scenario the options were made from.
	Scenario *scenarios.Scenario
	// Lengths and Prompt feed the workload when the scenario draws lengths
	// from distributions or prompts from a dataset (nil: fixed lengths,
	// synthetic prompts).
	Lengths func(id uint64) (int, int)
	Prompt  func(id uint64) (string, int)
	// Sessions, when set, makes the requests turns of multi-turn sessions
	// (workload.turns; sessions.go).
	Sessions *loadgen.Sessions
	// SharedPrefixTokens starts every synthetic prompt with one of
	// PrefixGroups prefixes of this many tokens; PromptSizing (auto, server,
	// tokenizer, estimate) and Tokenizer (a tokenizer.json) say how prompts
	// are made exactly their length (docs/tokenizers.md).
	SharedPrefixTokens, PrefixGroups int
	PromptSizing, Tokenizer          string
	// localTokenizer is Tokenizer read (FromScenario); nil: read it when
	// the sizing needs it.
	localTokenizer *tokenizer.Tokenizer
	// sizing is the prompt sizing chosen when the run starts.
	sizing *sizing
	// waited: the run has waited for --start-at already (serverDown).
	waited bool
	// Dial, when set, replaces the network for every connection the run
	// makes (tests: in-memory pipes under a fake clock).
	Dial Dialer
	// Grace is how long in-flight requests may finish after the run drains.
	Grace time.Duration
	// NoProbe skips the probe request before the load.
	NoProbe bool
	// ServerVersion and ServerArgs are what the user recorded of the server.
	ServerVersion, ServerArgs string
	// Insecure skips TLS verification (recorded in run.json).
	Insecure bool
	// HTTP1 keeps the client to HTTP/1.1 over TLS too, one connection per
	// stream, as vLLM's benchmark and the Python SDKs speak (recorded in
	// run.json).
	HTTP1 bool
	// Retries resends requests that failed retryably (counted apart).
	Retries int
	// ContinuousUsage asks vLLM for cumulative usage on every chunk, so
	// multi-token chunks are counted exactly.
	ContinuousUsage bool
	// Shard is the part of a sharded run this process runs (Count 0: not
	// sharded); StartAt, when set, is the wall time to start at.
	Shard   rundir.Shard
	StartAt time.Time
	// Version is the tool's version, recorded in run.json.
	Version string
	// Observers watch the run as it happens (Live: the live view); none
	// costs nothing on the record path.
	Observers []Observer

	// plan is the adaptive plan checkAdaptive compiled (nil: fixed levels).
	plan *adaptive.Plan

	// prompts is the dataset's prompts, when there is a dataset.
	prompts *scenarios.Prompts

	// recordWriter, when set, replaces rundir.CreateRecordWriter (tests:
	// a disk that fills up).
	recordWriter func(dir string) (*rundir.RecordWriter, error)

	// openFiles, when set, replaces openFileLimit (tests: a low limit).
	openFiles func() (uint64, bool)
}

// An InputError is a mistake in what the user asked for (a bad scenario
// field, an unknown target kind, a missing file): the command exits 2.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputf(format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...)}
}

// Extras are the settings of a run that only exist as flags, not in a
// scenario file.
type Extras struct {
	Out, ServerMetrics, APIKeyFile, Spread string
	ServerVersion, ServerArgs              string
	Retries                                int
	Grace                                  time.Duration
	ContinuousUsage, NoProbe, Force        bool
	Insecure, HTTP1                        bool
	Version                                string
	// GPUStated is the serving box's GPU as the user states it (--gpu
	// ID[xN]), recorded in run.json.
	GPUStated string
	// SeedSet says --seed was given: prompts repeat those of every run
	// with that seed instead of being unique to the run.
	SeedSet bool
}

// FromScenario converts a resolved, valid scenario and the flag-only
// settings into the options of one run: lengths drawn from distributions,
// a dataset's prompts, a trace's arrivals, the API key read from its
// variable or file. Mistakes are *InputError.
func FromScenario(s *scenarios.Scenario, x Extras) (*Options, error) {
	o := &Options{
		Scenario: s,
		Kind:     s.Target.Kind, URL: s.Target.URL, Model: s.Target.Model, API: s.Target.API, APIKeyEnv: s.Target.APIKeyEnv,
		IgnoreEOS: s.Workload.IgnoreEOS, Stop: s.Workload.Stop, Seed: int64(s.Workload.SeedValue()),
		Concurrency: s.Load.Concurrency, Requests: s.Load.Requests, Duration: time.Duration(s.Load.Duration),
		Timeout: time.Duration(s.Load.Timeout), Arrival: loadgen.Arrival(s.Load.Arrival), Burstiness: s.Load.Burstiness,
		MaxConcurrency: s.Load.MaxConcurrency, RampUp: time.Duration(s.Load.RampUp),
		SLO:        report.SLOOf(s.SLO),
		GPUBackend: s.GPU.Backend, GPUURL: s.GPU.URL, GPUInterval: time.Duration(s.GPU.Interval),
		Out: x.Out, ServerMetrics: x.ServerMetrics, Retries: x.Retries, ContinuousUsage: x.ContinuousUsage,
		NoProbe: x.NoProbe, ServerVersion: x.ServerVersion, ServerArgs: x.ServerArgs, Grace: x.Grace, Force: x.Force,
		Insecure: x.Insecure, HTTP1: x.HTTP1, APIKeyFile: x.APIKeyFile, Version: x.Version,
		GPUStated: cmp.Or(x.GPUStated, s.Cost.Stated()),
	}
	if err := Check(s, x); err != nil {
		return nil, err
	}
	o.PromptSeed, o.SeedExplicit = rand.Int64(), x.SeedSet
	if x.SeedSet {
		o.PromptSeed = o.Seed
	}
	if s.Load.Warmup != nil {
		o.Warmup = *s.Load.Warmup
	}
	switch {
	case o.APIKeyFile != "":
		key, err := ReadKeyFile(o.APIKeyFile)
		if err != nil {
			return nil, inputf("--api-key-file: %v", err)
		}
		o.APIKey = Secret(key)
	case o.APIKeyEnv != "":
		key, err := targets.EnvKey(o.APIKeyEnv)
		if err != nil {
			return nil, inputf("--api-key-env %s: %v", o.APIKeyEnv, err)
		}
		o.APIKey = Secret(key)
	}
	switch {
	case s.Load.Sweep != nil:
		o.Sweep = s.Load.Sweep.Concurrencies()
	case s.Load.Rate != nil:
		o.Rates = s.Load.Rate
	}
	o.BisectSteps = BisectSteps(&s.Load)
	o.adaptiveFrom(s)
	if err := o.workloadFrom(s); err != nil {
		return nil, err
	}
	o.Spread, o.SpreadAuto, _ = spreadOf(x.Spread)
	return o, nil
}

// Check is what FromScenario refuses of s and x before it reads anything
// (the API key's file or variable, a dataset, a trace, a tokenizer): a
// mistake in the flags or the scenario, an *InputError, refused the same
// wherever it is run. FromScenario calls it first; k8s manifest calls it
// on its pods' command lines (cmd/inferbench's podRunCheck), which the
// pods would refuse.
func Check(s *scenarios.Scenario, x Extras) error {
	if x.Out == "" {
		return inputf("--out is required: the run directory to create")
	}
	if err := checkGPUStated(x.GPUStated); err != nil {
		return err
	}
	// The kind and API are final here (run's flags laid over the file):
	// stop sequences the API cannot send are refused at their line, as
	// scenarios validate refuses them.
	if err := s.CheckStop(StopFacts); err != nil {
		return &InputError{Err: err}
	}
	if _, _, err := spreadOf(x.Spread); err != nil {
		return err
	}
	if err := checkServerMetrics(x.ServerMetrics); err != nil {
		return err
	}
	t := s.Target
	switch {
	case x.Grace < 0:
		return inputf("--grace must not be negative")
	case x.Retries < 0:
		return inputf("--retries must not be negative")
	case s.GPU.Interval <= 0:
		return inputf("--gpu-interval must be positive")
	case s.Load.Timeout <= 0:
		return inputf("--timeout must be positive")
	case !KindHasAPI(t.Kind, t.API):
		k, _ := registry.Lookup(t.Kind)
		return inputf("--api: target %s speaks %s, not %q", t.Kind, strings.Join(k.APIs, ", "), t.API)
	}
	l := &s.Load
	if l.Sweep == nil && l.Rate != nil {
		if _, err := loadgen.NewArrivals(loadgen.Arrival(l.Arrival), l.Rate[0], l.Burstiness, time.Duration(l.RampUp), 1); err != nil {
			return &InputError{Err: err}
		}
	}
	// A trace ends the run; one that holds no request is refused where it
	// is read (workloadFrom).
	if l.Requests == 0 && l.Duration <= 0 && l.Trace == nil {
		return inputf("set --requests or --duration: the run would never end")
	}
	return nil
}

// checkServerMetrics refuses a --server-metrics that is neither auto, off
// (none, or nothing) nor an http(s) URL (serverMetricsURL scraped anything
// else as a URL: a typo became a warning on every scrape).
func checkServerMetrics(v string) error {
	switch v {
	case "", "auto", "off", "none":
		return nil
	}
	if msg := scenarios.CheckURL(v); msg != "" {
		// Not echoed, as --url is not: it may carry credentials.
		return inputf("--server-metrics: want auto, off or the server's /metrics URL, which %s", msg)
	}
	return nil
}

// spreadOf reads --spread: auto (or nothing), or a non-negative duration.
func spreadOf(sp string) (d time.Duration, auto bool, err error) {
	if sp == "auto" || sp == "" {
		return 0, true, nil
	}
	d, err = time.ParseDuration(sp)
	if err != nil || d < 0 {
		return 0, false, inputf("--spread: want auto or a non-negative duration, got %q", sp)
	}
	return d, false, nil
}

// workloadFrom sets the lengths, the dataset's prompts and the trace.
// Fixed lengths stay plain (the synthetic prompt path); distributions are
// drawn per request id from a generator seeded by (seed, id), so every run
// with the seed sends the same lengths.
func (o *Options) workloadFrom(s *scenarios.Scenario) error {
	pd, od := s.Workload.PromptTokens, s.Workload.OutputTokens
	// A distribution's typical length stands for it where one request
	// stands for all: the spread's probe, prompt-sizing calibration.
	o.PromptTokens, o.MaxTokens = max(pd.Typical(), 1), max(od.Typical(), 1)
	o.promptsFrom(s)
	// A tokenizer file run would read is read now, before anything is
	// sent: one that is not a tokenizer is refused where it was given, the
	// scenario's line or --tokenizer, as scenarios validate refuses it.
	tok, err := s.Tokenizer()
	if err != nil {
		if _, located := errors.AsType[*scenarios.Error](err); !located {
			err = fmt.Errorf("--tokenizer: %w", err)
		}
		return &InputError{Err: err}
	}
	o.localTokenizer = tok
	if s.Load.Trace == nil && (pd.Kind != scenarios.DistFixed || od.Kind != scenarios.DistFixed) {
		seed := s.Workload.SeedValue()
		o.Lengths = func(id uint64) (int, int) {
			rng := rand.New(rand.NewPCG(seed, id^0x9e3779b97f4a7c15))
			return pd.Sample(rng), od.Sample(rng)
		}
	}
	if ds := s.Workload.Dataset; ds != nil {
		prompts, err := s.DatasetPrompts()
		if err != nil {
			return &InputError{Err: err}
		}
		if prompts.Len() == 0 {
			return inputf("workload.dataset: %s holds no prompt", s.Path(ds.File))
		}
		prompts, err = filterDataset(prompts, ds, s.Path(ds.File), s.Workload.SeedValue())
		if err != nil {
			return err
		}
		o.prompts = prompts
		outLen := o.Lengths
		o.Prompt = func(id uint64) (string, int) {
			p := prompts.At(id)
			return p.Text, p.PromptTokens
		}
		o.Lengths = func(id uint64) (int, int) {
			p := prompts.At(id)
			if ds.OutputTokens > 0 {
				return p.PromptTokens, ds.OutputTokens
			}
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
	o.Sessions = sessionsFrom(s, o.prompts)
	if tr := s.Load.Trace; tr != nil {
		entries, err := s.TraceEntries()
		if err != nil {
			return &InputError{Err: err}
		}
		scale := cmp.Or(tr.TimeScale, 1)
		var blocks [][]uint64
		for i, e := range entries {
			o.Trace = append(o.Trace, loadgen.TraceArrival{Offset: time.Duration(float64(e.Offset) * scale),
				PromptTokens: e.PromptTokens, OutputTokens: e.OutputTokens})
			if len(e.HashIDs) > 0 && blocks == nil {
				blocks = make([][]uint64, len(entries))
			}
			if blocks != nil {
				blocks[i] = e.HashIDs
			}
		}
		o.TraceBlocks, o.TraceBlockTokens = blocks, tr.BlockTokens
		if len(o.Trace) == 0 {
			return inputf("load.trace: %s holds no request", filepath.Base(tr.File))
		}
		// The trace's lines give the lengths (the scenario gives none): its
		// median ones stand for them where one request stands for all.
		o.PromptTokens, o.MaxTokens = traceMedians(o.Trace)
		// The first Warmup arrivals are the warm-up: a trace no longer than
		// it would be sent whole and measure nothing (it ran, and ended "no
		// request was measured").
		if o.Warmup >= len(o.Trace) {
			return inputf("load.trace: the trace's %d arrivals would all be warm-up (a warm-up of %d) and none measured: give a warm-up below %d (--warmup, load.warmup)",
				len(o.Trace), o.Warmup, len(o.Trace))
		}
	}
	return nil
}

// ReadKeyFile reads an API key: the file's first line, as targets.KeyText
// makes it. Errors never include the file's content.
func ReadKeyFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	// Bounded: the path may name a device or a pipe (a mistake, or
	// <(pass show key)); no key is near maxKeyLine.
	b, err := io.ReadAll(io.LimitReader(f, maxKeyLine+1))
	if err != nil {
		return "", err
	}
	line, _, found := strings.Cut(string(b), "\n")
	if !found && len(b) > maxKeyLine {
		return "", fmt.Errorf("%s: the first line is longer than %d KiB: not a key file", path, maxKeyLine>>10)
	}
	key, err := targets.KeyText(line)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if key == "" {
		return "", fmt.Errorf("%s: the first line is empty", path)
	}
	return key, nil
}

// maxKeyLine is the longest first line ReadKeyFile reads (bytes): a key,
// even an Entra ID or OAuth access token, is a few KiB.
const maxKeyLine = 64 << 10

// StopFacts is what the registry says kind does with stop sequences on
// api for model (registry.Kind.StopLimit, StopNoComma and StopFamily,
// with another of the kind's APIs that sends them for the model), for
// scenarios' CheckStop; an unknown kind is left to registry.New, which
// names the known ones.
func StopFacts(kind, api, model string) scenarios.StopRules {
	k, known := registry.Lookup(kind)
	if !known {
		return scenarios.StopRules{}
	}
	max, ok := k.StopLimit(api)
	r := scenarios.StopRules{None: !ok, Max: max, NoComma: k.StopNoComma, Family: k.StopFamily(api, model)}
	if r.Family != "" {
		i := slices.IndexFunc(k.APIs, func(a string) bool {
			_, ok := k.StopLimit(a)
			return ok && k.StopFamily(a, model) == ""
		})
		if i >= 0 {
			r.Other = k.APIs[i]
		}
	}
	return r
}

// KindHasAPI reports whether target kind speaks api (unknown kinds are left
// to registry.New, which names the known ones).
func KindHasAPI(kind, api string) bool {
	k, ok := registry.Lookup(kind)
	return !ok || slices.Contains(k.APIs, api)
}

// ApplyKindDefaults fills what the target kind implies where neither the
// scenario nor a flag said: its default API, key variable and (for hosted
// APIs) URL. Without a kind, the scenario default (openai) applies first.
func ApplyKindDefaults(s *scenarios.Scenario) {
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

// Profile names the load profile: trace, rate, sweep or concurrency.
func (o *Options) Profile() string {
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

// Levels returns the load levels to run, in order.
func (o *Options) Levels() []float64 {
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

// resolvedScenario is the scenario as resolved (file, then flags, then
// defaults), stored in run.json. An error says run.json cannot hold it:
// Run refuses the run before anything is sent (it ran, and run.json was
// written without its scenario, the SLO lost with it).
func (o *Options) resolvedScenario() (json.RawMessage, error) {
	if o.Scenario == nil {
		return nil, nil
	}
	s := *o.Scenario
	// run.json never holds a secret: the target's URL and the GPU
	// exporter's (gpu.url, where a token in the query was kept) are shown
	// redacted, as the run's lines show them.
	s.Target.URL, s.GPU.URL = o.shownURL(s.Target.URL), o.shownURL(s.GPU.URL)
	b, err := json.Marshal(&s)
	if err != nil {
		return nil, fmt.Errorf("the scenario cannot be recorded in run.json: %w", err)
	}
	return b, nil
}

// errNoRun marks a run that never started (nothing measured, nothing
// written): the caller reports it as an interruption or a failure.
var errNoRun = errors.New("nothing was run")

// traceMedians returns the median prompt and output tokens of a trace's
// arrivals (the lower middle of an even count).
func traceMedians(tr []loadgen.TraceArrival) (prompt, output int) {
	p, q := make([]int, len(tr)), make([]int, len(tr))
	for i, a := range tr {
		p[i], q[i] = a.PromptTokens, a.OutputTokens
	}
	slices.Sort(p)
	slices.Sort(q)
	m := (len(tr) - 1) / 2
	return max(p[m], 1), max(q[m], 1)
}
