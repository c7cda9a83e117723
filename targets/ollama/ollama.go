// Package ollama is the target adapter for Ollama's native API: POST
// /api/chat and /api/generate, which stream newline-delimited JSON
// (application/x-ndjson), one object per line, with no SSE framing and no
// [DONE]. The last object has done:true, the reason it stopped, the token
// counts and the server's own durations in nanoseconds; it may itself carry
// text. An error after the stream began is a line {"error": "…"}.
//
// The wire format and its traps are described, with their sources, in
// docs/notes/protocols.md §6. Ollama's OpenAI-compatible /v1 API is
// spoken by the openai adapter instead.
package ollama

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/ndjson"
)

// API selects the endpoint a Target calls.
type API string

// The endpoints of Ollama's native API.
const (
	// Chat is POST /api/chat; the prompt is one user message (the default).
	Chat API = "chat"
	// Completions is POST /api/generate; the prompt is `prompt`.
	Completions API = "completions"
)

// Config configures a Target. The zero value of each field but BaseURL is
// usable.
//
// BaseURL is the server root, e.g. http://localhost:11434; the Target adds
// /api/chat or /api/generate (a root that ends in /api is accepted too).
// APIKey, when set, is sent as "Authorization: Bearer <key>" (Ollama's
// cloud, or a proxy in front of a local server, which itself needs none),
// over any Authorization in Header.
type Config struct {
	// Conn is the server root, key, client and extra headers.
	targets.Conn
	// API is the endpoint: Chat (default) or Completions.
	API API
}

// String describes the configuration without its API key.
func (c Config) String() string { return c.Describe("ollama.Config", "API:"+string(c.api())) }

// GoString is String, so that %#v does not print the API key either.
func (c Config) GoString() string { return c.String() }

func (c Config) api() API { return cmp.Or(c.API, Chat) }

// A Target streams generations from an Ollama server. It is safe for
// concurrent use.
type Target struct {
	url string
	api API
	ep  targets.Endpoint // the client, header and key redactor
}

var _ targets.Target = (*Target)(nil)

// New returns a Target for cfg, or an error naming the field that is wrong.
func New(cfg Config) (*Target, error) {
	u, ep, err := cfg.Endpoint("ollama", "application/x-ndjson", "Authorization")
	if err != nil {
		return nil, err
	}
	api := cfg.api()
	var endpoint string
	switch api {
	case Chat:
		endpoint = "/chat"
	case Completions:
		endpoint = "/generate"
	default:
		return nil, fmt.Errorf("ollama: API %q: want %q or %q", cfg.API, Chat, Completions)
	}
	return &Target{url: targets.EndpointURL(u, "/api", endpoint), api: api, ep: ep}, nil
}

// String names the endpoint, never the API key.
func (t *Target) String() string { return fmt.Sprintf("ollama %s %s", t.api, targets.RedactURL(t.url)) }

// URL returns the endpoint the Target posts to.
func (t *Target) URL() string { return t.url }

// requestJSON is the body of a streaming /api/chat or /api/generate request.
type requestJSON struct {
	Model    string        `json:"model"`
	Prompt   *string       `json:"prompt,omitempty"`
	Messages []messageJSON `json:"messages,omitempty"`
	Stream   bool          `json:"stream"`
	Options  *optionsJSON  `json:"options,omitempty"`
}

type messageJSON struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// optionsJSON holds the model options sent. Pointers, so that a temperature
// of 0 is sent as 0: Ollama's own Go types use omitempty, which drops it and
// leaves the server's default (docs/notes/protocols.md §6).
type optionsJSON struct {
	NumPredict  *int     `json:"num_predict,omitempty"`
	Temperature *float64 `json:"temperature,omitempty"`
	Seed        *int64   `json:"seed,omitempty"`
	// Stop is options.stop (api.Options "stop").
	Stop []string `json:"stop,omitempty"`
}

// requestBody encodes req. Ollama has neither ignore_eos nor a minimum
// length (docs/notes/protocols.md §6): Request.IgnoreEOS and MinTokens cannot be
// honoured, and the output is whatever the model produces up to
// num_predict; eval_count in the last object says how long it was.
func (t *Target) requestBody(req targets.Request) ([]byte, error) {
	body := requestJSON{Model: req.Model, Stream: true}
	if t.api == Completions {
		p := req.FlatPrompt()
		body.Prompt = &p
	} else {
		for _, m := range req.Conversation() {
			body.Messages = append(body.Messages, messageJSON{Role: m.Role, Content: m.Content})
		}
	}
	var o optionsJSON
	if req.MaxTokens > 0 {
		n := req.MaxTokens
		o.NumPredict = &n
	}
	o.Temperature, o.Seed, o.Stop = req.Temperature, req.Seed, req.Stop
	if o.NumPredict != nil || o.Temperature != nil || o.Seed != nil || len(o.Stop) > 0 {
		body.Options = &o
	}
	return json.Marshal(body)
}

// Stream sends req and calls onChunk for each object of the stream, the
// done object included. Ollama does not say how many tokens each object
// carried (usually one, not always), so Chunk.Tokens is 0 and the caller
// counts objects; the done object's eval_count is the server's count. See
// targets.Target.
func (t *Target) Stream(ctx context.Context, req targets.Request, onChunk func(targets.Chunk)) (targets.Final, error) {
	body, err := t.requestBody(req)
	if err != nil {
		return targets.Final{}, fmt.Errorf("ollama: encode request: %w", err)
	}
	final, err := t.ep.Stream(ctx, t.url, body, t.httpError, isNDJSON, t.read, onChunk)
	// done_reason "stop" is said of a stop sequence and of the model's end
	// of generation alike (Ollama's runner: DoneReasonStop for both): with
	// stop sequences sent it may be either.
	final.StoppedBySequence = len(req.Stop) > 0 && final.FinishReason == "stop"
	return final, err
}

// read reads the stream to its done object.
func (t *Target) read(ctx context.Context, resp *http.Response, cancel context.CancelFunc, onChunk func(targets.Chunk)) (targets.Final, error) {
	var (
		final targets.Final
		line  lineJSON
		lines int
	)
	rd := ndjson.NewReader(resp.Body)
	for {
		data, err := rd.Next()
		if err == io.EOF {
			return final, &targets.ProtocolError{Msg: fmt.Sprintf("stream ended before its done object, after %d lines", lines)}
		}
		if errors.Is(err, ndjson.ErrLineTooLarge) {
			return final, &targets.ProtocolError{Msg: err.Error()}
		}
		if err != nil {
			return final, t.ep.ReadErr(ctx, err)
		}
		line = lineJSON{}
		if err := json.Unmarshal(data, &line); err != nil {
			return final, t.ep.Redact.Undecodable(fmt.Sprintf("line %d", lines), err, data)
		}
		lines++
		if msg, ok := targets.JSONText(line.Error); ok {
			return final, &targets.StreamError{Message: t.ep.Redact.Clip(msg)}
		}
		if final.Model == "" {
			final.Model = line.Model
		}
		c := line.chunk()
		if line.Done {
			final.FinishReason = line.DoneReason
			if line.PromptEvalCount.N > 0 || line.EvalCount.N > 0 {
				final.Usage = &targets.Usage{PromptTokens: int(line.PromptEvalCount.N), CompletionTokens: int(line.EvalCount.N)}
				c.Usage = final.Usage
			}
			final.Server = line.serverTiming()
		}
		onChunk(c)
		if line.Done {
			targets.Drain(resp.Body, cancel)
			return final, nil
		}
	}
}

// lineJSON is one object of the stream. Every metric is omitted by the
// server when zero (Ollama api/types.go Metrics, omitempty): absent means
// unknown, not zero. A metric that is no integer (1e300, 3.7, "12") is
// unknown too (targets.Int): the line still counts.
type lineJSON struct {
	// Model is the model the line names (every line names it).
	Model    string       `json:"model"`
	Response string       `json:"response"` // /api/generate text
	Thinking string       `json:"thinking"` // /api/generate reasoning
	Message  *messageResp `json:"message"`  // /api/chat
	Done     bool         `json:"done"`
	// DoneReason is "stop", "length", "load" or "unload".
	DoneReason string `json:"done_reason"`
	// Durations are in nanoseconds.
	TotalDuration      targets.Int     `json:"total_duration"`
	LoadDuration       targets.Int     `json:"load_duration"`
	PromptEvalCount    targets.Int     `json:"prompt_eval_count"`
	PromptEvalDuration targets.Int     `json:"prompt_eval_duration"`
	EvalCount          targets.Int     `json:"eval_count"`
	EvalDuration       targets.Int     `json:"eval_duration"`
	Error              json.RawMessage `json:"error"`
}

type messageResp struct {
	Content   string `json:"content"`
	Thinking  string `json:"thinking"`
	ToolCalls []struct {
		Function struct {
			// Arguments is a JSON object in Ollama's API; kept as written.
			Arguments json.RawMessage `json:"arguments"`
		} `json:"function"`
	} `json:"tool_calls"`
}

// chunk is the text the line carried, per channel.
func (l *lineJSON) chunk() targets.Chunk {
	c := targets.Chunk{Content: l.Response, Reasoning: l.Thinking}
	if m := l.Message; m != nil {
		c.Content += m.Content
		c.Reasoning += m.Thinking
		for _, tc := range m.ToolCalls {
			if a := bytes.TrimSpace(tc.Function.Arguments); len(a) > 0 && !bytes.Equal(a, []byte("null")) {
				c.ToolArgs += string(a)
			}
		}
	}
	return c
}

// serverTiming returns the done object's durations, nil when it had none.
func (l *lineJSON) serverTiming() *targets.ServerTiming {
	st := targets.ServerTiming{
		Load:   time.Duration(l.LoadDuration.N),
		Prompt: time.Duration(l.PromptEvalDuration.N),
		Decode: time.Duration(l.EvalDuration.N),
		Total:  time.Duration(l.TotalDuration.N),
	}
	if st == (targets.ServerTiming{}) {
		return nil
	}
	return &st
}

// httpError builds the error of a non-2xx response: Ollama's {"error":"…"}
// (404 model not found, 503 server busy, …), or the body as it came.
func (t *Target) httpError(resp *http.Response) error {
	return targets.ReadHTTPError(resp, t.ep.Redact, func(b []byte, he *targets.HTTPError) bool {
		var e struct {
			Error json.RawMessage `json:"error"`
		}
		if json.Unmarshal(b, &e) != nil {
			return false
		}
		msg := targets.Scalar(e.Error)
		if msg == "" && len(bytes.TrimSpace(e.Error)) > 0 && bytes.TrimSpace(e.Error)[0] == '{' {
			// The OpenAI-style {"error":{"message","type"}} of a proxy; its
			// type is kept as the code even when the body is kept too.
			var inner struct {
				Message json.RawMessage `json:"message"`
				Type    json.RawMessage `json:"type"`
			}
			if json.Unmarshal(e.Error, &inner) == nil {
				msg, he.Code = targets.Scalar(inner.Message), targets.Scalar(inner.Type)
			}
		}
		he.Message = msg
		return msg != ""
	})
}

// isNDJSON reports whether a Content-Type is application/x-ndjson (or
// application/jsonl, as some proxies write it); a missing one is given the
// benefit of the doubt.
func isNDJSON(ct string) bool {
	if ct == "" {
		return true
	}
	mt, _, _ := strings.Cut(ct, ";")
	switch strings.ToLower(strings.TrimSpace(mt)) {
	case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines":
		return true
	}
	return false
}
