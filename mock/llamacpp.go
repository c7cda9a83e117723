package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// llama.cpp's native API, POST /completion (llama-server, tools/server
// README; llamacpp-native-completion-stream, recorded from llama-server).
// With "stream": true the answer is server-sent events `data: {json}`, one
// per token: its text ("content"), its id ("tokens"), "stop": false and the
// running "tokens_predicted". There is no [DONE]: the last event has
// "stop": true, an empty content, stop_type ("limit" at n_predict, or with
// ignore_eos as on the mock's other llama.cpp paths; "eos" when the
// simulated model ended it; "word" at one of the request's stop strings),
// tokens_evaluated (the prompt) and the timings. Without "stream"
// (llama-server's default) the answer is that last object with the whole
// text. n_predict (else max_tokens) caps the output; -1, the default, caps
// nothing. Errors are {"error":{"code","message","type"}}
// (llamacpp-chat-error-400), inside the stream too.
//
// The prefix cache of engine mode does not apply here: timings.cache_n is
// always 0, and true.

type llamaCppRequest struct {
	Prompt    json.RawMessage `json:"prompt"`
	NPredict  *int            `json:"n_predict"`
	MaxTokens *int            `json:"max_tokens"`
	IgnoreEOS bool            `json:"ignore_eos"`
	Stream    bool            `json:"stream"`
	Stop      []string        `json:"stop"`
}

func parseLlamaCpp(s *Server, _ *http.Request, body []byte, _ int64) (*call, error) {
	var req llamaCppRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, fmt.Errorf("invalid JSON body: %v", err)
	}
	n, text, err := llamaCppPrompt(req.Prompt)
	if err != nil {
		return nil, err
	}
	limit := req.NPredict
	if limit == nil {
		limit = req.MaxTokens
	}
	nPredict := -1
	switch {
	case limit == nil || *limit < 0:
		limit = nil
	case *limit == 0:
		return nil, fmt.Errorf("n_predict = 0 is not served by the mock: give n_predict ≥ 1, or -1 for no limit")
	default:
		nPredict = *limit
	}
	c := &call{stream: req.Stream}
	c.g.model = s.cfg.Model
	c.g.promptTokens = n
	if err := s.decideLength(&c.g, limit, 0, req.IgnoreEOS, req.Stop); err != nil {
		return nil, err
	}
	model, _ := json.Marshal(c.g.model) // a string always marshals
	prompt, _ := json.Marshal(text)
	c.wire = &llamaCppWire{g: &c.g, model: model, prompt: prompt, nPredict: nPredict, ignoreEOS: req.IgnoreEOS, stream: req.Stream}
	return c, nil
}

// llamaCppPrompt counts a /completion prompt: a string (its words), or one
// prompt as an array of token ids, which may hold strings too (an id counts
// one, a string its words). text is the prompt when it is a string, echoed
// in the last event as llama-server echoes it. An array of strings alone is
// several prompts, which llama-server answers with one result each; the mock
// refuses it.
func llamaCppPrompt(raw json.RawMessage) (n int, text string, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, "", errors.New(`"prompt" is missing`)
	}
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			return 0, "", fmt.Errorf("prompt: %v", err)
		}
		return countWords(text), text, nil
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil {
		return 0, "", errors.New("prompt: want a string or an array of token ids")
	}
	ids := 0
	for _, p := range parts {
		var id int64
		var s string
		switch {
		case json.Unmarshal(p, &id) == nil:
			ids++
		case json.Unmarshal(p, &s) == nil:
			n += countWords(s)
		default:
			return 0, "", errors.New("prompt: several prompts in one request are not served by the mock: send one string or one array of token ids")
		}
	}
	if ids == 0 && len(parts) > 1 {
		return 0, "", errors.New("prompt: several prompts in one request are not served by the mock: send one string or one array of token ids")
	}
	return n + ids, "", nil
}

type llamaCppWire struct {
	g             *generation
	model, prompt []byte // JSON
	// nPredict is the request's cap as llama-server reports it in
	// generation_settings (-1: none).
	nPredict          int
	ignoreEOS, stream bool
}

func (l *llamaCppWire) header(h http.Header) {
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
}

func (l *llamaCppWire) start(b []byte) []byte { return b }

func (l *llamaCppWire) token(b []byte, k int) []byte {
	b = append(b, `data: {"index":0,"content":`...)
	b = append(b, tokenJSON(k)...)
	b = append(b, `,"tokens":[`...)
	b = strconv.AppendInt(b, int64(tokenID(k)), 10)
	b = append(b, `],"stop":false,"id_slot":-1,"tokens_predicted":`...)
	b = strconv.AppendInt(b, int64(k+1), 10)
	b = append(b, `,"tokens_evaluated":`...)
	b = strconv.AppendInt(b, int64(l.g.promptTokens), 10)
	return append(b, "}\n\n"...)
}

// end is the last event: stop true, no text.
func (l *llamaCppWire) end(b []byte) []byte {
	b = append(b, "data: "...)
	b = l.final(b, `""`)
	return append(b, "\n\n"...)
}

// final appends the last object with content (JSON): the counts,
// generation_settings (the length settings only), the prompt, stop_type,
// tokens_cached (what the slot's cache holds: the prompt and every output
// token but the last, which was never fed back) and the timings.
func (l *llamaCppWire) final(b []byte, content string) []byte {
	n, p := l.g.generated(), l.g.promptTokens
	b = append(b, `{"index":0,"content":`...)
	b = append(b, content...)
	b = append(b, `,"tokens":[],"id_slot":0,"stop":true,"model":`...)
	b = append(b, l.model...)
	b = append(b, `,"tokens_predicted":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `,"tokens_evaluated":`...)
	b = strconv.AppendInt(b, int64(p), 10)
	b = append(b, `,"generation_settings":{"max_tokens":`...)
	b = strconv.AppendInt(b, int64(l.nPredict), 10)
	b = append(b, `,"n_predict":`...)
	b = strconv.AppendInt(b, int64(l.nPredict), 10)
	b = append(b, `,"ignore_eos":`...)
	b = strconv.AppendBool(b, l.ignoreEOS)
	b = append(b, `,"stream":`...)
	b = strconv.AppendBool(b, l.stream)
	b = append(b, `},"prompt":`...)
	b = append(b, l.prompt...)
	b = append(b, `,"has_new_line":false,"truncated":false,"stop_type":"`...)
	switch {
	case l.g.capped:
		b = append(b, "limit"...)
	case l.g.stopped != "":
		b = append(b, "word"...)
	default:
		b = append(b, "eos"...)
	}
	b = append(b, `","stopping_word":`...)
	sw, _ := json.Marshal(l.g.stopped)
	b = append(b, sw...)
	b = append(b, `,"tokens_cached":`...)
	b = strconv.AppendInt(b, int64(max(p+n-1, 0)), 10)
	return l.timings(b, time.Now())
}

// timings appends llama-server's timings object and closes the last
// object: prompt_ms runs from receipt to the first token (llama-server's
// prompt processing, after which it samples the first token), predicted_ms
// from the first token to now (the last).
func (l *llamaCppWire) timings(b []byte, now time.Time) []byte {
	first := l.g.firstToken
	if first.IsZero() {
		first = now
	}
	promptMS := float64(first.Sub(l.g.received)) / float64(time.Millisecond)
	predictedMS := float64(now.Sub(first)) / float64(time.Millisecond)
	b = append(b, `,"timings":{"cache_n":0,"prompt_n":`...)
	b = strconv.AppendInt(b, int64(l.g.promptTokens), 10)
	b = append(b, `,"prompt_ms":`...)
	b = appendRate(b, promptMS, l.g.promptTokens, "prompt")
	b = append(b, `,"predicted_n":`...)
	b = strconv.AppendInt(b, int64(l.g.generated()), 10)
	b = append(b, `,"predicted_ms":`...)
	b = appendRate(b, predictedMS, l.g.generated(), "predicted")
	return append(b, "}}"...)
}

// appendRate appends ms, then name_per_token_ms and name_per_second over
// n tokens (0 for none, where llama-server would divide by zero).
func appendRate(b []byte, ms float64, n int, name string) []byte {
	perToken, perSecond := 0.0, 0.0
	if n > 0 {
		perToken = ms / float64(n)
		if ms > 0 {
			perSecond = 1e3 * float64(n) / ms
		}
	}
	b = strconv.AppendFloat(b, ms, 'f', -1, 64)
	b = append(b, `,"`+name+`_per_token_ms":`...)
	b = strconv.AppendFloat(b, perToken, 'f', -1, 64)
	b = append(b, `,"`+name+`_per_second":`...)
	return strconv.AppendFloat(b, perSecond, 'f', -1, 64)
}

// streamError is llama-server's error object as an event; the stream ends.
func (l *llamaCppWire) streamError(b []byte, status int, msg string) []byte {
	b = append(b, "data: "...)
	b = appendLlamaCppError(b, status, msg)
	return append(b, "\n\n"...)
}

func (l *llamaCppWire) malformed(b []byte) []byte {
	return append(b, `data: {"index":0,"content":`+"\n\n"...)
}

// body answers a request without "stream": the last object with the
// whole text.
func (l *llamaCppWire) body(w http.ResponseWriter) {
	text, _ := json.Marshal(outputText(l.g.outputTokens))
	b := l.final(nil, string(text))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// llamaCppErrorType is llama-server's error type for a status (its
// error_type names). It has no 429: the mock's injected one is called
// unavailable, as llama-server's 503 (loading model) is.
var llamaCppErrorType = statusNames{other: "server_error", byStatus: map[int]string{
	http.StatusBadRequest:         "invalid_request_error",
	http.StatusUnauthorized:       "authentication_error",
	http.StatusForbidden:          "permission_error",
	http.StatusNotFound:           "not_found_error",
	http.StatusTooManyRequests:    "unavailable_error",
	http.StatusNotImplemented:     "not_supported_error",
	http.StatusServiceUnavailable: "unavailable_error",
}}

// appendLlamaCppError appends {"error":{"code","message","type"}}.
func appendLlamaCppError(b []byte, status int, msg string) []byte {
	m, _ := json.Marshal(msg)
	b = append(b, `{"error":{"code":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"message":`...)
	b = append(b, m...)
	b = append(b, `,"type":"`...)
	b = append(b, llamaCppErrorType.of(status)...)
	return append(b, `"}}`...)
}

// writeLlamaCppError is protocol.writeError for llama-server.
func writeLlamaCppError(w http.ResponseWriter, status int, msg string, _ time.Duration) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(appendLlamaCppError(nil, status, msg))
}
