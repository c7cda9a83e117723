package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Ollama native API: NDJSON (one JSON object per line, no [DONE]), stream
// true unless the request says false, a final done:true object with
// nanosecond metrics, zero metrics omitted (ollama-generate-stream,
// notes/docs/notes/protocols.md §6).

type ollamaRequest struct {
	Model    string  `json:"model"`
	Prompt   *string `json:"prompt"`
	System   string  `json:"system"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	Stream  *bool `json:"stream"`
	Options struct {
		NumPredict *int     `json:"num_predict"`
		Stop       []string `json:"stop"`
	} `json:"options"`
}

func parseOllama(chat bool) func(*Server, *http.Request, []byte, int64) (*call, error) {
	return func(s *Server, _ *http.Request, body []byte, _ int64) (*call, error) {
		var req ollamaRequest
		if err := json.Unmarshal(body, &req); err != nil {
			return nil, fmt.Errorf("invalid request body: %v", err)
		}
		c := &call{stream: req.Stream == nil || *req.Stream}
		c.g.model = req.Model
		if c.g.model == "" {
			return nil, fmt.Errorf("model is required")
		}
		if chat {
			if len(req.Messages) == 0 {
				return nil, fmt.Errorf("messages are required")
			}
			for _, m := range req.Messages {
				c.g.promptTokens += countWords(m.Content)
			}
		} else {
			if req.Prompt == nil {
				return nil, fmt.Errorf("prompt is required")
			}
			c.g.promptTokens = countWords(*req.Prompt) + countWords(req.System)
		}
		limit := req.Options.NumPredict
		if limit != nil && *limit < 0 { // -1 infinite, -2 fill the context
			limit = nil
		}
		if err := s.decideLength(&c.g, limit, 0, false, req.Options.Stop); err != nil {
			return nil, err
		}
		model, _ := json.Marshal(c.g.model)
		c.wire = &ollamaWire{g: &c.g, chat: chat, model: model}
		return c, nil
	}
}

type ollamaWire struct {
	g        *generation
	chat     bool
	model    []byte
	firstTok time.Time
}

func (o *ollamaWire) header(h http.Header) { h.Set("Content-Type", "application/x-ndjson") }

func (o *ollamaWire) start(b []byte) []byte { return b }

func (o *ollamaWire) prefix(b []byte) []byte {
	b = append(b, `{"model":`...)
	b = append(b, o.model...)
	b = append(b, `,"created_at":"`...)
	b = time.Now().UTC().AppendFormat(b, time.RFC3339Nano)
	return append(b, `",`...)
}

func (o *ollamaWire) token(b []byte, k int) []byte {
	if k == 0 {
		o.firstTok = time.Now()
	}
	b = o.prefix(b)
	if o.chat {
		b = append(b, `"message":{"role":"assistant","content":`...)
		b = append(b, tokenJSON(k)...)
		return append(b, `},"done":false}`+"\n"...)
	}
	b = append(b, `"response":`...)
	b = append(b, tokenJSON(k)...)
	return append(b, `,"done":false}`+"\n"...)
}

// end is the done:true object: done_reason, then the metrics in ns:
// total (receipt to now), prompt eval (receipt to first token), eval
// (first token to now).
func (o *ollamaWire) end(b []byte) []byte {
	now := time.Now()
	if o.firstTok.IsZero() {
		o.firstTok = now
	}
	b = o.prefix(b)
	if o.chat {
		b = append(b, `"message":{"role":"assistant","content":""},`...)
	} else {
		b = append(b, `"response":"",`...)
	}
	b = append(b, `"done":true,"done_reason":"`...)
	b = append(b, o.doneReason()...)
	b = append(b, '"')
	if !o.chat {
		b = append(b, `,"context":[`...)
		for k := range o.g.outputTokens {
			if k > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(tokenID(k)), 10)
		}
		b = append(b, ']')
	}
	for _, f := range o.metrics(now) {
		if f.v == 0 {
			continue
		}
		b = append(b, `,"`...)
		b = append(b, f.name...)
		b = append(b, `":`...)
		b = strconv.AppendInt(b, f.v, 10)
	}
	return append(b, "}\n"...)
}

type ollamaMetric struct {
	name string
	v    int64
}

func (o *ollamaWire) metrics(now time.Time) []ollamaMetric {
	return []ollamaMetric{
		{"total_duration", now.Sub(o.g.received).Nanoseconds()},
		{"load_duration", 0},
		{"prompt_eval_count", int64(o.g.promptTokens)},
		{"prompt_eval_duration", o.firstTok.Sub(o.g.received).Nanoseconds()},
		{"eval_count", int64(o.g.generated())},
		{"eval_duration", now.Sub(o.firstTok).Nanoseconds()},
	}
}

func (o *ollamaWire) doneReason() string {
	if o.g.capped {
		return "length"
	}
	return "stop"
}

func (o *ollamaWire) streamError(b []byte, _ int, msg string) []byte {
	m, _ := json.Marshal(msg)
	b = append(b, `{"error":`...)
	b = append(b, m...)
	return append(b, "}\n"...)
}

func (o *ollamaWire) malformed(b []byte) []byte {
	b = append(b, `{"model":`...)
	b = append(b, o.model...)
	return append(b, `,"created_at":`+"\n"...)
}

// body answers stream:false with one object carrying the whole text.
func (o *ollamaWire) body(w http.ResponseWriter) {
	text := outputText(o.g.outputTokens)
	b := o.end(nil)
	var m map[string]any
	_ = json.Unmarshal(b, &m) // o.end always writes valid JSON
	if o.chat {
		m["message"] = map[string]any{"role": "assistant", "content": text}
	} else {
		m["response"] = text
	}
	writeJSON(w, http.StatusOK, m, nil)
}

// writeOllamaError answers Ollama's {"error": "..."} body; a 503 says what
// Ollama says when its queue is full.
func writeOllamaError(w http.ResponseWriter, status int, msg string, _ time.Duration) {
	if status == http.StatusServiceUnavailable && !strings.Contains(msg, "server busy") {
		msg = "server busy, please try again.  maximum pending requests exceeded (" + msg + ")"
	}
	writeJSON(w, status, map[string]any{"error": msg}, nil)
}

// serveOllamaTags answers GET /api/tags with the one served model.
func (s *Server) serveOllamaTags(w http.ResponseWriter) {
	size, params, quant, family := int64(0), "unknown", "F16", "llama"
	if s.engine != nil {
		m := s.engine.model
		size = int64(m.WeightBytes())
		params = fmt.Sprintf("%.1fB", m.Params/1e9)
		if m.BytesPerParam < 1 {
			quant = "Q4_0"
		}
	}
	name := s.cfg.Model
	if !strings.Contains(name, ":") {
		name += ":latest"
	}
	writeJSON(w, http.StatusOK, map[string]any{"models": []any{map[string]any{
		"name": name, "model": name, "modified_at": time.Unix(s.created, 0).UTC().Format(time.RFC3339Nano),
		"size": size, "digest": fmt.Sprintf("%064x", s.created),
		"details": map[string]any{
			"parent_model": "", "format": "gguf", "family": family, "families": []string{family},
			"parameter_size": params, "quantization_level": quant,
		},
	}}}, nil)
}
