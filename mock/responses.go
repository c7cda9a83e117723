package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// The OpenAI Responses API, POST /v1/responses (and Azure's
// /openai/responses and /azure/openai/v1/responses). With "stream": true
// the answer is typed server-sent events, `event: TYPE` and
// `data: {"type": TYPE, "sequence_number": n, …}` (OpenAI API reference
// "Streaming events"; openai-responses-stream-output-text): created,
// in_progress, output_item.added, content_part.added, one
// output_text.delta per token, output_text.done, content_part.done,
// output_item.done, then response.completed with usage, or
// response.incomplete with incomplete_details.reason max_output_tokens when
// the output was cut at the cap. No [DONE]. An error mid-stream is an
// `error` event.

type responsesRequest struct {
	Model           string          `json:"model"`
	Input           json.RawMessage `json:"input"`
	Stream          bool            `json:"stream"`
	MaxOutputTokens *int            `json:"max_output_tokens"`
}

func parseResponses(s *Server, _ *http.Request, body []byte, seq int64) (*call, error) {
	var req responsesRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, fmt.Errorf("invalid JSON body: %v", err)
	}
	c := &call{stream: req.Stream}
	c.g.model = req.Model
	if c.g.model == "" {
		c.g.model = s.cfg.Model
	}
	var text string
	if json.Unmarshal(req.Input, &text) == nil {
		c.g.promptTokens = countWords(text)
	} else {
		// An array of input items: messages whose content is a string or
		// parts with text.
		var items []struct {
			Content json.RawMessage `json:"content"`
		}
		if err := json.Unmarshal(req.Input, &items); err != nil {
			return nil, fmt.Errorf("input: want a string or an array of items: %v", err)
		}
		for _, it := range items {
			n, err := countContentWords(it.Content)
			if err != nil {
				return nil, fmt.Errorf("input: %v", err)
			}
			c.g.promptTokens += n
		}
	}
	if err := s.decideLength(&c.g, req.MaxOutputTokens, 0, false, nil); err != nil {
		return nil, err
	}
	model, _ := json.Marshal(c.g.model)
	c.wire = &responsesWire{g: &c.g, id: fmt.Sprintf("resp_mock%016x", seq), msg: fmt.Sprintf("msg_mock%016x", seq), model: model, created: s.created}
	return c, nil
}

type responsesWire struct {
	g       *generation
	id, msg string
	model   []byte
	created int64
	seq     int
}

func (rw *responsesWire) header(h http.Header) {
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
}

// event appends `event: typ` and its data, the JSON object body (without
// braces) after "type" and "sequence_number".
func (rw *responsesWire) event(b []byte, typ, body string) []byte {
	b = append(b, "event: "+typ+"\ndata: {\"type\":\""+typ+"\",\"sequence_number\":"...)
	b = strconv.AppendInt(b, int64(rw.seq), 10)
	rw.seq++
	if body != "" {
		b = append(b, ',')
		b = append(b, body...)
	}
	return append(b, "}\n\n"...)
}

// response is the response object in a given status with its output text
// and usage ("null" when not yet known).
func (rw *responsesWire) response(status, output, usage, incomplete string) string {
	return `"response":{"id":"` + rw.id + `","object":"response","created_at":` + strconv.FormatInt(rw.created, 10) +
		`,"status":"` + status + `","error":null,"incomplete_details":` + incomplete + `,"model":` + string(rw.model) +
		`,"output":` + output + `,"usage":` + usage + `}`
}

func (rw *responsesWire) message(status, text string) string {
	t, _ := json.Marshal(text)
	content := `[]`
	if status == "completed" || status == "incomplete" {
		content = `[{"type":"output_text","annotations":[],"text":` + string(t) + `}]`
	}
	return `{"id":"` + rw.msg + `","type":"message","status":"` + status + `","content":` + content + `,"role":"assistant"}`
}

func (rw *responsesWire) start(b []byte) []byte {
	b = rw.event(b, "response.created", rw.response("in_progress", "[]", "null", "null"))
	b = rw.event(b, "response.in_progress", rw.response("in_progress", "[]", "null", "null"))
	b = rw.event(b, "response.output_item.added", `"output_index":0,"item":`+rw.message("in_progress", ""))
	return rw.event(b, "response.content_part.added", `"item_id":"`+rw.msg+`","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"text":""}`)
}

func (rw *responsesWire) token(b []byte, k int) []byte {
	return rw.event(b, "response.output_text.delta", `"item_id":"`+rw.msg+`","output_index":0,"content_index":0,"delta":`+tokenJSON(k)+`,"logprobs":[]`)
}

func (rw *responsesWire) end(b []byte) []byte {
	text := outputText(rw.g.outputTokens)
	t, _ := json.Marshal(text)
	b = rw.event(b, "response.output_text.done", `"item_id":"`+rw.msg+`","output_index":0,"content_index":0,"text":`+string(t)+`,"logprobs":[]`)
	b = rw.event(b, "response.content_part.done", `"item_id":"`+rw.msg+`","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"text":`+string(t)+`}`)
	status, typ, incomplete := "completed", "response.completed", "null"
	if rw.g.capped {
		status, typ, incomplete = "incomplete", "response.incomplete", `{"reason":"max_output_tokens"}`
	}
	b = rw.event(b, "response.output_item.done", `"output_index":0,"item":`+rw.message(status, text))
	usage := fmt.Sprintf(`{"input_tokens":%d,"input_tokens_details":{"cached_tokens":0},"output_tokens":%d,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":%d}`,
		rw.g.promptTokens, rw.g.outputTokens, rw.g.promptTokens+rw.g.outputTokens)
	return rw.event(b, typ, rw.response(status, "["+rw.message(status, text)+"]", usage, incomplete))
}

// streamError is an `error` event; the stream then ends.
func (rw *responsesWire) streamError(b []byte, status int, msg string) []byte {
	m, _ := json.Marshal(msg)
	return rw.event(b, "error", `"code":"server_error","message":`+string(m)+`,"param":null`)
}

func (rw *responsesWire) malformed(b []byte) []byte {
	return append(b, "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"\n\n"...)
}

func (rw *responsesWire) body(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, map[string]any{
		"id": rw.id, "object": "response", "created_at": rw.created, "status": "completed", "model": rw.g.model,
		"output": []any{map[string]any{"id": rw.msg, "type": "message", "status": "completed", "role": "assistant",
			"content": []any{map[string]any{"type": "output_text", "annotations": []any{}, "text": outputText(rw.g.outputTokens)}}}},
		"usage": map[string]any{"input_tokens": rw.g.promptTokens, "output_tokens": rw.g.outputTokens, "total_tokens": rw.g.promptTokens + rw.g.outputTokens},
	}, nil)
}
