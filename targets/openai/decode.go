package openai

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/sse"
)

// eventJSON is the part of a chunk the adapter reads; every other field
// (id, model, logprobs, stop_reason, obfuscation, …) is skipped.
// stop_reason is left out on purpose: vLLM writes it as an int, a string or
// null, and nothing here needs it.
type eventJSON struct {
	Choices []choiceJSON   `json:"choices"`
	Usage   *targets.Usage `json:"usage"`
	// XGroq is Groq's extension: its finish chunk carries usage here, not
	// in a usage chunk (protocols.md §7).
	XGroq *struct {
		Usage *groqUsageJSON `json:"usage"`
	} `json:"x_groq"`
	// Timings is llama.cpp's account of the request's time, on its last
	// chunk (notes/real-servers.md §4.3).
	Timings *timingsJSON `json:"timings"`
	// Error is a top-level error object (OpenAI, vLLM, LiteLLM, OpenRouter
	// mid-stream errors), decoded only when present.
	Error json.RawMessage `json:"error"`
}

// groqUsageJSON is Groq's x_groq.usage: the token counts and the server's
// times in seconds (groq-chat-stream-x_groq-usage, protocols.md §7).
type groqUsageJSON struct {
	targets.Usage
	QueueTime      float64 `json:"queue_time"`
	PromptTime     float64 `json:"prompt_time"`
	CompletionTime float64 `json:"completion_time"`
	TotalTime      float64 `json:"total_time"`
}

// server returns the times as a ServerTiming, nil when all are zero.
func (g *groqUsageJSON) server() *targets.ServerTiming {
	st := targets.ServerTiming{Queue: seconds(g.QueueTime), Prompt: seconds(g.PromptTime),
		Decode: seconds(g.CompletionTime), Total: seconds(g.TotalTime)}
	if st == (targets.ServerTiming{}) {
		return nil
	}
	return &st
}

// timingsJSON is llama.cpp's timings object, in milliseconds.
type timingsJSON struct {
	PromptMS    float64 `json:"prompt_ms"`
	PredictedMS float64 `json:"predicted_ms"`
}

// server returns the times as a ServerTiming, nil when both are zero.
func (t *timingsJSON) server() *targets.ServerTiming {
	st := targets.ServerTiming{Prompt: seconds(t.PromptMS / 1e3), Decode: seconds(t.PredictedMS / 1e3)}
	if st == (targets.ServerTiming{}) {
		return nil
	}
	return &st
}

// seconds converts a non-negative number of seconds to a Duration, rounded
// to the nanosecond; negative or absurd values give 0.
func seconds(s float64) time.Duration {
	if !(s > 0) || s > 1e6 {
		return 0
	}
	return time.Duration(math.Round(s * 1e9))
}

type choiceJSON struct {
	Delta struct {
		Content          string         `json:"content"`
		ReasoningContent string         `json:"reasoning_content"`
		Reasoning        string         `json:"reasoning"`
		ToolCalls        []toolCallJSON `json:"tool_calls"`
	} `json:"delta"`
	// Text is the completions API's generated text.
	Text         string `json:"text"`
	FinishReason string `json:"finish_reason"`
}

type toolCallJSON struct {
	Function struct {
		// Arguments is normally a JSON string; kept raw so that a server
		// that sends an object does not break the stream.
		Arguments json.RawMessage `json:"arguments"`
	} `json:"function"`
}

// reset clears e for the next event, keeping the choices' capacity.
// encoding/json does not zero reused slice elements, so they are cleared
// here, or one event's fields would leak into the next.
func (e *eventJSON) reset() {
	clear(e.Choices[:cap(e.Choices)])
	*e = eventJSON{Choices: e.Choices[:0]}
}

// decoder turns the events of one stream into Chunks.
type decoder struct {
	ev     *eventJSON
	json   *eventDecoder
	tmpl   *template // nil: no template (each event scanned in full)
	redact targets.Redactor

	events int // data events decoded
	usage  *targets.Usage
	finish string

	// Token counts from cumulative usage (vLLM continuous_usage_stats):
	// haveUsage is set once a usage was seen, lastCompletion is its
	// completion_tokens; tokenBeforeUsage is set when a token-bearing chunk
	// came before any usage, which makes the first usage a summary (Groq's
	// x_groq, OpenRouter, llama.cpp's finish chunk), not a per-chunk count.
	haveUsage        bool
	lastCompletion   int
	tokenBeforeUsage bool

	// server is the last server timing seen (Groq, llama.cpp).
	server *targets.ServerTiming
	// native decodes llama.cpp's /completion events instead (llamacpp.go).
	native bool
}

func (d *decoder) final() targets.Final {
	return targets.Final{Usage: d.usage, FinishReason: d.finish, Server: d.server}
}

var doneMarker = []byte("[DONE]")

// An eventDecoder decodes one JSON value per call with a json.Decoder kept
// across events and streams. json.Unmarshal builds a new scanner and decode
// state for every call, which costs about 8 allocations per event; a kept
// Decoder reuses them, leaving mostly the strings the event carries.
type eventDecoder struct {
	src eventSource
	dec *json.Decoder
	fed int64 // bytes given to dec so far
}

// decode decodes data, which must hold exactly one JSON value, into v.
func (e *eventDecoder) decode(data []byte, v any) error {
	if e.dec == nil {
		e.src, e.fed = eventSource{}, 0
		e.dec = json.NewDecoder(&e.src)
	}
	e.src.b = data
	e.fed += int64(len(data))
	err := e.dec.Decode(v)
	if err == nil && e.dec.InputOffset() != e.fed {
		err = errors.New("more data after the JSON value")
	}
	if err != nil {
		e.dec = nil // a Decoder is not reusable after an error
	}
	return err
}

// eventSource feeds one event's data to a json.Decoder; it reports io.EOF
// when the event is used up, so a value cut short is io.ErrUnexpectedEOF.
type eventSource struct{ b []byte }

func (s *eventSource) Read(p []byte) (int, error) {
	if len(s.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.b)
	s.b = s.b[n:]
	return n, nil
}

// event handles one SSE event: it reports whether the stream is done
// ([DONE]) or returns the error the event carries.
func (d *decoder) event(ev sse.Event, onChunk func(targets.Chunk)) (done bool, err error) {
	data := bytes.TrimSpace(ev.Data)
	if ev.Data == nil {
		// Lines outside SSE framing; a JSON error object written raw is
		// an error, anything else is ignored.
		if se := d.rawError(ev.Raw); se != nil {
			return false, se
		}
		return false, nil
	}
	if ev.Type == "error" {
		// Groq: "event: error" then a data line with the error object.
		se := d.streamError(data)
		if se == nil {
			se = &targets.StreamError{Message: d.redact.Clip(string(data))}
		}
		return false, se
	}
	if len(data) == 0 {
		return false, nil
	}
	if d.native {
		return d.nativeEvent(data, onChunk)
	}
	if bytes.Equal(data, doneMarker) {
		return true, nil
	}
	d.ev.reset()
	if !d.fastDecode(data) {
		d.ev.reset()
		if err := d.json.decode(data, d.ev); err != nil {
			return false, &targets.ProtocolError{Msg: fmt.Sprintf("undecodable event %d: %v: %s", d.events, err, targets.Snippet(d.redact.Redact(string(data))))}
		}
	}
	d.events++
	if e := d.ev.Error; len(e) > 0 && !bytes.Equal(e, []byte("null")) {
		if se := d.streamError(data); se != nil {
			return false, se
		}
	}
	c := d.chunk()
	onChunk(c)
	return false, nil
}

// fastDecode decodes data into d.ev by the stream's template when it has
// one, else by fastDecode; false leaves the event to encoding/json.
func (d *decoder) fastDecode(data []byte) bool {
	if d.tmpl != nil {
		return d.tmpl.decode(data, d.ev)
	}
	return fastDecode(data, d.ev)
}

// chunk builds the Chunk of the decoded event.
func (d *decoder) chunk() targets.Chunk {
	var c targets.Chunk
	ev := d.ev
	for i := range ev.Choices {
		ch := &ev.Choices[i]
		c.Content = join(join(c.Content, ch.Delta.Content), ch.Text)
		// vLLM has sent the same text as both reasoning_content and
		// reasoning while renaming the field: take one.
		r := ch.Delta.ReasoningContent
		if r == "" {
			r = ch.Delta.Reasoning
		}
		c.Reasoning = join(c.Reasoning, r)
		for j := range ch.Delta.ToolCalls {
			c.ToolArgs = join(c.ToolArgs, argText(ch.Delta.ToolCalls[j].Function.Arguments))
		}
		if ch.FinishReason != "" {
			d.finish = ch.FinishReason
		}
	}
	if ev.Timings != nil {
		if st := ev.Timings.server(); st != nil {
			d.server = st
		}
	}
	u := ev.Usage
	if u == nil && ev.XGroq != nil && ev.XGroq.Usage != nil {
		u = &ev.XGroq.Usage.Usage
		if st := ev.XGroq.Usage.server(); st != nil {
			d.server = st
		}
	}
	if u == nil {
		if len(ev.Choices) > 0 && c.HasToken() {
			d.tokenBeforeUsage = true
		}
		return c
	}
	c.Usage = u
	if len(ev.Choices) > 0 {
		// Usage beside choices is cumulative: this chunk's tokens are the
		// increase since the previous usage, never the sum of usages.
		switch {
		case d.haveUsage:
			c.Tokens = max(u.CompletionTokens-d.lastCompletion, 0)
		case !d.tokenBeforeUsage:
			c.Tokens = max(u.CompletionTokens, 0)
		}
	}
	d.haveUsage = true
	d.lastCompletion = u.CompletionTokens
	d.usage = u
	return c
}

// join concatenates without allocating when either side is empty.
func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + b
}

// argText returns tool-call arguments as text: a JSON string unquoted, any
// other JSON value as written, null as "".
func argText(raw json.RawMessage) string {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	return string(raw)
}

// streamError decodes an in-stream error event, or returns nil when data
// holds no error.
func (d *decoder) streamError(data []byte) *targets.StreamError {
	info, ok := decodeError(data)
	if !ok {
		return nil
	}
	return &targets.StreamError{
		Status:  info.status,
		Code:    d.redact.Clip(info.code),
		Type:    d.redact.Clip(info.typ),
		Message: d.redact.Clip(info.message),
	}
}

// rawError looks for a JSON error object in lines written outside SSE
// framing (as Gemini does after its data events).
func (d *decoder) rawError(raw []byte) *targets.StreamError {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	return d.streamError(raw)
}

// errorInfo is what an error body says, whatever its shape.
type errorInfo struct {
	status             int
	code, typ, message string
}

// errorJSON covers every error shape seen from OpenAI-compatible servers
// (protocols.md §3, §4, §7, §11 and the fixtures):
//
//	{"error":{"message","type","param","code"}}    OpenAI, vLLM, llama.cpp, Ollama, Groq;
//	                                               code int, string or null; LiteLLM "429"
//	{"object":"error","message","type","code"}     vLLM ≤ 0.10, flat
//	{"error":"Unauthorized"}                       vLLM --api-key middleware
//	{"error":"…","error_type":"…"}                 TGI
//	{"error":{…,"status_code":400}}                Groq in-stream
//	{"error":{"message","http_status_code":422}}   TGI chat in-stream
//	{"detail":…}                                   FastAPI
type errorJSON struct {
	Error          json.RawMessage `json:"error"`
	Message        json.RawMessage `json:"message"`
	Type           json.RawMessage `json:"type"`
	Code           json.RawMessage `json:"code"`
	Status         json.RawMessage `json:"status"`
	StatusCode     json.RawMessage `json:"status_code"`
	HTTPStatusCode json.RawMessage `json:"http_status_code"`
	ErrorType      json.RawMessage `json:"error_type"`
	Detail         json.RawMessage `json:"detail"`
}

// decodeError reads an error body. ok is false when b is not a JSON object
// that says anything about an error.
func decodeError(b []byte) (errorInfo, bool) {
	var outer errorJSON
	if json.Unmarshal(b, &outer) != nil {
		return errorInfo{}, false
	}
	e := outer
	nested := false
	if t := bytes.TrimSpace(outer.Error); len(t) > 0 && t[0] == '{' {
		var inner errorJSON
		if json.Unmarshal(t, &inner) == nil {
			e, nested = inner, true
		}
	}
	var info errorInfo
	info.message = scalar(e.Message)
	if !nested {
		if s := scalar(outer.Error); s != "" && info.message == "" {
			info.message = s // {"error":"Unauthorized"}, TGI
		}
	}
	if info.message == "" && len(e.Detail) > 0 {
		info.message = scalar(e.Detail)
		if info.message == "" {
			info.message = string(bytes.TrimSpace(e.Detail)) // FastAPI's list of problems
		}
	}
	info.typ = scalar(e.Type)
	if info.typ == "" {
		info.typ = scalar(e.ErrorType)
	}
	if info.typ == "" {
		info.typ = scalar(outer.ErrorType)
	}
	info.code = scalar(e.Code)
	for _, raw := range []json.RawMessage{e.Code, e.StatusCode, e.HTTPStatusCode, e.Status} {
		if n, err := strconv.Atoi(scalar(raw)); err == nil && n >= 100 && n <= 599 {
			info.status = n
			break
		}
	}
	if s := scalar(e.Status); info.typ == "" && s != "" && (s[0] < '0' || s[0] > '9') {
		info.typ = s // Gemini-style "RESOURCE_EXHAUSTED"
	}
	if info.message == "" && info.code == "" && info.typ == "" && info.status == 0 {
		return errorInfo{}, false
	}
	return info, true
}

// scalar returns a JSON string's value or a number's text; "" for null,
// objects, arrays, and the literal "None" that LiteLLM writes for absent
// values.
func scalar(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil || s == "None" {
			return ""
		}
		return s
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return string(raw)
	}
	return ""
}
