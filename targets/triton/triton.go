// Package triton is the target adapter for NVIDIA Triton Inference Server's
// generate extension, POST /v2/models/{model}/generate_stream, as served
// by TensorRT-LLM's Triton backend (the `ensemble` model). The request is
// {"text_input", "max_tokens", "bad_words", "stop_words", "stream": true}
// as the TensorRT-LLM backend documents it; the response is server-sent
// events, one `data: {…, "text_output": "…"}` per decoding step, with no
// terminator: the stream ends when the server closes it. An inference
// error after the first response arrives in the stream as
// `data: {"error": "…"}`; an error before it is a JSON {"error"} with an
// error status. Triton reports no token counts: each event with text is
// counted as one token. Sources: Triton "Generate Extension"
// (triton-inference-server/server docs/protocol/extension_generate.md) and
// the TensorRT-LLM backend's README (triton-inference-server/tensorrtllm_backend).
package triton

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/sse"
)

// Config configures a Target.
//
// BaseURL is the server root, e.g. http://host:8000; the Target adds
// /v2/models/{model}/generate_stream. APIKey, when set, is sent as
// "Authorization: Bearer" (for a gateway in front of Triton, which has no
// keys of its own).
type Config struct {
	// Conn is the server root, key, client and extra headers.
	targets.Conn
}

// String describes the configuration without its key.
func (c Config) String() string { return c.Describe("triton.Config") }

// GoString is String.
func (c Config) GoString() string { return c.String() }

// A Target streams from Triton's generate_stream. Safe for concurrent use.
type Target struct {
	base string
	ep   targets.Endpoint // the client, header and key redactor
}

var _ targets.Target = (*Target)(nil)

// New returns a Target for cfg.
func New(cfg Config) (*Target, error) {
	u, ep, err := cfg.Endpoint("triton", "text/event-stream", "Authorization")
	if err != nil {
		return nil, err
	}
	path := strings.TrimRight(u.Path, "/")
	path = strings.TrimSuffix(path, "/v1") // a root given for trtllm-serve's OpenAI API
	u.Path, u.RawPath = path, ""
	return &Target{base: u.String(), ep: ep}, nil
}

// URL returns the endpoint for model.
func (t *Target) URL(model string) string {
	return t.base + "/v2/models/" + url.PathEscape(model) + "/generate_stream"
}

// String names the server, never the key.
func (t *Target) String() string { return "triton " + targets.RedactURL(t.base) }

// requestJSON is the body of a generate_stream request to the TensorRT-LLM
// ensemble. Triton has no ignore_eos or minimum length in this API.
type requestJSON struct {
	TextInput string `json:"text_input"`
	MaxTokens int    `json:"max_tokens,omitempty"`
	BadWords  string `json:"bad_words"`
	// StopWords is the ensemble's stop_words input: the request's stop
	// sequences as a list of strings, or the empty string the backend's
	// README sends when there are none.
	StopWords   any      `json:"stop_words"`
	Stream      bool     `json:"stream"`
	Temperature *float64 `json:"temperature,omitempty"`
}

// responseJSON is the part of a response the adapter reads.
type responseJSON struct {
	TextOutput *string         `json:"text_output"`
	Error      json.RawMessage `json:"error"`
}

// Stream sends req and calls onChunk for each response. See targets.Target.
func (t *Target) Stream(ctx context.Context, req targets.Request, onChunk func(targets.Chunk)) (targets.Final, error) {
	if req.Model == "" {
		return targets.Final{}, targets.RequestErrorf("triton: no model: the model name is part of the URL (ensemble for TensorRT-LLM)")
	}
	var stop any = ""
	if len(req.Stop) > 0 {
		stop = req.Stop
	}
	body, err := json.Marshal(requestJSON{TextInput: req.FlatPrompt(), MaxTokens: max(req.MaxTokens, 0), StopWords: stop, Stream: true, Temperature: req.Temperature})
	if err != nil {
		return targets.Final{}, fmt.Errorf("triton: encode request: %w", err)
	}
	return t.ep.Stream(ctx, t.URL(req.Model), body, t.httpError, nil, t.read, onChunk)
}

// read reads the stream to its end: Triton sends no terminator.
func (t *Target) read(ctx context.Context, resp *http.Response, cancel context.CancelFunc, onChunk func(targets.Chunk)) (targets.Final, error) {
	var final targets.Final
	tokens, events := 0, 0
	err := t.ep.ReadEvents(ctx, sse.NewReader(resp.Body), resp.Body, cancel, func(ev sse.Event) (bool, error) {
		data := bytes.TrimSpace(ev.Data)
		if len(data) == 0 {
			return false, nil
		}
		var r responseJSON
		if err := json.Unmarshal(data, &r); err != nil {
			return false, t.ep.Redact.Undecodable(fmt.Sprintf("event %d", events), err, data)
		}
		events++
		if msg, ok := targets.JSONText(r.Error); ok {
			return false, &targets.StreamError{Message: t.ep.Redact.Clip(msg)}
		}
		var c targets.Chunk
		if r.TextOutput != nil {
			c.Content = *r.TextOutput
		}
		if c.Content != "" {
			tokens++
		}
		onChunk(c)
		return false, nil
	})
	if err == io.EOF {
		// No terminator: the server closing the stream cleanly ends it; a
		// stream that carried no text is the caller's to judge.
		if tokens > 0 {
			final.FinishReason = "end"
		}
		return final, nil
	}
	return final, err
}

// httpError builds the error of a non-2xx response (decodeError).
func (t *Target) httpError(resp *http.Response) error {
	return targets.ReadHTTPError(resp, t.ep.Redact, decodeError)
}

// decodeError reads Triton's {"error": "…"} body.
func decodeError(b []byte, he *targets.HTTPError) bool {
	var e struct {
		Error *string `json:"error"`
	}
	if json.Unmarshal(b, &e) != nil || e.Error == nil {
		return false
	}
	he.Message = *e.Error
	return true
}
