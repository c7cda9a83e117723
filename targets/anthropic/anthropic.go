// Package anthropic is the target adapter for the Anthropic Messages API:
// POST /v1/messages with stream true, authenticated by x-api-key and
// anthropic-version headers. The stream is server-sent events, each named by
// `event:`: message_start, content_block_start, content_block_delta…,
// content_block_stop, message_delta, message_stop, with ping events anywhere
// and no [DONE].
//
// Token rules (docs/notes/protocols.md §8): text_delta is content, thinking_delta is
// reasoning, input_json_delta is tool arguments; message_start,
// content_block_start, ping and an empty delta carry no token. The output
// token count is the last message_delta's usage.output_tokens, which is
// cumulative; message_start's output_tokens is a small number that is not
// final and is never reported as the output. An `event: error` inside a
// stream that began with 200 (e.g. overloaded_error) is a stream error.
package anthropic

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/sse"
)

// Version is the anthropic-version header sent with every request.
const Version = "2023-06-01"

// DefaultMaxTokens is the max_tokens sent when Request.MaxTokens is 0: the
// Messages API requires the field.
const DefaultMaxTokens = 1024

// Config configures a Target. The zero value of each field but BaseURL is
// usable.
//
// BaseURL is the API root, e.g. https://api.anthropic.com; the Target adds
// /v1/messages (a root that ends in /v1 is accepted too). APIKey is sent as
// the x-api-key header. Header holds extra request headers
// (anthropic-beta, a proxy's); x-api-key and anthropic-version are set by
// the Target.
type Config struct {
	// Conn is the API root, key, client and extra headers.
	targets.Conn
}

// String describes the configuration without its API key.
func (c Config) String() string { return c.Describe("anthropic.Config") }

// GoString is String, so that %#v does not print the API key either.
func (c Config) GoString() string { return c.String() }

// A Target streams generations from the Messages API. It is safe for
// concurrent use.
type Target struct {
	url string
	ep  targets.Endpoint // the client, header and key redactor
}

var _ targets.Target = (*Target)(nil)

// New returns a Target for cfg, or an error naming the field that is wrong.
func New(cfg Config) (*Target, error) {
	u, ep, err := cfg.Endpoint("anthropic", "text/event-stream", "X-Api-Key")
	if err != nil {
		return nil, err
	}
	ep.Header.Set("Anthropic-Version", Version)
	return &Target{url: targets.EndpointURL(u, "/v1", "/messages"), ep: ep}, nil
}

// String names the endpoint, never the API key.
func (t *Target) String() string { return "anthropic " + targets.RedactURL(t.url) }

// URL returns the endpoint the Target posts to.
func (t *Target) URL() string { return t.url }

// requestJSON is the body of a streaming Messages request.
type requestJSON struct {
	Model       string    `json:"model"`
	MaxTokens   int       `json:"max_tokens"`
	System      string    `json:"system,omitempty"`
	Messages    []Message `json:"messages"`
	Stream      bool      `json:"stream"`
	Temperature *float64  `json:"temperature,omitempty"`
	// StopSequences is the Messages API's stop_sequences: a stream that
	// meets one ends with stop_reason "stop_sequence".
	StopSequences []string `json:"stop_sequences,omitempty"`
}

// A Message is one user or assistant message of a Messages API body (on
// Bedrock's native API too).
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// requestBody encodes req. The Messages API has no ignore_eos, minimum
// length or seed: Request.IgnoreEOS, MinTokens and Seed are not sent.
func requestBody(req targets.Request) ([]byte, error) {
	body := requestJSON{Model: req.Model, MaxTokens: MaxTokens(req), Stream: true, Temperature: req.Temperature, StopSequences: req.Stop}
	body.System, body.Messages = Messages(req)
	return json.Marshal(body)
}

// MaxTokens is the max_tokens of a Messages API body (on Bedrock's native
// API too): Request.MaxTokens, or DefaultMaxTokens when it is 0, as the
// API requires the field.
func MaxTokens(req targets.Request) int {
	if req.MaxTokens <= 0 {
		return DefaultMaxTokens
	}
	return req.MaxTokens
}

// Messages splits the request's conversation into the Messages API's
// top-level system prompt (system messages joined by a blank line) and its
// user and assistant messages.
func Messages(req targets.Request) (string, []Message) {
	var system []string
	var msgs []Message
	for _, m := range req.Conversation() {
		if m.Role == targets.RoleSystem {
			system = append(system, m.Content)
			continue
		}
		msgs = append(msgs, Message{Role: m.Role, Content: m.Content})
	}
	return strings.Join(system, "\n\n"), msgs
}

// Stream sends req and calls onChunk for each event of the stream (pings
// and block starts too, with no token, so the caller sees the first byte).
// See targets.Target.
func (t *Target) Stream(ctx context.Context, req targets.Request, onChunk func(targets.Chunk)) (targets.Final, error) {
	body, err := requestBody(req)
	if err != nil {
		return targets.Final{}, fmt.Errorf("anthropic: encode request: %w", err)
	}
	return t.ep.Stream(ctx, t.url, body, t.httpError, nil, t.read, onChunk)
}

// read reads the stream to message_stop (or, lacking it, to a stop_reason
// and the end of the stream).
func (t *Target) read(ctx context.Context, resp *http.Response, cancel context.CancelFunc, onChunk func(targets.Chunk)) (targets.Final, error) {
	d := decoder{redact: t.ep.Redact}
	err := t.ep.ReadEvents(ctx, sse.NewReader(resp.Body), resp.Body, cancel, func(e sse.Event) (bool, error) { return d.event(e, onChunk) })
	if err == io.EOF {
		if d.stopReason != "" {
			// message_delta said why it stopped; only message_stop is
			// missing.
			return d.final(), nil
		}
		return d.final(), &targets.ProtocolError{Msg: fmt.Sprintf(
			"stream ended before message_stop and without a stop_reason, after %d events", d.events)}
	}
	return d.final(), err
}

// eventJSON is the part of an event the adapter reads; JSON padded with
// spaces before its last brace (S8) decodes as any other.
type eventJSON struct {
	Type    string `json:"type"`
	Message *struct {
		Model string `json:"model"`
		Usage *Usage `json:"usage"`
	} `json:"message"`
	ContentBlock *struct {
		Type     string `json:"type"`
		Text     string `json:"text"`
		Thinking string `json:"thinking"`
	} `json:"content_block"`
	Delta *Delta     `json:"delta"`
	Usage *Usage     `json:"usage"`
	Error *errorJSON `json:"error"`
}

type errorJSON struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// decoder turns the events of one stream into Chunks.
type decoder struct {
	redact     targets.Redactor
	events     int
	input      int  // input tokens from message_start or message_delta
	output     int  // output tokens from the last message_delta
	haveOutput bool // a message_delta reported output_tokens
	stopReason string
	model      string // the model message_start names
}

func (d *decoder) final() targets.Final {
	// stop_reason says stop_sequence only where one of the request's
	// stop_sequences ended the output (end_turn, max_tokens, tool_use
	// otherwise).
	f := targets.Final{FinishReason: d.stopReason, StoppedBySequence: d.stopReason == "stop_sequence", Model: d.model}
	if d.input > 0 || d.haveOutput {
		f.Usage = &targets.Usage{PromptTokens: d.input, CompletionTokens: d.output}
	}
	return f
}

// errorStatus is the HTTP status Anthropic gives each error type
// (docs.anthropic.com "Errors"; 400, 404 and 529 seen in recordings), used
// for an error event met inside a stream.
var errorStatus = map[string]int{
	"invalid_request_error": 400,
	"authentication_error":  401,
	"billing_error":         402,
	"permission_error":      403,
	"not_found_error":       404,
	"request_too_large":     413,
	"rate_limit_error":      429,
	"api_error":             500,
	"timeout_error":         504,
	"overloaded_error":      529,
}

// event handles one SSE event: it reports whether the stream is done
// (message_stop) or returns the error the event carries.
func (d *decoder) event(e sse.Event, onChunk func(targets.Chunk)) (bool, error) {
	data := bytes.TrimSpace(e.Data)
	if len(data) == 0 {
		return false, nil
	}
	var ev eventJSON
	if err := json.Unmarshal(data, &ev); err != nil {
		kind := "event"
		if e.Type != "" {
			kind = e.Type + " event"
		}
		return false, d.redact.Undecodable(fmt.Sprintf("%s %d", kind, d.events), err, data)
	}
	d.events++
	typ := ev.Type
	if typ == "" {
		typ = e.Type
	}
	if typ == "error" || ev.Error != nil {
		se := &targets.StreamError{Message: d.redact.Clip(string(data))}
		if ev.Error != nil {
			se = &targets.StreamError{Status: errorStatus[ev.Error.Type], Type: d.redact.Clip(ev.Error.Type),
				Message: d.redact.Clip(ev.Error.Message)}
		}
		return false, se
	}
	var c targets.Chunk
	switch typ {
	case "message_start":
		// input_tokens is the prompt; output_tokens here is not final.
		if ev.Message != nil {
			d.model = ev.Message.Model
		}
		if ev.Message != nil && ev.Message.Usage != nil && ev.Message.Usage.InputTokens.OK {
			d.input = int(ev.Message.Usage.InputTokens.N)
			c.Usage = &targets.Usage{PromptTokens: d.input}
		}
	case "content_block_start":
		if b := ev.ContentBlock; b != nil {
			c.Content, c.Reasoning = b.Text, b.Thinking // normally empty
		}
	case "content_block_delta":
		if dl := ev.Delta; dl != nil {
			dl.AddTo(&c)
		}
	case "message_delta":
		if ev.Delta != nil && ev.Delta.StopReason != "" {
			d.stopReason = ev.Delta.StopReason
		}
		if u := ev.Usage; u != nil {
			if u.InputTokens.N > 0 {
				d.input = int(u.InputTokens.N)
			}
			if u.OutputTokens.OK {
				// Cumulative: the last one is the count.
				d.output, d.haveOutput = int(u.OutputTokens.N), true
			}
			c.Usage = &targets.Usage{PromptTokens: d.input, CompletionTokens: d.output}
		}
	case "message_stop":
		onChunk(c)
		return true, nil
	}
	// ping, content_block_stop and unknown types carry nothing.
	onChunk(c)
	return false, nil
}

// httpError builds the error of a non-2xx response:
// {"type":"error","error":{"type","message"},"request_id"}, or the body as
// it came. 529 (overloaded) is a 5xx; 429 a rate limit with retry-after.
func (t *Target) httpError(resp *http.Response) error {
	return targets.ReadHTTPError(resp, t.ep.Redact, func(b []byte, he *targets.HTTPError) bool {
		var e struct {
			Error *errorJSON `json:"error"`
		}
		if json.Unmarshal(b, &e) != nil || e.Error == nil || (e.Error.Type == "" && e.Error.Message == "") {
			return false
		}
		he.Code, he.Message = e.Error.Type, e.Error.Message
		return true
	})
}
