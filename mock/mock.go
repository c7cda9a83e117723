// Package mock is inferbench's simulated serving engine: a real
// http.Handler that speaks the serving protocols inferbench measures, so the
// whole pipeline runs and is tested without a GPU.
//
// Two modes. In fixed-timing mode (Config.GPU empty) every response has an
// exact time to first token, an exact interval between tokens and an exact
// length: the ground truth against which the harness measures its own
// timing error. In engine mode (Config.GPU set) a simulated
// continuous-batching engine decides when tokens come out, from a GPU
// profile and a model profile (engine.go), so load, batching and hardware
// show in the timings the way they do on a real server.
//
// Routes (one handler, every protocol):
//
//	POST /v1/chat/completions, /v1/completions   OpenAI / vLLM
//	POST /openai/v1/chat/completions             Groq (x_groq usage)
//	POST /generate_stream, /generate             TGI native (also under /tgi/)
//	POST /tgi/v1/chat/completions                TGI Messages API
//	GET  /info, /tgi/info                        TGI info
//	POST /api/generate, /api/chat; GET /api/tags Ollama (NDJSON)
//	POST /v1/messages                            Anthropic Messages
//	POST /v1beta/models/M:streamGenerateContent  Gemini (alt=sse or JSON array)
//	POST /v1beta/models/M:generateContent        Gemini, not streamed
//	POST /v1/projects/P/locations/L/publishers/google/models/M:streamGenerateContent
//	                                             Gemini on Vertex AI (errors in an array)
//	POST /model/ID/converse-stream               Amazon Bedrock ConverseStream (AWS event stream)
//	POST /model/ID/invoke-with-response-stream   Bedrock InvokeModelWithResponseStream
//	POST /openai/deployments/D/chat/completions, /openai/deployments/D/completions
//	POST /azure/openai/v1/chat/completions       Azure OpenAI (content-filter annotations)
//	POST /v1/responses, /openai/responses, /azure/openai/v1/responses
//	                                             OpenAI Responses API (typed events)
//	POST /api/v1/chat/completions, /api/v1/completions, /api/v1/responses
//	                                             OpenRouter (comment lines first; usage always, on the finish chunk)
//	POST /completion                             llama.cpp native (llama-server: no [DONE], timings)
//	POST /v1/models/O/N/predictions, /v1/predictions, /v1/deployments/O/N/predictions;
//	GET  /v1/files/ID (stream), /v1/predictions/ID Replicate
//	POST /v2/models/M/generate_stream; GET /v2    Triton generate extension (TensorRT-LLM)
//	GET  /get_server_info                        SGLang server info
//	GET  /v1/models, /health, /metrics, /dcgm/metrics
//	POST /tokenize                               vLLM, llama.cpp or TGI shape (tokenize.go)
//
// Faults are injected by rate (Config.Faults) or per request with the
// X-Mock-Fault header (faults.go).
package mock

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inferbench/inferbench/internal/runwait"
	"github.com/inferbench/inferbench/rundir"
)

// DefaultMaxTokens is the output length used when neither Config.OutputTokens
// nor the request's max_tokens sets one (vLLM's completions default is 16).
const DefaultMaxTokens = 16

// DefaultModel is the model name the mock reports when Config.Model is empty
// and a request names none.
const DefaultModel = "mock"

// Config configures a Server. The zero value is a valid fixed-timing server
// that answers at once with DefaultMaxTokens tokens.
type Config struct {
	// TTFT is, in fixed mode, the time from receiving a request to writing
	// and flushing its first token event. Must be ≥ 0.
	TTFT time.Duration
	// ITL is, in fixed mode, the time between consecutive token events. Must be ≥ 0.
	ITL time.Duration
	// OutputTokens is the number of tokens per response (in engine mode too:
	// the simulated model's end-of-sequence point); 0 takes the request's
	// max_tokens (DefaultMaxTokens when absent). When both are set the
	// response has min(OutputTokens, max_tokens) tokens, raised to the
	// request's min_tokens if that is larger. Must be ≥ 0.
	OutputTokens int
	// Model is the served model name. In engine mode it also names the model
	// profile (ModelProfiles); empty means DefaultModel in fixed mode and
	// "llama-3-8b" in engine mode. Requests may name any model: the mock
	// echoes the name.
	Model string

	// GPU names the GPU profile (GPUProfiles) and selects engine mode; empty
	// keeps fixed-timing mode, where the fields below are ignored.
	GPU string
	// GPUs is the tensor-parallel degree; 0 means 1.
	GPUs int
	// MaxSeqs bounds the running batch; 0 means DefaultMaxSeqs.
	MaxSeqs int
	// MaxBatchedTokens is the token budget of one engine step; 0 means
	// DefaultMaxBatchedTokens.
	MaxBatchedTokens int
	// ChunkedPrefill splits long prompts over steps within the token budget.
	ChunkedPrefill bool
	// NoPrefixCache turns the engine's prefix cache off (vLLM's
	// --no-enable-prefix-caching; prefixcache.go).
	NoPrefixCache bool
	// StepOverhead is the fixed time added to every engine step; 0 means
	// DefaultStepOverhead.
	StepOverhead time.Duration
	// StepJitter is the relative standard deviation of step times (0 for
	// none), drawn from a generator seeded with Seed.
	StepJitter float64
	// Seed seeds every random choice (step jitter, fault draws).
	Seed int64

	// Faults are injected at random, by rate; see FaultRates.
	Faults FaultRates
	// FaultAfterTokens is how many tokens a mid-stream fault lets through
	// first (error-event, disconnect, stall, malformed, oversized).
	FaultAfterTokens int
	// FaultDuration is how long a stall or slow-headers fault lasts; 0 means 1s.
	FaultDuration time.Duration
	// RetryAfter is the retry hint of a 429 or 503 fault; 0 means 1s.
	RetryAfter time.Duration

	// Hostname labels the simulated GPUs in /dcgm/metrics; empty means "mock".
	Hostname string

	// ChatStream is the shape of the vLLM chat stream (/v1/chat/completions):
	// ChatStreamVLLM (the default, "") sends the role chunk with the first
	// engine output and finish_reason on the last token's chunk, as current
	// vLLM does; ChatStreamEarlyRole sends the role chunk on receipt and a
	// separate empty finish chunk, as OpenAI and servers that answer early do.
	ChatStream string
}

// The chat stream shapes (Config.ChatStream).
const (
	ChatStreamVLLM      = "vllm"
	ChatStreamEarlyRole = "early-role"
)

// Server is the mock serving engine as an http.Handler. It is safe for
// concurrent use and needs no Close: the engine's goroutine runs only while
// requests are in flight.
type Server struct {
	cfg      Config
	requests atomic.Int64
	created  int64 // unix seconds reported in "created" fields
	started  time.Time
	engine   *engine // nil in fixed mode
	metrics  serverMetrics
	// cpuWait reads this process's threads' wait for a CPU (metrics.go,
	// CPUWaitFamily); nil off Linux.
	cpuWait *runwait.Reader

	faultMu  sync.Mutex
	faultRNG faultRNG
}

var _ http.Handler = (*Server)(nil)

// New validates cfg and returns a Server. Errors are one line each.
func New(cfg Config) (*Server, error) {
	var errs []error
	if cfg.TTFT < 0 {
		errs = append(errs, fmt.Errorf("ttft %v is negative", cfg.TTFT))
	}
	if cfg.ITL < 0 {
		errs = append(errs, fmt.Errorf("itl %v is negative", cfg.ITL))
	}
	if cfg.OutputTokens < 0 {
		errs = append(errs, fmt.Errorf("output tokens %d is negative", cfg.OutputTokens))
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"gpu count", cfg.GPUs}, {"max sequences", cfg.MaxSeqs}, {"max batched tokens", cfg.MaxBatchedTokens}, {"fault after tokens", cfg.FaultAfterTokens}} {
		if f.v < 0 {
			errs = append(errs, fmt.Errorf("%s %d is negative", f.name, f.v))
		}
	}
	if cfg.StepOverhead < 0 || cfg.FaultDuration < 0 || cfg.RetryAfter < 0 {
		errs = append(errs, errors.New("durations must not be negative"))
	}
	if cfg.StepJitter < 0 || cfg.StepJitter > 1 {
		errs = append(errs, fmt.Errorf("step jitter %v is outside [0, 1]", cfg.StepJitter))
	}
	if err := cfg.Faults.Validate(); err != nil {
		errs = append(errs, err)
	}
	if cfg.GPU == "" {
		// The engine's settings shape the simulated engine, which fixed
		// timing does not run: taken without a word, `mock --max-seqs 6`
		// served as before and a gate "tested" a change that was never made.
		var set []string
		for _, f := range []struct {
			name string
			on   bool
		}{{"gpu count", cfg.GPUs > 1}, {"max sequences", cfg.MaxSeqs > 0}, {"max batched tokens", cfg.MaxBatchedTokens > 0},
			{"chunked prefill", cfg.ChunkedPrefill}, {"no prefix cache", cfg.NoPrefixCache}, {"step overhead", cfg.StepOverhead > 0},
			{"step jitter", cfg.StepJitter > 0}} {
			if f.on {
				set = append(set, f.name)
			}
		}
		if len(set) > 0 {
			errs = append(errs, fmt.Errorf("%s set without a GPU profile: the simulated engine's settings, and fixed timing runs no engine (give a GPU profile, --gpu)", strings.Join(set, ", ")))
		}
	}
	if cs := cfg.ChatStream; cs != "" && cs != ChatStreamVLLM && cs != ChatStreamEarlyRole {
		errs = append(errs, fmt.Errorf("chat stream %q is not %s or %s", cs, ChatStreamVLLM, ChatStreamEarlyRole))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("mock config: %s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	if cfg.Hostname == "" {
		cfg.Hostname = "mock"
	}
	if cfg.FaultDuration == 0 {
		cfg.FaultDuration = time.Second
	}
	if cfg.RetryAfter == 0 {
		cfg.RetryAfter = time.Second
	}
	s := &Server{cfg: cfg, started: time.Now(), cpuWait: runwait.Self()}
	s.created = s.started.Unix()
	s.faultRNG = newFaultRNG(cfg.Seed)
	if cfg.GPU != "" {
		if cfg.Model == "" {
			cfg.Model = "llama-3-8b"
		}
		e, err := newEngine(cfg)
		if err != nil {
			return nil, fmt.Errorf("mock config: %w", err)
		}
		cfg.Model, s.engine = e.model.Name, e
	}
	if cfg.Model == "" {
		cfg.Model = DefaultModel
	}
	s.cfg = cfg
	s.metrics.init()
	return s, nil
}

// Requests returns the number of generation requests received so far on
// any generation endpoint, whatever their outcome (rejected, faulted,
// cancelled or completed). Listings, health checks, metrics and unknown
// paths do not count.
func (s *Server) Requests() int64 { return s.requests.Load() }

// EngineStats returns the simulated engine's state; ok is false in
// fixed-timing mode.
func (s *Server) EngineStats() (st EngineStats, ok bool) {
	if s.engine == nil {
		return EngineStats{}, false
	}
	return s.engine.stats(), true
}

// ServeHTTP routes a request to its protocol handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	received := time.Now()
	w.Header().Set(rundir.MockHeader, "simulated") // what is served here was not measured
	path := r.URL.Path
	tgi := false
	if p, ok := strings.CutPrefix(path, "/tgi/"); ok {
		path, tgi = "/"+p, true
	}
	if !tgi && s.serveReplicate(w, r, path, received) {
		return
	}
	if p := generationRoute(path, tgi, r); p != nil {
		seq := s.requests.Add(1)
		if !allowMethod(w, r, http.MethodPost) {
			return
		}
		s.serveGeneration(w, r, received, seq, p)
		return
	}
	if path == "/tokenize" {
		s.serveTokenize(w, r, tgi)
		return
	}
	pg, ok := pages[path]
	if !ok || tgi && !pg.underTGI {
		msg := fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path)
		if generationRoute("/v1"+path, false, r) != nil {
			// A client that adds no /v1 to its URL (deepinfra's API root,
			// a --url that names the path): say where the route is.
			msg += fmt.Sprintf(" (the mock serves it at /v1%s: give --url http://%s/v1)", path, r.Host)
		}
		writeOpenAIError(w, http.StatusNotFound, "NotFoundError", msg)
		return
	}
	if allowMethod(w, r, http.MethodGet) {
		pg.serve(s, w)
	}
}

// allowMethod answers 405 and returns false unless r uses method (GET also
// admits HEAD).
func allowMethod(w http.ResponseWriter, r *http.Request, method string) bool {
	if r.Method == method || (method == http.MethodGet && r.Method == http.MethodHead) {
		return true
	}
	w.Header().Set("Allow", method)
	writeOpenAIError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", fmt.Sprintf("method %s not allowed on %s", r.Method, r.URL.Path))
	return false
}
