// Package tgi is the target adapter for Hugging Face text-generation-inference
// (TGI). Its native API streams POST /generate_stream: server-sent events
// written `data:{json}` (no space after the colon), one event per generated
// token, the last carrying generated_text and, when the request asks for
// details, the token counts; there is no [DONE]. TGI's OpenAI-style Messages
// API (/v1/chat/completions) is spoken through the openai adapter.
//
// The wire format and its traps are described, with their sources, in
// docs/notes/protocols.md §5: `details` defaults to false, and without
// it the stream carries no token count; temperature 0 is rejected; errors
// come in-band with HTTP 200 as {"error","error_type"} events.
package tgi

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/sse"
)

// API selects the endpoint a Target calls.
type API string

// The endpoints of a TGI server.
const (
	// Native is POST /generate_stream, TGI's own API (the default).
	Native API = "native"
	// Chat is POST /v1/chat/completions, TGI's Messages API.
	Chat API = "chat"
)

// GreedyTemperature is the temperature sent to TGI's Messages API when the
// request asks for 0: TGI rejects temperature 0 ("must be strictly
// positive"), and vLLM's benchmark sends 0.01 for the same reason
// (docs/notes/protocols.md §2). At 0.001 sampling is greedy in practice. The native
// API needs no such value: it sends do_sample false instead.
const GreedyTemperature = 0.001

// Config configures a Target. The zero value of each field but BaseURL is
// usable.
//
// BaseURL is the server root, e.g. http://host:8080; the Target adds
// /generate_stream or /v1/chat/completions. APIKey, when set, is sent as
// "Authorization: Bearer <key>" (Hugging Face inference endpoints); a bare
// TGI needs none; it goes over any Authorization in Header.
type Config struct {
	// Conn is the server root, key, client and extra headers.
	targets.Conn
	// API is the endpoint: Native (default) or Chat.
	API API
}

// String describes the configuration without its API key.
func (c Config) String() string { return c.Describe("tgi.Config", "API:"+string(c.api())) }

// GoString is String, so that %#v does not print the API key either.
func (c Config) GoString() string { return c.String() }

func (c Config) api() API { return cmp.Or(c.API, Native) }

// A Target streams generations from a TGI server. It is safe for concurrent
// use.
type Target struct {
	url  string
	ep   targets.Endpoint // the client, header and key redactor
	chat *openai.Target   // the Messages API, nil for Native
}

var _ targets.Target = (*Target)(nil)

// New returns a Target for cfg, or an error naming the field that is wrong.
func New(cfg Config) (*Target, error) {
	u, ep, err := cfg.Endpoint("tgi", "text/event-stream", "Authorization")
	if err != nil {
		return nil, err
	}
	t := &Target{ep: ep}
	switch cfg.api() {
	case Native:
		t.url = targets.EndpointURL(u, "", "/generate_stream")
	case Chat:
		// TGI's Messages API takes max_tokens (the vLLM flavor's field);
		// the vLLM extras are cleared from each request in Stream.
		conn := cfg.Conn
		conn.Client = ep.Client
		t.chat, err = openai.New(openai.Config{Conn: conn, API: openai.Chat, Flavor: openai.FlavorVLLM})
		if err != nil {
			return nil, fmt.Errorf("tgi: %w", err)
		}
		t.url = t.chat.URL("") // one URL for every model
	default:
		return nil, fmt.Errorf("tgi: API %q: want %q or %q", cfg.API, Native, Chat)
	}
	return t, nil
}

// String names the endpoint, never the API key.
func (t *Target) String() string { return "tgi " + targets.RedactURL(t.url) }

// URL returns the endpoint the Target posts to.
func (t *Target) URL() string { return t.url }

// requestJSON is the body of a /generate_stream request.
type requestJSON struct {
	Inputs     string         `json:"inputs"`
	Parameters parametersJSON `json:"parameters"`
}

type parametersJSON struct {
	MaxNewTokens int `json:"max_new_tokens,omitempty"`
	// Details must be true: without it the last event has "details":null
	// and the stream says nothing of how many tokens it carried.
	Details     bool     `json:"details"`
	DoSample    *bool    `json:"do_sample,omitempty"`
	Temperature *float64 `json:"temperature,omitempty"`
	Seed        *int64   `json:"seed,omitempty"`
	// Stop is TGI's parameters.stop; TGI refuses more than its
	// --max-stop-sequences (4 by default) with a 422.
	Stop []string `json:"stop,omitempty"`
}

// requestBody encodes req for /generate_stream. TGI has no ignore_eos or
// min_tokens in its public API (docs/notes/protocols.md §5.1): Request.IgnoreEOS and
// MinTokens cannot be honoured, and the output length is whatever the model
// produces up to MaxTokens; details.generated_tokens says what it was.
// Temperature 0 becomes do_sample false (greedy decoding), as TGI rejects a
// temperature that is not strictly positive.
func requestBody(req targets.Request) ([]byte, error) {
	p := parametersJSON{MaxNewTokens: max(req.MaxTokens, 0), Details: true, Seed: req.Seed, Stop: req.Stop}
	if req.Temperature != nil {
		sample := *req.Temperature > 0
		p.DoSample = &sample
		if sample {
			p.Temperature = req.Temperature
		}
	}
	return json.Marshal(requestJSON{Inputs: req.FlatPrompt(), Parameters: p})
}

// Stream sends req and calls onChunk for each event of the stream: every
// token event (Tokens 1, Content the token's text unless it is a special
// token such as end-of-sequence) and nothing else. See targets.Target.
func (t *Target) Stream(ctx context.Context, req targets.Request, onChunk func(targets.Chunk)) (targets.Final, error) {
	if t.chat != nil {
		// TGI knows neither ignore_eos nor min_tokens, and rejects
		// temperature 0.
		req.IgnoreEOS, req.MinTokens = false, 0
		if req.Temperature != nil && *req.Temperature <= 0 {
			g := GreedyTemperature
			req.Temperature = &g
		}
		return t.chat.Stream(ctx, req, onChunk)
	}
	body, err := requestBody(req)
	if err != nil {
		return targets.Final{}, fmt.Errorf("tgi: encode request: %w", err)
	}
	return t.ep.Stream(ctx, t.url, body, t.httpError, nil, t.read, onChunk)
}

// read reads a /generate_stream stream to its end event, the one with
// generated_text.
func (t *Target) read(ctx context.Context, resp *http.Response, cancel context.CancelFunc, onChunk func(targets.Chunk)) (targets.Final, error) {
	var (
		final  targets.Final
		ev     eventJSON
		events int
	)
	// The end event is read, what follows drained (the connection is
	// reused), by ReadEvents.
	err := t.ep.ReadEvents(ctx, sse.NewReader(resp.Body), resp.Body, cancel, func(e sse.Event) (bool, error) {
		data := bytes.TrimSpace(e.Data)
		if len(data) == 0 {
			return false, nil // raw lines or an empty data line: nothing TGI sends
		}
		ev = eventJSON{}
		if err := json.Unmarshal(data, &ev); err != nil {
			return false, t.ep.Redact.Undecodable(fmt.Sprintf("event %d", events), err, data)
		}
		events++
		if se := ev.streamError(t.ep.Redact); se != nil {
			return false, se
		}
		var c targets.Chunk
		if ev.Token != nil {
			c.Tokens = 1
			if !ev.Token.Special {
				c.Content = ev.Token.Text
			}
		}
		if d := ev.Details; d != nil {
			final.Usage = &targets.Usage{PromptTokens: int(d.InputLength.N), CompletionTokens: int(d.GeneratedTokens.N)}
			c.Usage = final.Usage
			final.FinishReason = d.FinishReason
			// TGI tells its finishes apart: length, eos_token and
			// stop_sequence (router's FinishReason).
			final.StoppedBySequence = d.FinishReason == "stop_sequence"
		}
		onChunk(c)
		return ev.GeneratedText != nil, nil
	})
	if err == io.EOF {
		// TGI ends with the event that carries generated_text; a stream
		// that stops before it was cut.
		return final, &targets.ProtocolError{Msg: fmt.Sprintf(
			"stream ended before its last event (the one with generated_text), after %d events", events)}
	}
	return final, err
}

// eventJSON is one /generate_stream event: a token, and on the last event
// generated_text and details; or an error.
type eventJSON struct {
	Token *struct {
		Text    string `json:"text"`
		Special bool   `json:"special"`
	} `json:"token"`
	GeneratedText *string `json:"generated_text"`
	Details       *struct {
		FinishReason string `json:"finish_reason"`
		// The counts are targets.Int: one that is no integer is not
		// reported, and the event still counts.
		GeneratedTokens targets.Int `json:"generated_tokens"`
		InputLength     targets.Int `json:"input_length"`
	} `json:"details"`
	Error     json.RawMessage `json:"error"`
	ErrorType json.RawMessage `json:"error_type"`
}

// errorStatus is the HTTP status TGI gives each error type when it can still
// choose one (router/src/server.rs, InferError), used for the same error
// met inside a stream: an overloaded queue is a rate limit.
var errorStatus = map[string]int{
	"overloaded":                   http.StatusTooManyRequests,
	"validation":                   http.StatusUnprocessableEntity,
	"generation":                   http.StatusFailedDependency,
	"incomplete_generation":        http.StatusInternalServerError,
	"incomplete_generation_stream": http.StatusInternalServerError,
}

// streamError returns the in-band error the event carries, nil if none.
func (ev *eventJSON) streamError(redact targets.Redactor) *targets.StreamError {
	msg, ok := targets.JSONText(ev.Error)
	typ := targets.Scalar(ev.ErrorType)
	if !ok && typ == "" {
		return nil
	}
	return &targets.StreamError{Status: errorStatus[typ], Type: redact.Clip(typ), Message: redact.Clip(msg)}
}

// errorBody is TGI's error body: {"error": "…", "error_type": "…"}.
type errorBody struct {
	Error     json.RawMessage `json:"error"`
	ErrorType json.RawMessage `json:"error_type"`
	Message   json.RawMessage `json:"message"`
}

// httpError builds the error of a non-2xx response. A body that is not
// TGI's JSON (axum's text/plain 422 for a body it cannot deserialize, a
// proxy's HTML page) is kept, up to targets.MaxErrorBody bytes.
func (t *Target) httpError(resp *http.Response) error {
	return targets.ReadHTTPError(resp, t.ep.Redact, func(b []byte, he *targets.HTTPError) bool {
		var e errorBody
		if json.Unmarshal(b, &e) != nil {
			return false
		}
		msg := targets.Scalar(e.Error)
		if msg == "" {
			msg = targets.Scalar(e.Message)
		}
		if msg == "" && targets.Scalar(e.ErrorType) == "" {
			return false
		}
		he.Code, he.Message = targets.Scalar(e.ErrorType), msg
		return true
	})
}
