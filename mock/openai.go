package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// openAIFlavor is which server's variant of the OpenAI stream to speak.
type openAIFlavor int

const (
	flavorVLLM openAIFlavor = iota // vLLM (the default OpenAI-compatible server)
	flavorGroq                     // Groq: system_fingerprint, x_groq id and usage
	flavorTGI                      // TGI Messages API: data: without space, id "", role in every delta
)

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
	// Stop is OpenAI's stop: one string or a list of them.
	Stop json.RawMessage `json:"stop"`
}

// streamOptions is the request's stream_options object. vLLM defaults
// include_usage to true when the object is present (vllm
// entrypoints/openai/protocol.py StreamOptions), so a missing key is nil.
type streamOptions struct {
	IncludeUsage         *bool `json:"include_usage"`
	ContinuousUsageStats bool  `json:"continuous_usage_stats"`
}

func parseOpenAIAs(ep endpoint, fl openAIFlavor) func(*Server, *http.Request, []byte, int64) (*call, error) {
	return func(s *Server, _ *http.Request, body []byte, seq int64) (*call, error) {
		req, g, err := s.parseOpenAI(body, ep, fl == flavorTGI)
		if err != nil {
			return nil, err
		}
		if fl == flavorTGI {
			g.includeUsage, g.continuous = false, false // TGI 1.4 sends no usage chunk
		}
		c := &call{g: g, stream: req.Stream}
		ow := newOpenAIWire(ep, fl, &c.g, seq, s.created)
		ow.roleWithFirst = ep == endpointChat && fl == flavorVLLM && s.cfg.ChatStream != ChatStreamEarlyRole
		c.wire = ow
		return c, nil
	}
}

// parseOpenAI decodes and validates a request body and decides the response;
// tgi ends it at a stop sequence as TGI does (applyStopTGI), else as vLLM.
// Errors are messages for a 400 answer.
func (s *Server) parseOpenAI(body []byte, ep endpoint, tgi bool) (openAIRequest, generation, error) {
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
		if s.engine != nil {
			g.prefix = &blockHasher{}
		}
		for i, m := range req.Messages {
			n, err := countContentWords(m.Content)
			if err != nil {
				return req, g, fmt.Errorf("messages[%d].content: %v", i, err)
			}
			g.promptTokens += n
			if g.prefix != nil {
				g.prefix.role(m.Role)
				g.prefix.content(m.Content)
			}
		}
	case endpointCompletions:
		n, err := countPromptWords(req.Prompt)
		if err != nil {
			return req, g, fmt.Errorf("prompt: %v", err)
		}
		g.promptTokens = n
		var text string
		if s.engine != nil && json.Unmarshal(req.Prompt, &text) == nil {
			g.prefix = &blockHasher{}
			g.prefix.text(text)
		}
	}
	maxTokens := req.MaxTokens
	if req.MaxCompletionTokens != nil {
		maxTokens = req.MaxCompletionTokens
	}
	stop, err := stopList(req.Stop)
	if err != nil {
		return req, g, fmt.Errorf("stop: %v", err)
	}
	vllmStop := stop
	if tgi {
		vllmStop = nil
	}
	if err := s.decideLength(&g, maxTokens, req.MinTokens, req.IgnoreEOS, vllmStop); err != nil {
		return req, g, err
	}
	if tgi {
		g.applyStopTGI(stop)
	}
	if so := req.StreamOptions; so != nil {
		g.includeUsage = so.IncludeUsage == nil || *so.IncludeUsage
		g.continuous = so.ContinuousUsageStats
	}
	return req, g, nil
}

// decideLength validates the request's length fields and sets g's output
// length and finish kind.
func (s *Server) decideLength(g *generation, maxTokens *int, minTokens int, ignoreEOS bool, stop []string) error {
	if maxTokens != nil && *maxTokens < 1 {
		return fmt.Errorf("max_tokens must be at least 1, got %d", *maxTokens)
	}
	if minTokens < 0 {
		return fmt.Errorf("min_tokens must be greater than or equal to 0, got %d", minTokens)
	}
	if maxTokens != nil && minTokens > *maxTokens {
		return fmt.Errorf("min_tokens must be less than or equal to max_tokens=%d, got %d", *maxTokens, minTokens)
	}
	g.outputTokens, g.capped = outputLength(s.cfg.OutputTokens, maxTokens, minTokens, ignoreEOS)
	g.applyStop(stop, minTokens)
	return nil
}

// outputLength decides a response's length and whether it ends at the cap.
// configured is Config.OutputTokens (the point where the simulated model
// emits end-of-sequence; 0 for none), maxTokens the request's cap (nil when
// absent), minTokens its floor. The answer is min(configured, maxTokens),
// raised to minTokens. It is capped ("length") when the cap was reached or
// the request asked to ignore end-of-sequence, else stopped ("stop").
func outputLength(configured int, maxTokens *int, minTokens int, ignoreEOS bool) (int, bool) {
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
	return n, capped || ignoreEOS
}

// stopList reads OpenAI's stop: a string, a list of strings, or null.
func stopList(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &one); err != nil {
			return nil, err
		}
		return []string{one}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("want a string or a list of strings")
	}
	return list, nil
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

// openAIWire renders OpenAI-family streams (vllm entrypoints/openai
// serving_chat.py / serving_completion.py): `data: {json}` and a blank line
// per event, role chunk first (chat), one token per chunk, a finish chunk,
// the usage-only chunk when asked, `data: [DONE]`. With roleWithFirst (the
// vLLM chat default, docs/notes/protocols.md "Stream semantics"), the role
// chunk goes out with the first engine output, just before the first
// token's chunk, and finish_reason rides on the last token's chunk instead
// of a chunk of its own.
type openAIWire struct {
	ep       endpoint
	fl       openAIFlavor
	g        *generation
	id       string
	reqID    string // Groq x_groq.id
	created  int64  // unix seconds
	prefix   []byte // `data: {"id":…,"choices":[`
	firstTok time.Time
	// roleWithFirst is current vLLM's chat shape (see above).
	roleWithFirst bool
}

func newOpenAIWire(ep endpoint, fl openAIFlavor, g *generation, seq int64, created int64) *openAIWire {
	ow := &openAIWire{ep: ep, fl: fl, g: g, created: created}
	object := "chat.completion.chunk"
	switch {
	case fl == flavorTGI:
		object = "text_completion" // TGI 1.4.x (tgi-1.4.3-chat-stream)
	case ep == endpointChat:
		ow.id = fmt.Sprintf("chatcmpl-mock%016x", seq)
	default:
		ow.id = fmt.Sprintf("cmpl-mock%016x", seq)
		object = "text_completion"
	}
	ow.reqID = fmt.Sprintf("req_mock%016x", seq)
	model, _ := json.Marshal(g.model) // a string always marshals
	p := []byte("data: ")
	if fl == flavorTGI {
		p = []byte("data:")
	}
	p = append(p, `{"id":"`...)
	p = append(p, ow.id...)
	p = append(p, `","object":"`...)
	p = append(p, object...)
	p = append(p, `","created":`...)
	p = strconv.AppendInt(p, created, 10)
	p = append(p, `,"model":`...)
	p = append(p, model...)
	switch fl {
	case flavorGroq:
		p = append(p, `,"system_fingerprint":"fp_mock"`...)
	case flavorTGI:
		p = append(p, `,"system_fingerprint":"1.4.3-mock"`...)
	}
	p = append(p, `,"choices":[`...)
	ow.prefix = p
	return ow
}

func (ow *openAIWire) header(h http.Header) {
	if ow.fl == flavorTGI {
		h.Set("Content-Type", "text/event-stream")
		h.Set("X-Accel-Buffering", "no")
	} else {
		h.Set("Content-Type", "text/event-stream; charset=utf-8")
	}
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Request-Id", ow.reqID)
}

// start is the chat stream's role chunk (content "", no token). TGI and
// the completions endpoint have none.
func (ow *openAIWire) start(b []byte) []byte {
	if ow.ep != endpointChat || ow.fl == flavorTGI || ow.roleWithFirst {
		return b
	}
	return ow.roleChunk(b)
}

// roleChunk is the chat stream's role chunk.
func (ow *openAIWire) roleChunk(b []byte) []byte {
	b = append(b, ow.prefix...)
	b = append(b, `{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]`...)
	b = ow.appendUsage(b, 0)
	if ow.fl == flavorGroq {
		b = append(b, `,"x_groq":{"id":"`...)
		b = append(b, ow.reqID...)
		b = append(b, `"}`...)
	}
	return append(b, "}\n\n"...)
}

func (ow *openAIWire) token(b []byte, k int) []byte {
	if k == 0 {
		ow.firstTok = time.Now()
		if ow.roleWithFirst {
			b = ow.roleChunk(b)
		}
	}
	if ow.roleWithFirst && k == ow.g.outputTokens-1 && ow.g.held == 0 {
		return ow.lastToken(b, k)
	}
	b = append(b, ow.prefix...)
	switch {
	case ow.fl == flavorTGI:
		b = append(b, `{"index":0,"delta":{"role":"assistant","content":`...)
		b = append(b, tokenJSON(k)...)
		b = append(b, `},"logprobs":null,"finish_reason":null}]`...)
	case ow.ep == endpointChat:
		b = append(b, `{"index":0,"delta":{"content":`...)
		b = append(b, tokenJSON(k)...)
		b = append(b, `},"logprobs":null,"finish_reason":null}]`...)
	default:
		b = append(b, `{"index":0,"text":`...)
		b = append(b, tokenJSON(k)...)
		b = append(b, `,"logprobs":null,"finish_reason":null,"stop_reason":null}]`...)
	}
	b = ow.appendUsage(b, k+1)
	return append(b, "}\n\n"...)
}

// appendStopReason appends vLLM's stop_reason: the stop sequence that
// ended the output, or null.
func (ow *openAIWire) appendStopReason(b []byte) []byte {
	if ow.g.stopped == "" {
		return append(b, "null"...)
	}
	q, _ := json.Marshal(ow.g.stopped)
	return append(b, q...)
}

// lastToken is the last token's chunk of the vLLM chat shape, carrying
// finish_reason and stop_reason.
func (ow *openAIWire) lastToken(b []byte, k int) []byte {
	b = append(b, ow.prefix...)
	b = append(b, `{"index":0,"delta":{"content":`...)
	b = append(b, tokenJSON(k)...)
	b = append(b, `},"logprobs":null,"finish_reason":"`...)
	b = append(b, ow.g.finish()...)
	b = append(b, `","stop_reason":`...)
	b = ow.appendStopReason(b)
	b = append(b, `}]`...)
	b = ow.appendUsage(b, k+1)
	return append(b, "}\n\n"...)
}

// end is the finish chunk (none in the vLLM chat shape, whose last token
// carried the finish, unless a stop sequence held a token back: vLLM's
// step that met it sends no text and the finish, when that token was
// generated), the usage-only chunk when asked for, and the terminator (TGI
// 1.4 sends none).
func (ow *openAIWire) end(b []byte) []byte {
	if ow.roleWithFirst && ow.g.outputTokens > 0 && ow.g.held == 0 {
		return ow.tail(b)
	}
	b = append(b, ow.prefix...)
	switch {
	case ow.fl == flavorTGI:
		b = append(b, `{"index":0,"delta":{},"logprobs":null,"finish_reason":"`...)
		switch {
		case ow.g.capped:
			b = append(b, "length"...)
		case ow.g.stopped != "":
			b = append(b, "stop_sequence"...) // FinishReason::StopSequence
		default:
			b = append(b, "eos_token"...)
		}
		return append(b, "\"}]}\n\n"...)
	case ow.ep == endpointChat:
		b = append(b, `{"index":0,"delta":{},"logprobs":null,"finish_reason":"`...)
	default:
		b = append(b, `{"index":0,"text":"","logprobs":null,"finish_reason":"`...)
	}
	b = append(b, ow.g.finish()...)
	if ow.fl == flavorGroq {
		b = append(b, `"}]`...)
		b = ow.appendGroqUsage(b)
	} else {
		b = append(b, `","stop_reason":`...)
		b = ow.appendStopReason(b)
		b = append(b, `}]`...)
		b = ow.appendUsage(b, ow.g.generated())
	}
	b = append(b, "}\n\n"...)
	return ow.tail(b)
}

// tail is the usage-only chunk when asked for, and the terminator.
func (ow *openAIWire) tail(b []byte) []byte {
	if ow.g.includeUsage {
		b = append(b, ow.prefix...)
		b = append(b, ']')
		b = appendUsageObject(b, ow.g.promptTokens, ow.g.generated())
		b = append(b, "}\n\n"...)
	}
	return append(b, "data: [DONE]\n\n"...)
}

// appendGroqUsage appends Groq's x_groq object with usage and timings in
// seconds (groq-chat-stream-x_groq-usage). prompt_time is receipt to first
// token, completion_time first token to now; the mock has no separate
// queue time to report and says 0.
func (ow *openAIWire) appendGroqUsage(b []byte) []byte {
	now := time.Now()
	if ow.firstTok.IsZero() {
		ow.firstTok = now
	}
	prompt := ow.firstTok.Sub(ow.g.received).Seconds()
	completion := now.Sub(ow.firstTok).Seconds()
	b = append(b, `,"x_groq":{"id":"`...)
	b = append(b, ow.reqID...)
	b = append(b, `","usage":{"queue_time":0,"prompt_tokens":`...)
	b = strconv.AppendInt(b, int64(ow.g.promptTokens), 10)
	b = append(b, `,"prompt_time":`...)
	b = strconv.AppendFloat(b, prompt, 'f', -1, 64)
	b = append(b, `,"completion_tokens":`...)
	b = strconv.AppendInt(b, int64(ow.g.generated()), 10)
	b = append(b, `,"completion_time":`...)
	b = strconv.AppendFloat(b, completion, 'f', -1, 64)
	b = append(b, `,"total_tokens":`...)
	b = strconv.AppendInt(b, int64(ow.g.promptTokens+ow.g.generated()), 10)
	b = append(b, `,"total_time":`...)
	b = strconv.AppendFloat(b, prompt+completion, 'f', -1, 64)
	return append(b, "}}"...)
}

// streamError is the in-stream error: vLLM sends `data: {"error":…}` then
// `data: [DONE]`; Groq `event: error` and no terminator; TGI's Messages API
// `data:{"error":{"message","http_status_code":422}}` then `data:[DONE]`.
func (ow *openAIWire) streamError(b []byte, status int, msg string) []byte {
	m, _ := json.Marshal(msg)
	switch ow.fl {
	case flavorGroq:
		b = append(b, `event: error`+"\n"+`data: {"error":{"message":`...)
		b = append(b, m...)
		b = append(b, `,"type":"internal_server_error","status_code":`...)
		b = strconv.AppendInt(b, int64(status), 10)
		return append(b, "}}\n\n"...)
	case flavorTGI:
		b = append(b, `data:{"error":{"message":`...)
		b = append(b, m...)
		return append(b, `,"http_status_code":422}}`+"\n\ndata:[DONE]\n\n"...)
	}
	b = append(b, `data: {"error":{"message":`...)
	b = append(b, m...)
	b = append(b, `,"type":"InternalServerError","param":null,"code":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	return append(b, "}}\n\ndata: [DONE]\n\n"...)
}

func (ow *openAIWire) malformed(b []byte) []byte {
	b = append(b, ow.prefix...)
	return append(b, `{"index":0,"delta":{"content":"`+"\n\n"...)
}

// appendUsage adds the cumulative usage field when continuous usage stats
// were asked for.
func (ow *openAIWire) appendUsage(b []byte, completion int) []byte {
	if !ow.g.continuous {
		return b
	}
	return appendUsageObject(b, ow.g.promptTokens, completion)
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

// tokenID returns a stable fake vocabulary id for token k.
func tokenID(k int) int { return 1000 + k%len(vocabulary) }

// outputText is the whole text of an n-token response.
func outputText(n int) string {
	var b bytes.Buffer
	for k := range n {
		b.WriteString(tokenText(k))
	}
	return b.String()
}

// body writes the non-streamed response (vLLM's chat.completion /
// text_completion objects; Groq adds its timings to usage).
func (ow *openAIWire) body(w http.ResponseWriter) {
	usage := map[string]any{
		"prompt_tokens":     ow.g.promptTokens,
		"total_tokens":      ow.g.promptTokens + ow.g.generated(),
		"completion_tokens": ow.g.generated(),
	}
	choice := map[string]any{"index": 0, "logprobs": nil, "finish_reason": ow.g.finish()}
	object := "text_completion"
	if ow.ep == endpointChat {
		object = "chat.completion"
		choice["message"] = map[string]any{"role": "assistant", "content": outputText(ow.g.outputTokens)}
	} else {
		choice["text"] = outputText(ow.g.outputTokens)
	}
	if ow.fl == flavorVLLM {
		choice["stop_reason"] = nil
		if ow.g.stopped != "" {
			choice["stop_reason"] = ow.g.stopped
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": ow.id, "object": object, "created": ow.created, "model": ow.g.model,
		"choices": []any{choice}, "usage": usage,
	}, nil)
}

// serveModels answers GET /v1/models with vLLM's ModelCard list.
func (s *Server) serveModels(w http.ResponseWriter) {
	maxLen := 0
	if s.engine != nil {
		maxLen = s.engine.model.MaxModelLen
	}
	card := map[string]any{
		"id": s.cfg.Model, "object": "model", "created": s.created, "owned_by": "vllm",
		"root": s.cfg.Model, "parent": nil, "permission": []any{},
	}
	if maxLen > 0 {
		card["max_model_len"] = maxLen
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": []any{card}}, nil)
}

// openAIErrorType is vLLM's error type name for a status.
var openAIErrorType = statusNames{other: "InternalServerError", byStatus: map[int]string{
	http.StatusBadRequest:         "BadRequestError",
	http.StatusNotFound:           "NotFoundError",
	http.StatusTooManyRequests:    "RateLimitError",
	http.StatusServiceUnavailable: "ServiceUnavailableError",
}}

// writeVLLMError is protocol.writeError for vLLM.
func writeVLLMError(w http.ResponseWriter, status int, msg string, _ time.Duration) {
	writeOpenAIError(w, status, openAIErrorType.of(status), msg)
}

// writeOpenAIError answers with vLLM's current error body:
// {"error":{"message","type","param","code"}} (vllm entrypoints/openai
// protocol.py ErrorResponse).
func writeOpenAIError(w http.ResponseWriter, status int, typ, msg string) {
	writeJSON(w, status, map[string]any{
		"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": status},
	}, nil)
}

// writeGroqError answers with Groq's error body (groq-error-429-rate-limit-body):
// {"error":{"message","type","code"}} with a string code.
func writeGroqError(w http.ResponseWriter, status int, msg string, _ time.Duration) {
	typ, code := "invalid_request_error", "invalid_request"
	switch status {
	case http.StatusTooManyRequests:
		typ, code = "tokens", "rate_limit_exceeded"
	case http.StatusInternalServerError:
		typ, code = "internal_server_error", "internal_server_error"
	case http.StatusServiceUnavailable:
		typ, code = "internal_server_error", "service_unavailable"
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": typ, "code": code}}, nil)
}

// writeJSON writes v as a JSON body with status, as application/json
// unless extra, the headers set before it, names another Content-Type (a
// problem+json, a charset).
func writeJSON(w http.ResponseWriter, status int, v any, extra http.Header) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "mock: encoding response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	for k, vs := range extra {
		w.Header()[k] = vs
	}
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
