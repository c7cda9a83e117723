// Package mock is inferbench's simulated serving engine: a real
// http.Handler that speaks the serving protocols inferbench measures, so the
// whole pipeline runs and is tested without a GPU.
//
// In fixed-timing mode (the zero engine configuration) every response has an
// exact time to first token, an exact interval between tokens and an exact
// length: it is the ground truth against which the harness measures its own
// timing error. Tests wrap the handler with httptest.NewServer; `inferbench
// mock` serves it with an http.Server on 127.0.0.1 by default.
package mock

import (
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"
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
	// OutputTokens is, in fixed mode, the number of tokens per response; 0
	// takes the request's max_tokens (DefaultMaxTokens when absent). When both
	// are set the response has min(OutputTokens, max_tokens) tokens, raised to
	// the request's min_tokens if that is larger. Must be ≥ 0.
	OutputTokens int
	// Model is the served model name listed by /v1/models; empty means
	// DefaultModel. Requests may name any model: the mock echoes the name.
	Model string
}

// Server is the mock serving engine as an http.Handler. It is safe for
// concurrent use.
type Server struct {
	cfg      Config
	requests atomic.Int64
	created  int64 // unix seconds reported in "created" fields
}

var _ http.Handler = (*Server)(nil)

// New validates cfg and returns a Server.
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
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("mock config: %w", err)
	}
	if cfg.Model == "" {
		cfg.Model = DefaultModel
	}
	return &Server{cfg: cfg, created: time.Now().Unix()}, nil
}

// Requests returns the number of generation requests received so far on
// any generation endpoint, whatever their outcome (rejected, cancelled or
// completed). Model listings, health checks and unknown paths do not count.
func (s *Server) Requests() int64 { return s.requests.Load() }

// ServeHTTP routes a request to its protocol handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	received := time.Now()
	switch r.URL.Path {
	case "/v1/chat/completions":
		seq := s.requests.Add(1)
		if !allowMethod(w, r, http.MethodPost) {
			return
		}
		s.serveOpenAI(w, r, received, endpointChat, seq)
	case "/v1/completions":
		seq := s.requests.Add(1)
		if !allowMethod(w, r, http.MethodPost) {
			return
		}
		s.serveOpenAI(w, r, received, endpointCompletions, seq)
	case "/v1/models":
		if !allowMethod(w, r, http.MethodGet) {
			return
		}
		s.serveModels(w)
	case "/health":
		if !allowMethod(w, r, http.MethodGet) {
			return
		}
		w.WriteHeader(http.StatusOK)
	default:
		writeOpenAIError(w, http.StatusNotFound, "NotFoundError", fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path))
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
