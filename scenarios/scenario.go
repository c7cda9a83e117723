// Package scenarios owns scenario files: what to run against which target,
// with what workload, load profile, SLOs, GPU sampling and cost assumptions.
// It decodes them strictly (an unknown key is an error), locates every
// problem as file:line:col with its YAML path, applies defaults in one place
// and ships the standard scenarios embedded in the binary.
//
// A Scenario is data: it sends no request, starts no timer and knows nothing
// of loadgen or report. The command line converts it into load generator and
// sampler settings. The workload's data files (datasets, traces, empirical
// length lists) are read here, by readers that report line numbers.
package scenarios

import (
	"fmt"
	"path/filepath"
	"slices"
)

// Scenario is one scenario file. Field names follow the YAML keys; the zero
// value of a field means "not set" (see ApplyDefaults for what unset fields
// become) unless its doc comment says otherwise.
type Scenario struct {
	// Name identifies the scenario: lower-case letters, digits and hyphens.
	Name string `yaml:"name"`
	// Description says what the scenario measures, in one or two sentences.
	Description string `yaml:"description,omitempty"`
	// Target is the endpoint; flags on `run` override each field.
	Target Target `yaml:"target"`
	// Workload is what each request asks for.
	Workload Workload `yaml:"workload"`
	// Load is the shape of the load: exactly one of a fixed concurrency, a
	// concurrency sweep, a request rate (or rates) or a trace.
	Load LoadProfile `yaml:"load"`
	// SLO is the service-level objectives that decide goodput and capacity.
	SLO SLO `yaml:"slo"`
	// GPU is how the GPUs are sampled during the run.
	GPU GPU `yaml:"gpu"`
	// Cost is the hardware the cost model prices the measured throughput on.
	Cost Cost `yaml:"cost,omitzero"`
	// Gate is the regression gate's thresholds for runs of this scenario,
	// by metric name as in a `compare --thresholds` file (ttft_p95: 50%,
	// output_tokens_per_s: -5%, error_rate: 1pt, e2e_p95: off), over the
	// built-in ones; `compare` applies the candidate run's unless given
	// --thresholds.
	Gate map[string]string `yaml:"gate,omitempty"`

	// src is where the scenario came from: file name, directory for
	// relative paths, and the position of every value; nil when built in
	// memory.
	src *source
}

// Target says which serving endpoint to drive. All fields are optional in a
// file: `run` flags supply or override them (see ValidateRunnable).
type Target struct {
	// Kind is the server or protocol family: a kind of the target registry
	// (CheckKind).
	Kind string `yaml:"kind,omitempty"`
	// URL is the server's base URL, e.g. http://127.0.0.1:8000.
	URL string `yaml:"url,omitempty"`
	// Model is the model name sent with every request.
	Model string `yaml:"model,omitempty"`
	// API is the OpenAI-style endpoint used: "chat" (/v1/chat/completions)
	// or "completions" (/v1/completions), or "native" (TGI /generate_stream,
	// llama.cpp /completion).
	API string `yaml:"api,omitempty"`
	// APIKeyEnv is the NAME of the environment variable that holds the API
	// key, never the key itself: a value that looks like a key is rejected.
	APIKeyEnv string `yaml:"api_key_env,omitempty"`
}

var apis = []string{"chat", "completions", "native", "responses"}

// Workload says what each request asks for: its prompt and output lengths in
// tokens, or prompts from a dataset file.
type Workload struct {
	// PromptTokens is the prompt length in tokens per request: a fixed
	// number or a distribution. Not used with a Dataset (the dataset's
	// prompts have their own lengths).
	PromptTokens Distribution `yaml:"prompt_tokens,omitzero"`
	// OutputTokens is the output length in tokens per request (max_tokens,
	// and min_tokens too when IgnoreEOS is set). With a dataset, a prompt's
	// own output-length hint wins over this distribution (but
	// dataset.output_tokens wins over both).
	OutputTokens Distribution `yaml:"output_tokens,omitzero"`
	// Dataset, when set, supplies the prompts.
	Dataset *Dataset `yaml:"dataset,omitempty"`
	// Turns, when set, makes every request a turn of a multi-turn session
	// of this many turns (a number or a distribution, drawn per session):
	// turn k sends the conversation so far, replies included, plus a new
	// user message of PromptTokens. With a ShareGPT dataset a session
	// replays one conversation's human turns, at most Turns of them.
	Turns Distribution `yaml:"turns,omitzero"`
	// ThinkTime is the pause between a reply and the session's next turn
	// (a duration or a distribution, drawn per turn); needs Turns.
	ThinkTime ThinkTime `yaml:"think_time,omitzero"`
	// IgnoreEOS asks the server to generate exactly the requested output
	// length, where the backend allows it (vLLM, llama.cpp, the mock).
	IgnoreEOS bool `yaml:"ignore_eos"`
	// Stop is the stop sequences every request sends (OpenAI's stop,
	// Anthropic's stop_sequences, Gemini's stopSequences, …: each
	// adapter's own field, docs/workloads.md): generation ends where the
	// output contains one, left out of the output. A string or a list of
	// strings in YAML; nil sends none.
	Stop Stop `yaml:"stop,omitempty"`
	// Seed seeds every random choice of the run (lengths, prompt order,
	// arrival times), so two runs with the same seed send identical
	// requests at identical times. 0 is a seed like any other. nil: the
	// file gives none, and the scenario is written back without one
	// (scenarios show, run.json); it runs as 0 (SeedValue). The synthetic
	// prompts' text is each run's own either way, unless run's --seed is
	// typed (docs/design.md, "Prompts are the run's own").
	//
	// A run.json of an inferbench before this one holds "seed": 0 for a
	// scenario with no seed too: it reads as a seed of 0, which is what
	// that run used, so nothing reading it (none reads it but to show it)
	// is told another seed than the one the run had.
	Seed *uint64 `yaml:"seed,omitempty"`
	// SharedPrefixTokens, when set, starts every synthetic prompt with one
	// of PrefixGroups fixed prefixes of this many tokens (a shared system
	// prompt); PromptTokens is then the length of each request's own suffix.
	SharedPrefixTokens int `yaml:"shared_prefix_tokens,omitempty"`
	// PrefixGroups is the number of distinct shared prefixes (unset: 1);
	// each request's group is drawn from the seed.
	PrefixGroups int `yaml:"prefix_groups,omitempty"`
	// PromptSizing is how synthetic prompts are made exactly PromptTokens
	// long (docs/tokenizers.md): auto, server, tokenizer or estimate
	// (unset: auto).
	PromptSizing string `yaml:"prompt_sizing,omitempty"`
	// Tokenizer is a tokenizer.json of the served model, relative to the
	// scenario file's directory (prompt_sizing tokenizer, or auto's second
	// choice).
	Tokenizer string `yaml:"tokenizer,omitempty"`
}

// SeedValue is the seed the run uses: Seed, or 0 when the file gives none
// (as it was before an unset seed was told from 0).
func (w *Workload) SeedValue() uint64 {
	if w.Seed == nil {
		return 0
	}
	return *w.Seed
}

// Dataset names a file of prompts.
type Dataset struct {
	// File is the dataset's path, relative to the scenario file's directory.
	File string `yaml:"file"`
	// Format is the file's format; when empty it follows the extension:
	// ".json" is ShareGPT (".json.gz" too), anything else JSONL.
	Format DatasetFormat `yaml:"format,omitempty"`
	// Seed, when set, orders the prompts instead of workload.seed.
	Seed *uint64 `yaml:"seed,omitempty"`
	// MinInput, MaxInput, MinOutput and MaxOutput keep only the prompts
	// whose estimated prompt length and output hint (in tokens) lie within
	// them, as vLLM's benchmark filters ShareGPT; 0 is no bound.
	MinInput  int `yaml:"min_input,omitempty"`
	MaxInput  int `yaml:"max_input,omitempty"`
	MinOutput int `yaml:"min_output,omitempty"`
	MaxOutput int `yaml:"max_output,omitempty"`
	// OutputTokens, when set, is every prompt's output length, whatever its
	// hint (vLLM's --sharegpt-output-len): the same work per request on
	// every box. Unset, a prompt asks for its hint, or for
	// workload.output_tokens when it has none. The filters above still
	// judge the hints.
	OutputTokens int `yaml:"output_tokens,omitempty"`
}

// DatasetFormat is the format of a dataset file.
type DatasetFormat string

// The dataset formats.
const (
	// FormatJSONL: one JSON object a line, {"prompt": "…"} with an optional
	// "output_tokens" length hint.
	FormatJSONL DatasetFormat = "jsonl"
	// FormatShareGPT: a JSON array of {"conversations": [{"from", "value"}]}.
	FormatShareGPT DatasetFormat = "sharegpt"
)

// LoadProfile is the shape of the load. Exactly one of Concurrency, Sweep, Rate and
// Trace is set in a runnable scenario; a file may leave all four out when
// `run` flags supply one.
type LoadProfile struct {
	// Concurrency is the number of closed-loop workers (≥ 1).
	Concurrency int `yaml:"concurrency,omitempty"`
	// Sweep is a series of concurrency levels, each run in turn.
	Sweep *Sweep `yaml:"sweep,omitempty"`
	// Rate is the open-loop request rate in requests per second; several
	// rates are swept in order.
	Rate Rates `yaml:"rate,omitempty"`
	// Arrival is the arrival process with Rate (default poisson).
	Arrival Arrival `yaml:"arrival,omitempty"`
	// Burstiness is the gamma shape parameter with arrival: gamma (> 0;
	// 1 is Poisson, below 1 burstier, above 1 smoother).
	Burstiness float64 `yaml:"burstiness,omitempty"`
	// MaxConcurrency caps requests in flight with Rate or Trace; 0 is no cap.
	MaxConcurrency int `yaml:"max_concurrency,omitempty"`
	// RampUp ramps the rate up linearly from 0 over this long (with Rate).
	RampUp Duration `yaml:"ramp_up,omitempty"`
	// Trace replays recorded arrivals from a file.
	Trace *Trace `yaml:"trace,omitempty"`
	// Requests is the number of measured requests per level; 0 means the
	// level is bounded by Duration only. With both set, a level ends at
	// whichever limit comes first.
	Requests int `yaml:"requests,omitempty"`
	// Duration is how long each level sends requests; 0 means the level is
	// bounded by Requests only.
	Duration Duration `yaml:"duration,omitempty"`
	// Warmup is the number of warm-up requests per level, sent first and
	// left out of every metric. A pointer, because 0 (no warm-up) differs
	// from unset (DefaultWarmup).
	Warmup *int `yaml:"warmup,omitempty"`
	// Timeout is the per-request deadline, from send to the end of the stream.
	Timeout Duration `yaml:"timeout,omitempty"`
	// CapacitySearch refines a sweep's capacity at SLO by bisection.
	CapacitySearch *CapacitySearch `yaml:"capacity_search,omitempty"`
	// Adaptive stops levels as soon as their numbers are known (adaptive.go).
	Adaptive *Adaptive `yaml:"adaptive,omitempty"`
}

// Arrival is an open-loop arrival process.
type Arrival string

// The arrival processes (the names loadgen uses).
const (
	// ArrivalConstant sends requests exactly 1/rate apart.
	ArrivalConstant Arrival = "constant"
	// ArrivalPoisson draws exponential gaps with mean 1/rate.
	ArrivalPoisson Arrival = "poisson"
	// ArrivalGamma draws gamma gaps with mean 1/rate and shape Burstiness.
	ArrivalGamma Arrival = "gamma"
)

// Trace names a file of recorded arrivals (see ReadTrace).
type Trace struct {
	// File is the trace's path, relative to the scenario file's directory.
	File string `yaml:"file"`
	// TimeScale multiplies every arrival offset: 0.5 replays the trace twice
	// as fast. Must be > 0; unset means 1.
	TimeScale float64 `yaml:"time_scale,omitempty"`
	// BlockTokens is the size of the prompt blocks a Mooncake trace's
	// hash_ids name, in tokens; unset means TraceBlockTokens (512, the
	// Mooncake traces'). A trace made with another block size says it
	// here.
	BlockTokens int `yaml:"block_tokens,omitempty"`
}

// CapacitySearch asks for a bisection after a sweep: between the last level
// that met the SLOs and the first that did not, Steps more levels are run,
// each halving the interval.
type CapacitySearch struct {
	// Bisect turns the search on.
	Bisect bool `yaml:"bisect"`
	// Steps is the number of bisection levels (unset: DefaultBisectSteps).
	Steps int `yaml:"steps,omitempty"`
}

// SLO is the scenario's service-level objectives. Each latency threshold
// applies at Percentile (e.g. TTFT p95 ≤ 1 s); a zero threshold is not checked.
type SLO struct {
	// Percentile is the percentile the thresholds are judged at: one of 50,
	// 90, 95, 99, 99.9.
	Percentile float64 `yaml:"percentile,omitempty"`
	// TTFT is the time-to-first-token threshold.
	TTFT Duration `yaml:"ttft,omitempty"`
	// TPOT is the time-per-output-token threshold.
	TPOT Duration `yaml:"tpot,omitempty"`
	// ITL is the inter-token latency threshold.
	ITL Duration `yaml:"itl,omitempty"`
	// E2E is the end-to-end request latency threshold.
	E2E Duration `yaml:"e2e,omitempty"`
	// MaxErrorRate is the largest failed fraction of requests, in [0, 1],
	// a level may have and still meet the SLOs; nil until defaults apply
	// DefaultMaxErrorRate. 0 allows no failure.
	MaxErrorRate *float64 `yaml:"max_error_rate,omitempty"`
}

// sloPercentiles are the percentiles an SLO may be judged at: those the
// summary reports.
var sloPercentiles = []float64{50, 90, 95, 99, 99.9}

// GPU says how to sample the GPUs.
type GPU struct {
	// Backend is the sampler: nvml, dcgm, smi, amd-smi, mock, none, or auto
	// (NVML, else nvidia-smi, else none: chosen when the run starts).
	Backend string `yaml:"backend,omitempty"`
	// URL is the dcgm-exporter metrics URL, for backend dcgm, or the mock's
	// URL for backend mock (the target's when empty).
	URL string `yaml:"url,omitempty"`
	// Interval is the time between samples.
	Interval Duration `yaml:"interval,omitempty"`
}

// gpuBackends are the accepted values of GPU.Backend.
var gpuBackends = []string{"auto", "nvml", "dcgm", "smi", "amd-smi", "mock", "none"}

// Cost is the hardware the measured throughput is priced on.
type Cost struct {
	// GPU is the GPU catalog id, e.g. h100-sxm.
	GPU string `yaml:"gpu,omitempty"`
	// GPUs is the number of GPUs serving the model.
	GPUs int `yaml:"gpus,omitempty"`
	// Offer is how the GPUs are paid for: on-demand, reserved-1y,
	// reserved-3y, spot or owned.
	Offer string `yaml:"offer,omitempty"`
}

// Stated is the GPU as run's --gpu states it, ID[xN] (h100-sxmx8); ""
// without a GPU. run records it in run.json when --gpu is not given, and
// the cost model prices the run on it where telemetry does not see the GPU.
func (c Cost) Stated() string {
	if c.GPU == "" || c.GPUs <= 1 {
		return c.GPU
	}
	return fmt.Sprintf("%sx%d", c.GPU, c.GPUs)
}

// costOffers are the accepted values of Cost.Offer: the offer kinds of the
// cost catalog (cost), repeated here because report imports scenarios.
var costOffers = []string{"on-demand", "reserved-1y", "reserved-3y", "spot", "owned"}

// ClearLoadKind empties the load kind (concurrency, sweep, rate, trace)
// for one given another way, a flag: the file's positions of those keys are
// forgotten too, so the new kind is validated as the only one written and a
// cleared value is not read as an explicit 0.
func (s *Scenario) ClearLoadKind() {
	l := &s.Load
	l.Concurrency, l.Sweep, l.Rate, l.Trace = 0, nil, nil, nil
	s.src.forget("load.concurrency", "load.sweep", "load.rate", "load.trace")
}

// Forget drops what the file wrote at each YAML path and below it, for a
// value a flag has replaced: validation then judges the value alone (a 0
// is no longer "written in the file") and no error points at a line that
// no longer holds it.
func (s *Scenario) Forget(paths ...string) { s.src.forget(paths...) }

// ClearOpenLoop empties the settings that qualify an open-loop kind
// (arrival, burstiness, ramp_up, max_concurrency), as ClearLoadKind does
// the kind: a closed-loop kind given by flag over a file's rate leaves
// them nothing to apply to.
func (s *Scenario) ClearOpenLoop() {
	l := &s.Load
	l.Arrival, l.Burstiness, l.RampUp, l.MaxConcurrency = "", 0, 0, 0
	s.src.forget("load.arrival", "load.burstiness", "load.ramp_up", "load.max_concurrency")
}

// FitSearches fits the file's capacity searches to levels that replaced
// its own (levelsReplaced: a --concurrency, --rate or --sweep laid over
// it). A search is over the file's levels: over one level there is nothing
// to search, so the file's searches (load.capacity_search,
// load.adaptive.search) are turned off and their paths returned, for the
// caller's note, and the level runs (stopped adaptively if the file says
// so); a search replaced too (bisectReplaced, searchReplaced: the flags
// asked for one, or said none) is left to them and to validation. The
// adaptive start, one of the file's levels for its search, goes when its
// search is off or its level no longer among the levels, once levels or
// search were replaced; it was refused at the file's line
// ("load.adaptive.start: only applies with search: true").
func (s *Scenario) FitSearches(levelsReplaced, bisectReplaced, searchReplaced bool) (off []string) {
	ld := &s.Load
	levels := ld.Levels()
	a := ld.Adaptive
	if levelsReplaced && len(levels) <= 1 {
		if ld.CapacitySearch != nil && !bisectReplaced {
			ld.CapacitySearch = nil
			s.Forget("load.capacity_search", "load.capacity_search.steps")
			off = append(off, "load.capacity_search")
		}
		if a != nil && a.Search && !searchReplaced {
			a.Search = false
			s.Forget("load.adaptive.search")
			off = append(off, "load.adaptive.search")
		}
	}
	if a != nil && a.Start != 0 && (levelsReplaced || searchReplaced) && (!a.Search || !slices.Contains(levels, a.Start)) {
		a.Start = 0
		s.Forget("load.adaptive.start")
	}
	return off
}

// Path resolves p, a path written in the scenario (dataset, trace, empirical
// lengths), against the scenario file's directory (a symbolic link's: the
// directory of the file it points to); an absolute p, or a scenario built
// in memory, leaves p as it is.
func (s *Scenario) Path(p string) string {
	if p == "" || filepath.IsAbs(p) || s.src == nil || s.src.dir == "" {
		return p
	}
	return filepath.Join(s.src.dir, p)
}

// File is the name the scenario was loaded under ("" when built in memory).
func (s *Scenario) File() string {
	if s.src == nil {
		return ""
	}
	return s.src.file
}
