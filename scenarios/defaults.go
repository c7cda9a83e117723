package scenarios

import (
	"cmp"
	"path/filepath"
	"strings"
	"time"
)

// Defaults ApplyDefaults gives to fields left unset.
const (
	// DefaultKind is the target kind: the OpenAI-compatible API that vLLM,
	// TGI, llama.cpp, Ollama, LiteLLM and Groq all serve.
	DefaultKind = "openai"
	// DefaultAPI is the endpoint: chat completions.
	DefaultAPI = "chat"
	// DefaultPromptTokens is the prompt length in tokens without a dataset.
	DefaultPromptTokens = 512
	// DefaultOutputTokens is the output length in tokens.
	DefaultOutputTokens = 256
	// DefaultRequests is the measured requests per level when neither
	// requests nor duration is given.
	DefaultRequests = 200
	// DefaultWarmup is the warm-up requests per level.
	DefaultWarmup = 16
	// DefaultTimeout is the per-request deadline.
	DefaultTimeout = 120 * time.Second
	// DefaultBisectSteps is the number of bisection levels of a capacity search.
	DefaultBisectSteps = 4
	// DefaultPercentile is the percentile SLO thresholds are judged at.
	DefaultPercentile = 95
	// DefaultMaxErrorRate is the largest failed fraction a level may have
	// and still meet the SLOs.
	DefaultMaxErrorRate = 0.01
	// DefaultGPUBackend picks the sampler at run time (NVML, else
	// nvidia-smi, else none), as `run` does without a scenario.
	DefaultGPUBackend = "auto"
	// DefaultGPUInterval is the time between GPU samples.
	DefaultGPUInterval = 250 * time.Millisecond
	// DefaultOffer is how GPUs are paid for when cost.gpu is set.
	DefaultOffer = "on-demand"
)

// ApplyDefaults fills every unset field that has a default, and only those,
// so calling it twice changes nothing and a set value always wins:
//
//   - target.kind "openai", target.api "chat";
//   - workload.prompt_tokens 512 (unless a dataset gives the prompts),
//     workload.output_tokens 256, neither for a trace, whose lines give
//     them;
//   - workload.dataset.format from the file's extension: ".json" is
//     sharegpt (".json.gz" too), anything else jsonl;
//   - load.arrival "poisson" and, with gamma, load.burstiness 1, when a
//     rate is set;
//   - load.requests 200 when neither requests nor duration is given (not
//     for a trace, which ends with its last entry; nor for requests: 0
//     written, no count limit, which needs a duration);
//   - load.warmup 16, load.timeout 2m, load.trace.time_scale 1,
//     load.capacity_search.steps 4 when bisecting;
//   - slo.percentile 95, slo.max_error_rate 0.01 when absent (0 written
//     allows no failure);
//   - gpu.backend "auto", gpu.interval 250ms;
//   - cost.gpus 1 and cost.offer "on-demand" when cost.gpu is set.
//
// It chooses no load kind and no target URL or model: those come from the
// file or from flags (see ValidateRunnable).
func (s *Scenario) ApplyDefaults() {
	t := &s.Target
	t.Kind = cmp.Or(t.Kind, DefaultKind)
	t.API = cmp.Or(t.API, DefaultAPI)

	w := &s.Workload
	if w.PromptTokens.IsZero() && w.Dataset == nil && s.Load.Trace == nil {
		w.PromptTokens = Fixed(DefaultPromptTokens)
	}
	if w.OutputTokens.IsZero() && s.Load.Trace == nil {
		w.OutputTokens = Fixed(DefaultOutputTokens)
	}
	if d := w.Dataset; d != nil && d.Format == "" {
		d.Format = DatasetFormatOf(d.File)
	}

	l := &s.Load
	if len(l.Rate) > 0 {
		l.Arrival = cmp.Or(l.Arrival, ArrivalPoisson)
		if l.Arrival == ArrivalGamma && l.Burstiness == 0 {
			l.Burstiness = 1
		}
	}
	// requests: 0 written is no count limit, not an absence: without a
	// duration ValidateRunnable refuses it (it was made 200).
	if l.Requests == 0 && l.Duration == 0 && l.Trace == nil && !s.src.has("load.requests") {
		l.Requests = DefaultRequests
	}
	if l.Warmup == nil {
		n := DefaultWarmup
		l.Warmup = &n
	}
	if l.Timeout == 0 && !s.src.has("load.timeout") {
		// timeout: 0s written is refused (Validate), as --timeout 0s is.
		l.Timeout = Duration(DefaultTimeout)
	}
	if l.Trace != nil && l.Trace.TimeScale == 0 {
		l.Trace.TimeScale = 1
	}
	if l.Trace != nil && l.Trace.BlockTokens == 0 {
		l.Trace.BlockTokens = TraceBlockTokens
	}
	if cs := l.CapacitySearch; cs != nil && cs.Bisect && cs.Steps == 0 {
		cs.Steps = DefaultBisectSteps
	}

	o := &s.SLO
	if o.Percentile == 0 {
		o.Percentile = DefaultPercentile
	}
	if o.MaxErrorRate == nil {
		r := DefaultMaxErrorRate
		o.MaxErrorRate = &r
	}

	g := &s.GPU
	g.Backend = cmp.Or(g.Backend, DefaultGPUBackend)
	if g.Interval == 0 {
		g.Interval = Duration(DefaultGPUInterval)
	}

	if c := &s.Cost; c.GPU != "" {
		if c.GPUs == 0 {
			c.GPUs = 1
		}
		c.Offer = cmp.Or(c.Offer, DefaultOffer)
	}
}

// DatasetFormatOf is the format of a dataset file whose scenario names
// none, by its name: ShareGPT for .json (.json.gz: it is read
// decompressed, readFile), JSONL otherwise.
func DatasetFormatOf(file string) DatasetFormat {
	if strings.EqualFold(filepath.Ext(file), ".gz") {
		file = file[:len(file)-len(".gz")]
	}
	if strings.EqualFold(filepath.Ext(file), ".json") {
		return FormatShareGPT
	}
	return FormatJSONL
}
