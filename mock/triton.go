package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Triton Inference Server's generate extension as TensorRT-LLM's backend
// serves it: POST /v2/models/{model}[/versions/{v}]/generate_stream with
// {"text_input", "max_tokens", "stream": true, …}; the answer is one
// `data: {…, "text_output": "…"}` event per token with no terminator, the
// connection closing at the end; an error after the first response is
// `data: {"error": "…"}`, one before it a JSON {"error"} with its status
// (Triton docs/protocol/extension_generate.md; the TensorRT-LLM backend's
// README example responses). GET /v2 is the server metadata.

// tritonRoute returns the protocol for a /v2/models/… path, nil for others.
func tritonRoute(_ string, r *http.Request) *protocol {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/v2/models/")
	if !ok {
		return nil
	}
	rest, ok = strings.CutSuffix(rest, "/generate_stream")
	if !ok {
		return nil
	}
	name, _, _ := strings.Cut(rest, "/versions/")
	model, err := url.PathUnescape(name)
	if err != nil || model == "" {
		return nil
	}
	return &protocol{
		parse: func(s *Server, _ *http.Request, body []byte, seq int64) (*call, error) {
			var req struct {
				TextInput *string `json:"text_input"`
				MaxTokens *int    `json:"max_tokens"`
				// StopWords is the ensemble's stop_words: a list of
				// strings, or "" for none.
				StopWords json.RawMessage `json:"stop_words"`
			}
			if err := json.Unmarshal(body, &req); err != nil {
				return nil, fmt.Errorf("failed to parse the request JSON buffer: %v", err)
			}
			if req.TextInput == nil {
				return nil, fmt.Errorf("expected 'text_input' in the request")
			}
			c := &call{stream: true}
			c.g.model = model
			c.g.promptTokens = countWords(*req.TextInput)
			var stop []string
			if w := bytes.TrimSpace(req.StopWords); len(w) > 0 && w[0] == '[' {
				if err := json.Unmarshal(w, &stop); err != nil {
					return nil, fmt.Errorf("stop_words: %v", err)
				}
			}
			if err := s.decideLength(&c.g, req.MaxTokens, 0, false, stop); err != nil {
				return nil, err
			}
			c.wire = &tritonWire{model: model}
			return c, nil
		},
		writeError: writeTritonError,
	}
}

type tritonWire struct{ model string }

func (tw *tritonWire) header(h http.Header) {
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
}

func (tw *tritonWire) start(b []byte) []byte { return b }

func (tw *tritonWire) token(b []byte, k int) []byte {
	return append(b, `data: {"context_logits":0.0,"cum_log_probs":0.0,"generation_logits":0.0,"model_name":`+jsonString(tw.model)+
		`,"model_version":"1","output_log_probs":[0.0],"sequence_end":false,"sequence_id":0,"sequence_start":false,"text_output":`+tokenJSON(k)+"}\n\n"...)
}

// end is nothing: the stream ends when the connection's response does.
func (tw *tritonWire) end(b []byte) []byte { return b }

func (tw *tritonWire) streamError(b []byte, _ int, msg string) []byte {
	return append(b, `data: {"error":`+jsonString(msg)+"}\n\n"...)
}

func (tw *tritonWire) malformed(b []byte) []byte {
	return append(b, `data: {"model_name":"`+"\n\n"...)
}

func (tw *tritonWire) body(w http.ResponseWriter) {
	writeTritonError(w, http.StatusBadRequest, "mock: generate_stream streams", 0)
}

func writeTritonError(w http.ResponseWriter, status int, msg string, _ time.Duration) {
	writeJSON(w, status, map[string]string{"error": msg}, nil)
}

// serveTritonMetadata answers GET /v2 with the server metadata.
func (s *Server) serveTritonMetadata(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, map[string]any{"name": "triton", "version": "mock", "extensions": []string{"generate"}}, nil)
}
