// Package openai is the target adapter for OpenAI-compatible servers: the
// OpenAI API itself, vLLM, llama.cpp's llama-server, Ollama's /v1 API, Groq,
// LiteLLM and OpenRouter. It streams POST /v1/chat/completions or
// /v1/completions and turns each server-sent event into a targets.Chunk.
//
// What counts as a token follows docs/design.md "Metric definitions": role-only
// chunks, usage-only chunks (`"choices": []`), `"delta": {}` finish chunks
// and comments carry none. Text arrives on three channels: content
// (`delta.content`, or `choices[].text` for completions), reasoning
// (`delta.reasoning_content`, `delta.reasoning`) and tool-call arguments
// (`delta.tool_calls[].function.arguments`). The wire formats are described,
// with their sources, in docs/notes/protocols.md §3, §4, §7 and §11.
package openai

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/sse"
)

// A Target streams generations from an OpenAI-compatible server. It is safe
// for concurrent use.
type Target struct {
	url          string
	api          API
	flavor       Flavor
	includeUsage bool
	continuous   bool
	ep           targets.Endpoint // the client, header and key redactor
	states       sync.Pool        // of *streamState, reused across requests
	// deployment, when set, builds the URL of a request from its model
	// (Azure's /openai/deployments/{deployment}/… paths); url is unused.
	deployment func(model string) string
}

var _ targets.Target = (*Target)(nil)

// ForcesLength reports whether t sends ignore_eos (and, to vLLM,
// min_tokens): the vLLM and llama.cpp flavors do, on every API but
// Responses.
func (t *Target) ForcesLength() bool {
	return (t.flavor == FlavorVLLM || t.flavor == FlavorLlamaCpp) && t.api != Responses
}

// New returns a Target for cfg, or an error naming the field that is wrong.
func New(cfg Config) (*Target, error) {
	api := cfg.api()
	flavor := cfg.flavor()
	keyHeader := "Authorization"
	if flavor == FlavorAzure {
		keyHeader = "Api-Key" // or a bearer token instead (azure.go)
	}
	u, ep, err := cfg.Endpoint("openai", "text/event-stream", keyHeader)
	if err != nil {
		return nil, err
	}
	switch flavor {
	case FlavorOpenAI, FlavorVLLM, FlavorLlamaCpp, FlavorCompatible, FlavorAzure:
	default:
		return nil, fmt.Errorf("openai: flavor %q: want %q, %q, %q, %q or %q", cfg.Flavor, FlavorOpenAI, FlavorVLLM, FlavorLlamaCpp, FlavorCompatible, FlavorAzure)
	}
	var endpoint string
	switch api {
	case Chat:
		endpoint = "/chat/completions"
	case Completions:
		endpoint = "/completions"
	case Responses:
		endpoint = "/responses"
	case Native:
		if flavor != FlavorLlamaCpp {
			return nil, fmt.Errorf("openai: API %q is llama.cpp's: flavor %q has none", Native, flavor)
		}
		endpoint = "/completion"
	default:
		return nil, fmt.Errorf("openai: API %q: want %q, %q or %q", cfg.API, Chat, Completions, Responses)
	}
	t := &Target{
		api:          api,
		flavor:       flavor,
		includeUsage: cfg.includeUsage(),
		continuous:   cfg.ContinuousUsage,
		ep:           ep,
	}
	switch {
	case flavor == FlavorAzure:
		if err := t.azure(u, endpoint, cfg); err != nil {
			return nil, err
		}
	case api == Native:
		u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/v1") // /completion is at the root
		t.url = targets.EndpointURL(u, "", endpoint)
	case cfg.APIRoot:
		t.url = targets.EndpointURL(u, "", endpoint)
	default:
		t.url = targets.EndpointURL(u, "/v1", endpoint)
	}
	t.states.New = func() any {
		st := &streamState{rd: sse.NewReader(nil)}
		st.read = func(ctx context.Context, resp *http.Response, cancel context.CancelFunc, onChunk func(targets.Chunk)) (targets.Final, error) {
			return t.readChat(ctx, resp, cancel, onChunk, st)
		}
		return st
	}
	return t, nil
}

// URL returns the endpoint the Target posts model's requests to: the same
// for every model, except on Azure, where the model names the deployment
// in the path.
func (t *Target) URL(model string) string {
	if t.deployment != nil {
		return t.deployment(model)
	}
	return t.url
}

// String names the endpoint and flavor, never the API key.
func (t *Target) String() string {
	return fmt.Sprintf("openai %s (%s) %s", t.api, t.flavor, targets.RedactURL(t.URL("{deployment}")))
}

// streamState is the per-request scratch space, pooled.
type streamState struct {
	rd   *sse.Reader
	ev   eventJSON
	json eventDecoder
	tmpl template
	// stops is the request's stop sequences, for the decoder to judge a
	// finish chunk's stop_reason by; read is readChat with this state,
	// made once with it, so that a request allocates no closure.
	stops []string
	read  targets.StreamReader
}

// Stream sends req and calls onChunk for each decoded data event (token
// chunks and also role, finish and usage chunks, which carry no token, so the
// caller sees when the first byte of the stream arrived). See targets.Target.
func (t *Target) Stream(ctx context.Context, req targets.Request, onChunk func(targets.Chunk)) (targets.Final, error) {
	body, err := t.requestBody(req)
	if err != nil {
		return targets.Final{}, fmt.Errorf("openai: encode request: %w", err)
	}
	if t.deployment != nil && req.Model == "" {
		return targets.Final{}, targets.RequestErrorf("openai: no model: Azure's deployment URL needs the deployment name as the model")
	}
	if t.api == Responses {
		return t.ep.Stream(ctx, t.URL(req.Model), body, t.httpError, nil, t.readResponses, onChunk)
	}
	st := t.states.Get().(*streamState)
	st.stops = req.Stop
	defer func() {
		st.stops = nil // the pool keeps no request's slice
		t.states.Put(st)
	}()
	// PostStream marks the POST safe to resend when a kept-alive connection
	// turns out closed (llama-server closes it after every stream).
	return t.ep.Stream(ctx, t.URL(req.Model), body, t.httpError, nil, st.read, onChunk)
}

// readChat reads a Chat Completions or Completions stream to [DONE] (or,
// lacking it, to a finish_reason and the end of the stream), decoding with
// st, the request's pooled streamState.
func (t *Target) readChat(ctx context.Context, resp *http.Response, cancel context.CancelFunc, onChunk func(targets.Chunk), st *streamState) (targets.Final, error) {
	st.rd.Reset(resp.Body)
	defer st.rd.Reset(nil)
	st.tmpl.reset()
	d := decoder{ev: &st.ev, json: &st.json, tmpl: &st.tmpl, redact: t.ep.Redact, native: t.api == Native, stops: st.stops}
	// After [DONE], ReadEvents reads what follows (the end of the chunked
	// body), so the connection goes back to the pool; it gives up after
	// DrainWait.
	err := t.ep.ReadEvents(ctx, st.rd, resp.Body, cancel, func(ev sse.Event) (bool, error) { return d.event(ev, onChunk) })
	if err == io.EOF {
		if d.finish != "" {
			// Some servers end without [DONE] (TGI chat ≤ 2.0, Groq): a
			// finish_reason says the generation ended.
			return d.final(), nil
		}
		return d.final(), d.endedEarly()
	}
	return d.final(), err
}
