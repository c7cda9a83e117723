// Package tokenize counts the tokens of a text with the serving engine's own
// tokenizer, through its tokenize endpoint, so that a prompt asked for as N
// tokens is N tokens by the server's count. The shapes, from the servers'
// sources (read 2026-12):
//
//   - vLLM: POST /tokenize {"model", "prompt", "add_special_tokens"} →
//     {"count", "max_model_len", "tokens"}; add_special_tokens defaults to
//     true (vllm/entrypoints/openai/protocol.py TokenizeCompletionRequest,
//     TokenizeResponse).
//   - SGLang: the same shape on POST /tokenize and /v1/tokenize
//     (python/sglang/srt/entrypoints/openai/serving_tokenize.py,
//     http_server.py).
//   - llama.cpp llama-server: POST /tokenize {"content", "add_special",
//     "parse_special", "with_pieces"} → {"tokens": [ids]}; add_special
//     defaults to false (tools/server/README.md "POST /tokenize").
//   - TGI: POST /tokenize with a generate request {"inputs"} → a list of
//     {"id", "text", "start", "stop"}; 404 {"error": "No fast tokenizer
//     available"} without a fast tokenizer (router/src/server.rs tokenize).
//
// Each client asks for the special tokens the server adds to a completion
// prompt (the BOS of Llama-family models), so its count is the server's
// prompt_tokens for that text sent to /v1/completions. A chat request adds
// its template's tokens on top, which no tokenize endpoint of a plain
// string counts.
package tokenize

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/inferbench/inferbench/targets"
)

// Kind names the server's tokenize shape.
type Kind string

// The shapes Client speaks.
const (
	VLLM     Kind = "vllm"
	SGLang   Kind = "sglang"
	LlamaCpp Kind = "llamacpp"
	TGI      Kind = "tgi"
)

// ErrNotAvailable is wrapped by the error of a server without a tokenize
// endpoint (404, 405, 501): the caller falls back to another way of
// counting (docs/tokenizers.md gives the order).
var ErrNotAvailable = errors.New("endpoint not available")

// MaxResponse bounds a tokenize response (bytes): ids of a 100,000-token
// prompt take about 700 KB of JSON.
const MaxResponse = 16 << 20

// Config configures a Client.
type Config struct {
	// BaseURL is the server root; a trailing /v1 is dropped, since every
	// tokenize endpoint lives beside /v1, not under it.
	BaseURL string
	// Kind is the server's shape.
	Kind Kind
	// Model is sent to vLLM and SGLang (which check it against the served
	// model); the others ignore it.
	Model string
	// APIKey, when set, is sent as a Bearer token and kept out of errors.
	APIKey string
	// Header holds extra headers for every request.
	Header http.Header
	// Client is the HTTP client; nil means one with targets.NewTransport.
	Client *http.Client
}

// String shows the configuration without its key.
func (c Config) String() string {
	return fmt.Sprintf("{BaseURL:%s Kind:%s Model:%s APIKey:%s}", targets.RedactURL(c.BaseURL), c.Kind, c.Model, targets.KeyString(c.APIKey))
}

// A Client counts tokens through a server's tokenize endpoint. It is safe
// for concurrent use.
type Client struct {
	url   string
	kind  Kind
	model string
	ep    targets.Endpoint // the client, header and key redactor
}

// New returns a Client, or an error naming the field that is wrong.
func New(cfg Config) (*Client, error) {
	u, err := targets.ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("tokenize: %w", err)
	}
	switch cfg.Kind {
	case VLLM, SGLang, LlamaCpp, TGI:
	default:
		return nil, fmt.Errorf("tokenize: kind %q: want %q, %q, %q or %q", cfg.Kind, VLLM, SGLang, LlamaCpp, TGI)
	}
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/v1") + "/tokenize"
	u.RawPath = ""
	ep := targets.NewEndpoint("tokenize", cfg.Client, cfg.Header, "application/json", "Authorization", cfg.APIKey)
	ep.Redact = ep.Redact.With(targets.URLSecrets(u)...) // the query is sent: a key in it too
	return &Client{url: u.String(), kind: cfg.Kind, model: cfg.Model, ep: ep}, nil
}

// CountTokens returns the number of tokens the server gives text, special
// tokens included as for a completion prompt.
func (c *Client) CountTokens(ctx context.Context, text string) (int, error) {
	ids, count, err := c.tokenize(ctx, text, false)
	if err != nil {
		return 0, err
	}
	if count >= 0 {
		return count, nil
	}
	return len(ids), nil
}

// Tokenize returns the ids the server gives text.
func (c *Client) Tokenize(ctx context.Context, text string) ([]int, error) {
	ids, _, err := c.tokenize(ctx, text, true)
	return ids, err
}

// tokenize returns the ids (with keep; perhaps without) and, where the
// server reports one, its count (-1 otherwise).
func (c *Client) tokenize(ctx context.Context, text string, keep bool) ([]int, int, error) {
	var body any
	switch c.kind {
	case VLLM, SGLang:
		body = struct {
			Model            string `json:"model,omitempty"`
			Prompt           string `json:"prompt"`
			AddSpecialTokens bool   `json:"add_special_tokens"`
		}{c.model, text, true}
	case LlamaCpp:
		body = struct {
			Content      string `json:"content"`
			AddSpecial   bool   `json:"add_special"`
			ParseSpecial bool   `json:"parse_special"`
		}{text, true, true}
	case TGI:
		body = struct {
			Inputs string `json:"inputs"`
		}{text}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, 0, fmt.Errorf("tokenize: %w", err)
	}
	resp, err := targets.PostStream(ctx, c.ep.Client, c.url, c.ep.Header, b)
	if err != nil {
		return nil, 0, c.ep.Redact.Err(fmt.Errorf("tokenize: %w", err))
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		he := targets.ReadHTTPError(resp, c.ep.Redact, targets.DecodeEngineError)
		switch resp.StatusCode {
		case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
			return nil, 0, fmt.Errorf("tokenize: %w: %w", ErrNotAvailable, he)
		}
		return nil, 0, fmt.Errorf("tokenize: %w", he)
	}
	if err := targets.EncodingError(resp); err != nil {
		return nil, 0, err
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponse+1))
	if err != nil {
		return nil, 0, c.ep.Redact.Err(fmt.Errorf("tokenize: read response: %w", targets.WithCause(ctx, err)))
	}
	if len(data) > MaxResponse {
		return nil, 0, &targets.ProtocolError{Msg: fmt.Sprintf("tokenize response larger than %d MiB", MaxResponse>>20)}
	}
	return c.decode(data, keep)
}

// decode reads an answer: its count of tokens, and its ids with keep
// (perhaps without). An answer in its server's shape is read by scan, any
// other by decodeJSON.
func (c *Client) decode(data []byte, keep bool) ([]int, int, error) {
	if ids, n, ok := scan(c.kind, data, keep); ok {
		return ids, n, nil
	}
	return c.decodeJSON(data)
}

// decodeJSON reads an answer with encoding/json: its ids and its count
// (-1 where it gives none), or why it is no answer of its server.
func (c *Client) decodeJSON(data []byte) ([]int, int, error) {
	bad := func(err error) error {
		return &targets.ProtocolError{Msg: fmt.Sprintf("%s tokenize response %q: %v", c.kind, targets.Snippet(c.ep.Redact.Redact(string(data))), err)}
	}
	switch c.kind {
	case VLLM, SGLang:
		var r struct {
			Count  *int  `json:"count"`
			Tokens []int `json:"tokens"`
		}
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, 0, bad(err)
		}
		switch {
		case r.Count == nil && r.Tokens == nil:
			return nil, 0, bad(errors.New("no count and no tokens"))
		case r.Count == nil:
			return r.Tokens, -1, nil
		case *r.Count < 0:
			return nil, 0, bad(fmt.Errorf("count %d is negative", *r.Count))
		case r.Tokens != nil && *r.Count != len(r.Tokens):
			return nil, 0, bad(fmt.Errorf("count %d but %d tokens", *r.Count, len(r.Tokens)))
		}
		return r.Tokens, *r.Count, nil
	case LlamaCpp:
		var r struct {
			Tokens []json.RawMessage `json:"tokens"`
		}
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, 0, bad(err)
		}
		if r.Tokens == nil {
			return nil, 0, bad(errors.New("no tokens"))
		}
		ids := make([]int, len(r.Tokens))
		for i, t := range r.Tokens {
			// An id, or {"id", "piece"} when pieces were asked for.
			if err := json.Unmarshal(t, &ids[i]); err != nil {
				var p struct {
					ID *int `json:"id"`
				}
				if json.Unmarshal(t, &p) != nil || p.ID == nil {
					return nil, 0, bad(fmt.Errorf("token %d is neither an id nor {id, piece}", i))
				}
				ids[i] = *p.ID
			}
		}
		return ids, -1, nil
	default: // TGI
		var toks []struct {
			ID *int `json:"id"`
		}
		if err := json.Unmarshal(data, &toks); err != nil {
			return nil, 0, bad(err)
		}
		if toks == nil {
			return nil, 0, bad(errors.New("not a list of tokens"))
		}
		ids := make([]int, len(toks))
		for i, t := range toks {
			if t.ID == nil {
				return nil, 0, bad(fmt.Errorf("token %d has no id", i))
			}
			ids[i] = *t.ID
		}
		return ids, -1, nil
	}
}
