// Package openai is the target adapter for OpenAI-compatible servers: the
// OpenAI API itself, vLLM, llama.cpp's llama-server, Ollama's /v1 API, Groq,
// LiteLLM and OpenRouter. It streams POST /v1/chat/completions or
// /v1/completions and turns each server-sent event into a targets.Chunk.
//
// What counts as a token follows DESIGN.md "Metric definitions": role-only
// chunks, usage-only chunks (`"choices": []`), `"delta": {}` finish chunks
// and comments carry none. Text arrives on three channels: content
// (`delta.content`, or `choices[].text` for completions), reasoning
// (`delta.reasoning_content`, `delta.reasoning`) and tool-call arguments
// (`delta.tool_calls[].function.arguments`). The wire formats are described,
// with their sources, in /work/shared/notes/protocols.md §3, §4, §7 and §11.
package openai

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/sse"
)

// drainLimit and drainWait bound how much of the body Stream reads after
// [DONE] (the end of the chunked encoding usually follows at once) so that
// net/http can reuse the connection; a server that keeps the body open
// longer loses the connection instead of holding the caller.
const (
	drainLimit = 64 << 10
	drainWait  = 100 * time.Millisecond
)

// maxErrorRead is how much of a non-2xx body is read to decode its error.
const maxErrorRead = 64 << 10

// A Target streams generations from an OpenAI-compatible server. It is safe
// for concurrent use.
type Target struct {
	url          string
	api          API
	flavor       Flavor
	key          string
	includeUsage bool
	continuous   bool
	header       http.Header
	client       *http.Client
	states       sync.Pool // of *streamState, reused across requests
}

var _ targets.Target = (*Target)(nil)

// New returns a Target for cfg, or an error naming the field that is wrong.
func New(cfg Config) (*Target, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || cfg.BaseURL == "" {
		return nil, fmt.Errorf("openai: base URL %q is not a URL", redactURL(cfg.BaseURL))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("openai: base URL %q: scheme must be http or https", u.Redacted())
	}
	if u.Host == "" {
		return nil, fmt.Errorf("openai: base URL %q has no host", u.Redacted())
	}
	api := cfg.api()
	var endpoint string
	switch api {
	case Chat:
		endpoint = "/chat/completions"
	case Completions:
		endpoint = "/completions"
	case Native:
		if cfg.flavor() != FlavorLlamaCpp {
			return nil, fmt.Errorf("openai: API %q is llama.cpp's: flavor %q has none", Native, cfg.flavor())
		}
		endpoint = "/completion"
	default:
		return nil, fmt.Errorf("openai: API %q: want %q or %q", cfg.API, Chat, Completions)
	}
	flavor := cfg.flavor()
	if flavor != FlavorOpenAI && flavor != FlavorVLLM && flavor != FlavorLlamaCpp {
		return nil, fmt.Errorf("openai: flavor %q: want %q, %q or %q", cfg.Flavor, FlavorOpenAI, FlavorVLLM, FlavorLlamaCpp)
	}
	path := strings.TrimRight(u.Path, "/")
	switch {
	case api == Native:
		path = strings.TrimSuffix(path, "/v1") // /completion is at the root
	case !strings.HasSuffix(path, "/v1"):
		path += "/v1"
	}
	u.Path = path + endpoint
	u.RawPath = ""

	client := cfg.Client
	if client == nil {
		client = &http.Client{Transport: newTransport()}
	}
	t := &Target{
		url:          u.String(),
		api:          api,
		flavor:       flavor,
		key:          cfg.APIKey,
		includeUsage: cfg.includeUsage(),
		continuous:   cfg.ContinuousUsage,
		header:       cfg.Header.Clone(),
		client:       client,
	}
	t.states.New = func() any { return &streamState{rd: sse.NewReader(nil)} }
	return t, nil
}

// newTransport returns net/http's default transport settings with room for
// DefaultMaxIdleConnsPerHost idle connections per host and without
// transparent gzip, which would add buffering on the read path of streams.
func newTransport() http.RoundTripper {
	var tr *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		tr = dt.Clone()
	} else {
		tr = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	tr.MaxIdleConns = 0 // no limit in total
	tr.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	tr.DisableCompression = true
	return tr
}

// String names the endpoint and flavor, never the API key.
func (t *Target) String() string {
	return fmt.Sprintf("openai %s (%s) %s", t.api, t.flavor, redactURL(t.url))
}

// URL returns the endpoint the Target posts to.
func (t *Target) URL() string { return t.url }

// streamState is the per-request scratch space, pooled.
type streamState struct {
	rd   *sse.Reader
	ev   eventJSON
	json eventDecoder
}

// Stream sends req and calls onChunk for each decoded data event (token
// chunks and also role, finish and usage chunks, which carry no token, so the
// caller sees when the first byte of the stream arrived). See targets.Target.
func (t *Target) Stream(ctx context.Context, req targets.Request, onChunk func(targets.Chunk)) (targets.Final, error) {
	var final targets.Final
	body, err := t.requestBody(req)
	if err != nil {
		return final, fmt.Errorf("openai: encode request: %w", err)
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	hreq, err := http.NewRequestWithContext(rctx, http.MethodPost, t.url, bytes.NewReader(body))
	if err != nil {
		return final, t.redactErr(fmt.Errorf("openai: new request: %w", err))
	}
	for k, vs := range t.header {
		hreq.Header[k] = vs
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "text/event-stream")
	if t.key != "" {
		hreq.Header.Set("Authorization", "Bearer "+t.key)
	}
	// Mark the POST as safe to retry, with a key that is never sent: then
	// net/http resends it, on a new connection, when a reused keep-alive
	// connection turns out to be closed before any response byte arrived.
	// llama-server closes the connection after every streamed response
	// without saying so, which otherwise fails 15-27 % of requests
	// (/work/shared/notes/real-servers.md §4.1); see net/http Transport's
	// doc on Idempotency-Key.
	hreq.Header["X-Idempotency-Key"] = nil

	resp, err := t.client.Do(hreq)
	if err != nil {
		return final, t.readErr(ctx, "send request", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return final, t.httpError(resp)
	}
	if ct := resp.Header.Get("Content-Type"); !isEventStream(ct) {
		return final, &targets.ProtocolError{Msg: fmt.Sprintf(
			"HTTP %d with Content-Type %q, not text/event-stream: the server did not stream the response", resp.StatusCode, ct)}
	}

	st := t.states.Get().(*streamState)
	defer t.states.Put(st)
	st.rd.Reset(resp.Body)
	defer st.rd.Reset(nil)
	d := decoder{ev: &st.ev, json: &st.json, redact: t.redact, native: t.api == Native}
	for {
		ev, err := st.rd.Next()
		if err == io.EOF {
			if d.finish != "" {
				// Some servers end without [DONE] (TGI chat ≤ 2.0, Groq):
				// a finish_reason says the generation ended.
				return d.final(), nil
			}
			return d.final(), &targets.ProtocolError{Msg: fmt.Sprintf(
				"stream ended before [DONE] and without a finish_reason, after %d events", d.events)}
		}
		if errors.Is(err, sse.ErrEventTooLarge) {
			return d.final(), &targets.ProtocolError{Msg: err.Error()}
		}
		if err != nil {
			return d.final(), t.readErr(ctx, "read stream", err)
		}
		done, err := d.event(ev, onChunk)
		if err != nil {
			return d.final(), err
		}
		if done {
			// Read what follows [DONE] (the end of the chunked body), so the
			// connection goes back to the pool; give up after drainWait.
			stop := time.AfterFunc(drainWait, cancel)
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainLimit))
			stop.Stop()
			return d.final(), nil
		}
	}
}

// readErr wraps a transport error. When ctx ended, its cause leads, so that
// loadgen.Classify sees a timeout or a cancellation rather than whatever
// the transport made of it.
func (t *Target) readErr(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		if cause := context.Cause(ctx); !errors.Is(err, cause) {
			err = fmt.Errorf("%w: %w", cause, err)
		}
	}
	return t.redactErr(fmt.Errorf("openai: %s: %w", what, err))
}

// isEventStream reports whether a Content-Type is text/event-stream. A
// missing Content-Type is given the benefit of the doubt: the stream's
// framing decides.
func isEventStream(ct string) bool {
	if ct == "" {
		return true
	}
	mt, _, _ := strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "text/event-stream")
}

// redact removes the API key from s.
func (t *Target) redact(s string) string {
	if t.key == "" || !strings.Contains(s, t.key) {
		return s
	}
	return strings.ReplaceAll(s, t.key, "[REDACTED]")
}

// redactErr returns err, or an error with the same chain whose message has
// the API key removed.
func (t *Target) redactErr(err error) error {
	if err == nil || t.key == "" || !strings.Contains(err.Error(), t.key) {
		return err
	}
	return &redactedError{msg: t.redact(err.Error()), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
