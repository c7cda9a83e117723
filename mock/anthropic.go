package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Anthropic Messages API: `event: TYPE` + `data: {json}` per event, the
// full sequence message_start, content_block_start, ping, content_block_delta…,
// content_block_stop, message_delta (cumulative usage), message_stop; JSON
// padded with spaces before its last brace as the real API does; no [DONE]
// (anthropic-messages-stream-with-ping, notes/docs/notes/protocols.md §8).

// anthropicPingEvery is how many tokens pass between mid-stream pings.
const anthropicPingEvery = 32

type anthropicRequest struct {
	Model     string          `json:"model"`
	MaxTokens *int            `json:"max_tokens"`
	System    json.RawMessage `json:"system"`
	Messages  []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Stream        bool     `json:"stream"`
	StopSequences []string `json:"stop_sequences"`
}

func parseAnthropic(s *Server, r *http.Request, body []byte, seq int64) (*call, error) {
	var req anthropicRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, fmt.Errorf("invalid JSON body: %v", err)
	}
	if req.MaxTokens == nil {
		return nil, fmt.Errorf("max_tokens: Field required")
	}
	if len(req.Messages) == 0 {
		return nil, fmt.Errorf("messages: at least one message is required")
	}
	c := &call{stream: req.Stream}
	c.g.model = req.Model
	if c.g.model == "" {
		c.g.model = s.cfg.Model
	}
	n, err := countContentWords(req.System)
	if err != nil {
		return nil, fmt.Errorf("system: %v", err)
	}
	c.g.promptTokens = n
	for i, m := range req.Messages {
		n, err := countContentWords(m.Content)
		if err != nil {
			return nil, fmt.Errorf("messages.%d.content: %v", i, err)
		}
		c.g.promptTokens += n
	}
	if err := s.decideLength(&c.g, req.MaxTokens, 0, false, req.StopSequences); err != nil {
		return nil, err
	}
	model, _ := json.Marshal(c.g.model)
	c.wire = &anthropicWire{g: &c.g, id: fmt.Sprintf("msg_mock%016x", seq), reqID: fmt.Sprintf("req_mock%016x", seq), model: model}
	return c, nil
}

type anthropicWire struct {
	g         *generation
	id, reqID string
	model     []byte
}

func (a *anthropicWire) header(h http.Header) {
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Request-Id", a.reqID)
}

func (a *anthropicWire) stopReason() string {
	switch {
	case a.g.capped:
		return "max_tokens"
	case a.g.stopped != "":
		return "stop_sequence"
	}
	return "end_turn"
}

// stopSequence is the JSON of the stop sequence that ended the output, or
// null.
func (a *anthropicWire) stopSequence() []byte {
	if a.g.stopped == "" {
		return []byte("null")
	}
	q, _ := json.Marshal(a.g.stopped)
	return q
}

// appendUsage appends the usage object with output tokens out.
func (a *anthropicWire) appendUsage(b []byte, out int) []byte {
	b = append(b, `"usage":{"input_tokens":`...)
	b = strconv.AppendInt(b, int64(a.g.promptTokens), 10)
	b = append(b, `,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":`...)
	b = strconv.AppendInt(b, int64(out), 10)
	return append(b, '}')
}

// start is message_start (output_tokens 1: not final, as the API reports a
// small non-final count), content_block_start and a ping.
func (a *anthropicWire) start(b []byte) []byte {
	b = append(b, "event: message_start\n"+`data: {"type":"message_start","message":{"id":"`...)
	b = append(b, a.id...)
	b = append(b, `","type":"message","role":"assistant","model":`...)
	b = append(b, a.model...)
	b = append(b, `,"content":[],"stop_reason":null,"stop_sequence":null,`...)
	b = a.appendUsage(b, 1)
	b = append(b, "}}\n\n"...)
	b = append(b, "event: content_block_start\n"+`data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}  }`+"\n\n"...)
	return append(b, "event: ping\n"+`data: {"type": "ping"}`+"\n\n"...)
}

func (a *anthropicWire) token(b []byte, k int) []byte {
	b = append(b, "event: content_block_delta\n"+`data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":`...)
	b = append(b, tokenJSON(k)...)
	b = append(b, "}  }\n\n"...)
	if (k+1)%anthropicPingEvery == 0 && k+1 < a.g.outputTokens {
		b = append(b, "event: ping\n"+`data: {"type": "ping"}`+"\n\n"...)
	}
	return b
}

func (a *anthropicWire) end(b []byte) []byte {
	b = append(b, "event: content_block_stop\n"+`data: {"type":"content_block_stop","index":0        }`+"\n\n"...)
	b = append(b, "event: message_delta\n"+`data: {"type":"message_delta","delta":{"stop_reason":"`...)
	b = append(b, a.stopReason()...)
	b = append(b, `","stop_sequence":`...)
	b = append(b, a.stopSequence()...)
	b = append(b, `},`...)
	b = a.appendUsage(b, a.g.generated())
	b = append(b, "        }\n\n"...)
	return append(b, "event: message_stop\n"+`data: {"type":"message_stop"              }`+"\n\n"...)
}

// streamError is the in-stream error event; the API then closes the stream
// without message_stop.
func (a *anthropicWire) streamError(b []byte, status int, msg string) []byte {
	typ := "api_error"
	if status == http.StatusServiceUnavailable || status == 529 {
		typ = "overloaded_error"
	}
	m, _ := json.Marshal(msg)
	b = append(b, "event: error\n"+`data: {"type":"error","error":{"details":null,"type":"`...)
	b = append(b, typ...)
	b = append(b, `","message":`...)
	b = append(b, m...)
	return append(b, "}              }\n\n"...)
}

func (a *anthropicWire) malformed(b []byte) []byte {
	return append(b, "event: content_block_delta\n"+`data: {"type":"content_block_delta","index":0,"delta":{"type":"text_de`+"\n\n"...)
}

func (a *anthropicWire) body(w http.ResponseWriter) {
	h := http.Header{}
	h.Set("Request-Id", a.reqID)
	writeJSON(w, http.StatusOK, map[string]any{
		"id": a.id, "type": "message", "role": "assistant", "model": a.g.model,
		"content":     []any{map[string]any{"type": "text", "text": outputText(a.g.outputTokens)}},
		"stop_reason": a.stopReason(), "stop_sequence": json.RawMessage(a.stopSequence()),
		"usage": map[string]any{"input_tokens": a.g.promptTokens, "cache_creation_input_tokens": 0,
			"cache_read_input_tokens": 0, "output_tokens": a.g.generated()},
	}, h)
}

// anthropicErrorType is the API's error type for a status (529 is its
// "overloaded").
var anthropicErrorType = statusNames{other: "invalid_request_error", byStatus: map[int]string{
	http.StatusUnauthorized:        "authentication_error",
	http.StatusNotFound:            "not_found_error",
	http.StatusTooManyRequests:     "rate_limit_error",
	http.StatusInternalServerError: "api_error",
	http.StatusServiceUnavailable:  "overloaded_error",
	529:                            "overloaded_error",
}}

// writeAnthropicError answers {"type":"error","error":{type,message},"request_id"}
// with x-should-retry on retryable statuses (anthropic-error-* fixtures).
func writeAnthropicError(w http.ResponseWriter, status int, msg string, _ time.Duration) {
	typ := anthropicErrorType.of(status)
	h := http.Header{}
	if status == http.StatusTooManyRequests || status >= 500 {
		h.Set("X-Should-Retry", "true")
	}
	reqID := "req_mock" + strconv.FormatInt(time.Now().UnixNano(), 16)
	h.Set("Request-Id", reqID)
	writeJSON(w, status, map[string]any{
		"type": "error", "error": map[string]any{"type": typ, "message": msg}, "request_id": reqID,
	}, h)
}
