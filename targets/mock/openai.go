package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// endpoint is one of the two OpenAI-compatible generation endpoints.
type endpoint int

const (
	endpointChat        endpoint = iota // POST /v1/chat/completions
	endpointCompletions                 // POST /v1/completions
)

// maxRequestBody caps how much of a request body the mock reads (bytes).
const maxRequestBody = 32 << 20

// openAIRequest holds the fields of an OpenAI / vLLM generation request the
// mock acts on; other fields are accepted and ignored, as vLLM does.
type openAIRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Prompt              json.RawMessage `json:"prompt"`
	Stream              bool            `json:"stream"`
	StreamOptions       *streamOptions  `json:"stream_options"`
	MaxTokens           *int            `json:"max_tokens"`
	MaxCompletionTokens *int            `json:"max_completion_tokens"`
	MinTokens           int             `json:"min_tokens"`
	IgnoreEOS           bool            `json:"ignore_eos"`
	N                   *int            `json:"n"`
}

// streamOptions is the request's stream_options object. vLLM defaults
// include_usage to true when the object is present (vllm
// entrypoints/openai/protocol.py StreamOptions), so a missing key is nil.
type streamOptions struct {
	IncludeUsage         *bool `json:"include_usage"`
	ContinuousUsageStats bool  `json:"continuous_usage_stats"`
}

// generation is what the mock decided to produce for one request.
type generation struct {
	model        string
	promptTokens int
	outputTokens int
	finish       string // finish_reason of the last event
	includeUsage bool   // send the usage-only chunk before [DONE]
	continuous   bool   // cumulative usage on every chunk
}

// parseOpenAI decodes and validates a request body and decides the response.
// Errors are messages for a 400 answer.
func (s *Server) parseOpenAI(body []byte, ep endpoint) (openAIRequest, generation, error) {
	var req openAIRequest
	var g generation
	if err := json.Unmarshal(body, &req); err != nil {
		return req, g, fmt.Errorf("invalid JSON body: %v", err)
	}
	g.model = req.Model
	if g.model == "" {
		g.model = s.cfg.Model
	}
	if req.N != nil && *req.N != 1 {
		return req, g, fmt.Errorf("n = %d is not supported by the mock: only n = 1", *req.N)
	}
	switch ep {
	case endpointChat:
		if len(req.Messages) == 0 {
			return req, g, fmt.Errorf("messages must be a non-empty array")
		}
		for i, m := range req.Messages {
			n, err := countContentWords(m.Content)
			if err != nil {
				return req, g, fmt.Errorf("messages[%d].content: %v", i, err)
			}
			g.promptTokens += n
		}
	case endpointCompletions:
		n, err := countPromptWords(req.Prompt)
		if err != nil {
			return req, g, fmt.Errorf("prompt: %v", err)
		}
		g.promptTokens = n
	}
	maxTokens := req.MaxTokens
	if req.MaxCompletionTokens != nil {
		maxTokens = req.MaxCompletionTokens
	}
	if maxTokens != nil && *maxTokens < 1 {
		return req, g, fmt.Errorf("max_tokens must be at least 1, got %d", *maxTokens)
	}
	if req.MinTokens < 0 {
		return req, g, fmt.Errorf("min_tokens must be greater than or equal to 0, got %d", req.MinTokens)
	}
	if maxTokens != nil && req.MinTokens > *maxTokens {
		return req, g, fmt.Errorf("min_tokens must be less than or equal to max_tokens=%d, got %d", *maxTokens, req.MinTokens)
	}
	g.outputTokens, g.finish = outputLength(s.cfg.OutputTokens, maxTokens, req.MinTokens, req.IgnoreEOS)
	if so := req.StreamOptions; so != nil {
		g.includeUsage = so.IncludeUsage == nil || *so.IncludeUsage
		g.continuous = so.ContinuousUsageStats
	}
	return req, g, nil
}

// outputLength decides a fixed-mode response's length and finish reason.
// configured is Config.OutputTokens (the point where the simulated model
// emits end-of-sequence; 0 for none), maxTokens the request's cap (nil when
// absent), minTokens its floor. The answer is min(configured, maxTokens),
// raised to minTokens. The finish reason is "length" when the cap was
// reached or the request asked to ignore end-of-sequence, else "stop".
func outputLength(configured int, maxTokens *int, minTokens int, ignoreEOS bool) (int, string) {
	n := configured
	capped := false
	switch {
	case n == 0 && maxTokens != nil:
		n, capped = *maxTokens, true
	case n == 0:
		n, capped = DefaultMaxTokens, true
	case maxTokens != nil && *maxTokens <= n:
		n, capped = *maxTokens, true
	}
	n = max(n, minTokens)
	if maxTokens != nil && n == *maxTokens {
		capped = true
	}
	if capped || ignoreEOS {
		return n, "length"
	}
	return n, "stop"
}

// countContentWords counts the whitespace-separated words of a chat message
// content: a string, an array of parts whose "text" fields count, or null.
func countContentWords(raw json.RawMessage) (int, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
		return countWords(s), nil
	}
	var parts []struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return 0, fmt.Errorf("want a string or an array of parts: %v", err)
	}
	n := 0
	for _, p := range parts {
		n += countWords(p.Text)
	}
	return n, nil
}

// countPromptWords counts the words of a completions prompt: a string, an
// array of strings, or token ids (an array of integers counts one per id,
// an array of arrays sums them).
func countPromptWords(raw json.RawMessage) (int, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, fmt.Errorf("missing")
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return countWords(s), nil
	}
	var ss []string
	if json.Unmarshal(raw, &ss) == nil {
		n := 0
		for _, s := range ss {
			n += countWords(s)
		}
		return n, nil
	}
	var ids []int64
	if json.Unmarshal(raw, &ids) == nil {
		return len(ids), nil
	}
	var idss [][]int64
	if json.Unmarshal(raw, &idss) == nil {
		n := 0
		for _, ids := range idss {
			n += len(ids)
		}
		return n, nil
	}
	return 0, fmt.Errorf("want a string, an array of strings or token ids")
}

// countWords counts the whitespace-separated words of s (ASCII whitespace),
// the mock's stand-in for a tokenizer: "Count from 1 to 5" is 5 tokens.
func countWords(s string) int {
	n := 0
	in := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
			in = false
		default:
			if !in {
				n++
			}
			in = true
		}
	}
	return n
}

// serveOpenAI answers one chat or completions request in fixed mode.
func (s *Server) serveOpenAI(w http.ResponseWriter, r *http.Request, received time.Time, ep endpoint, seq int64) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		writeOpenAIError(w, http.StatusBadRequest, "BadRequestError", fmt.Sprintf("reading body: %v", err))
		return
	}
	req, g, err := s.parseOpenAI(body, ep)
	if err != nil {
		writeOpenAIError(w, http.StatusBadRequest, "BadRequestError", err.Error())
		return
	}
	plan := fixedPlan{origin: received, ttft: s.cfg.TTFT, itl: s.cfg.ITL}
	if !req.Stream {
		s.writeOpenAIBody(w, r, ep, g, seq, plan)
		return
	}
	sw := newOpenAIStream(ep, g, seq, s.created)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Request-Id", sw.id)
	w.WriteHeader(http.StatusOK)
	ctx := r.Context()
	rc := http.NewResponseController(w)
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	if ep == endpointChat {
		if _, err := w.Write(sw.role()); err != nil {
			return
		}
	}
	if err := rc.Flush(); err != nil {
		return
	}
	dirty := false
	for k := range g.outputTokens {
		due := plan.due(k)
		if wait := time.Until(due); wait > 0 {
			if dirty {
				if err := rc.Flush(); err != nil {
					return
				}
				dirty = false
			}
			if timer == nil {
				timer = time.NewTimer(wait)
			} else {
				timer.Reset(wait)
			}
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
		} else if ctx.Err() != nil {
			return
		}
		if _, err := w.Write(sw.token(k)); err != nil {
			return
		}
		dirty = true
	}
	if _, err := w.Write(sw.end()); err != nil {
		return
	}
	_ = rc.Flush()
}

// fixedPlan is when each token of one fixed-mode response is due: every due
// time derives from the one origin, so timer error does not accumulate.
type fixedPlan struct {
	origin    time.Time
	ttft, itl time.Duration
}

// due returns when token k (from 0) is due: origin + TTFT + k·ITL.
func (p fixedPlan) due(k int) time.Time {
	return p.origin.Add(p.ttft + time.Duration(k)*p.itl)
}

// sleepUntil waits until t or until r's context is done; it reports whether
// t was reached.
func sleepUntil(r *http.Request, t time.Time) bool {
	wait := time.Until(t)
	if wait <= 0 {
		return r.Context().Err() == nil
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-r.Context().Done():
		return false
	case <-timer.C:
		return true
	}
}

// openAIStream renders the SSE events of one streamed response, vLLM-shaped
// (vllm entrypoints/openai serving_chat.py / serving_completion.py): every
// event is `data: {json}` followed by a blank line. It reuses one buffer, so
// each returned slice is valid until the next call.
type openAIStream struct {
	ep     endpoint
	g      generation
	id     string
	prefix []byte // `data: {"id":…,"model":…,"choices":[`
	buf    []byte
}

func newOpenAIStream(ep endpoint, g generation, seq int64, created int64) *openAIStream {
	sw := &openAIStream{ep: ep, g: g}
	object := "chat.completion.chunk"
	if ep == endpointChat {
		sw.id = fmt.Sprintf("chatcmpl-mock%016x", seq)
	} else {
		sw.id = fmt.Sprintf("cmpl-mock%016x", seq)
		object = "text_completion"
	}
	model, _ := json.Marshal(g.model) // a string always marshals
	p := []byte(`data: {"id":"`)
	p = append(p, sw.id...)
	p = append(p, `","object":"`...)
	p = append(p, object...)
	p = append(p, `","created":`...)
	p = strconv.AppendInt(p, created, 10)
	p = append(p, `,"model":`...)
	p = append(p, model...)
	p = append(p, `,"choices":[`...)
	sw.prefix = p
	sw.buf = make([]byte, 0, len(p)+256)
	return sw
}

// role is the chat stream's first event: the assistant role with empty
// content, which carries no token.
func (sw *openAIStream) role() []byte {
	b := append(sw.buf[:0], sw.prefix...)
	b = append(b, `{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]`...)
	b = sw.appendUsage(b, 0)
	sw.buf = append(b, "}\n\n"...)
	return sw.buf
}

// token is the event carrying token k (from 0).
func (sw *openAIStream) token(k int) []byte {
	b := append(sw.buf[:0], sw.prefix...)
	if sw.ep == endpointChat {
		b = append(b, `{"index":0,"delta":{"content":`...)
		b = append(b, tokenJSON(k)...)
		b = append(b, `},"logprobs":null,"finish_reason":null}]`...)
	} else {
		b = append(b, `{"index":0,"text":`...)
		b = append(b, tokenJSON(k)...)
		b = append(b, `,"logprobs":null,"finish_reason":null,"stop_reason":null}]`...)
	}
	b = sw.appendUsage(b, k+1)
	sw.buf = append(b, "}\n\n"...)
	return sw.buf
}

// end is everything after the last token: the finish event, the usage-only
// event when usage was asked for, and the [DONE] terminator.
func (sw *openAIStream) end() []byte {
	b := append(sw.buf[:0], sw.prefix...)
	if sw.ep == endpointChat {
		b = append(b, `{"index":0,"delta":{},"logprobs":null,"finish_reason":"`...)
	} else {
		b = append(b, `{"index":0,"text":"","logprobs":null,"finish_reason":"`...)
	}
	b = append(b, sw.g.finish...)
	b = append(b, `","stop_reason":null}]`...)
	b = sw.appendUsage(b, sw.g.outputTokens)
	b = append(b, "}\n\n"...)
	if sw.g.includeUsage {
		b = append(b, sw.prefix...)
		b = append(b, ']')
		b = appendUsageObject(b, sw.g.promptTokens, sw.g.outputTokens)
		b = append(b, "}\n\n"...)
	}
	sw.buf = append(b, "data: [DONE]\n\n"...)
	return sw.buf
}

// appendUsage adds the cumulative usage field when continuous usage stats
// were asked for.
func (sw *openAIStream) appendUsage(b []byte, completion int) []byte {
	if !sw.g.continuous {
		return b
	}
	return appendUsageObject(b, sw.g.promptTokens, completion)
}

// appendUsageObject appends `,"usage":{…}` in vLLM's field order.
func appendUsageObject(b []byte, prompt, completion int) []byte {
	b = append(b, `,"usage":{"prompt_tokens":`...)
	b = strconv.AppendInt(b, int64(prompt), 10)
	b = append(b, `,"total_tokens":`...)
	b = strconv.AppendInt(b, int64(prompt+completion), 10)
	b = append(b, `,"completion_tokens":`...)
	b = strconv.AppendInt(b, int64(completion), 10)
	return append(b, '}')
}

// vocabulary holds the mock's token texts, JSON-quoted, each one word with a
// leading space; token k is vocabulary[k % len]. Read-only.
var vocabulary = [...]string{
	`" lorem"`, `" ipsum"`, `" dolor"`, `" sit"`, `" amet"`, `" consectetur"`, `" adipiscing"`, `" elit"`,
	`" sed"`, `" do"`, `" eiusmod"`, `" tempor"`, `" incididunt"`, `" ut"`, `" labore"`, `" et"`,
}

// tokenJSON returns token k's text as a JSON string literal.
func tokenJSON(k int) string { return vocabulary[k%len(vocabulary)] }

// tokenText returns token k's text.
func tokenText(k int) string {
	q := tokenJSON(k)
	return q[1 : len(q)-1]
}

// writeOpenAIBody answers a stream:false request once its last token is due.
func (s *Server) writeOpenAIBody(w http.ResponseWriter, r *http.Request, ep endpoint, g generation, seq int64, plan fixedPlan) {
	if !sleepUntil(r, plan.due(g.outputTokens-1)) {
		return
	}
	var text bytes.Buffer
	for k := range g.outputTokens {
		text.WriteString(tokenText(k))
	}
	usage := map[string]int{
		"prompt_tokens":     g.promptTokens,
		"total_tokens":      g.promptTokens + g.outputTokens,
		"completion_tokens": g.outputTokens,
	}
	var body any
	if ep == endpointChat {
		body = map[string]any{
			"id":      fmt.Sprintf("chatcmpl-mock%016x", seq),
			"object":  "chat.completion",
			"created": s.created,
			"model":   g.model,
			"choices": []any{map[string]any{
				"index":         0,
				"message":       map[string]any{"role": "assistant", "content": text.String()},
				"logprobs":      nil,
				"finish_reason": g.finish,
				"stop_reason":   nil,
			}},
			"usage": usage,
		}
	} else {
		body = map[string]any{
			"id":      fmt.Sprintf("cmpl-mock%016x", seq),
			"object":  "text_completion",
			"created": s.created,
			"model":   g.model,
			"choices": []any{map[string]any{
				"index":         0,
				"text":          text.String(),
				"logprobs":      nil,
				"finish_reason": g.finish,
				"stop_reason":   nil,
			}},
			"usage": usage,
		}
	}
	writeJSON(w, http.StatusOK, body)
}

// serveModels answers GET /v1/models with vLLM's ModelCard list.
func (s *Server) serveModels(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, map[string]any{
		"object": "list",
		"data": []any{map[string]any{
			"id":         s.cfg.Model,
			"object":     "model",
			"created":    s.created,
			"owned_by":   "vllm",
			"root":       s.cfg.Model,
			"parent":     nil,
			"permission": []any{},
		}},
	})
}

// writeOpenAIError answers with vLLM's current error body:
// {"error":{"message","type","param","code"}} (vllm entrypoints/openai
// protocol.py ErrorResponse).
func writeOpenAIError(w http.ResponseWriter, status int, typ, msg string) {
	writeJSON(w, status, map[string]any{
		"error": map[string]any{
			"message": msg,
			"type":    typ,
			"param":   nil,
			"code":    status,
		},
	})
}

// writeJSON writes v as a JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "mock: encoding response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
