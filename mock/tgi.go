package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// TGI native API (text-generation-inference router): /generate_stream sends
// `data:{json}` with no space after the colon, one event per token, the
// last carrying generated_text (and details when asked), and no [DONE]
// (tgi-generate_stream-20-tokens-no-details, -details-single-token).

type tgiRequest struct {
	Inputs     *string `json:"inputs"`
	Parameters struct {
		MaxNewTokens *int     `json:"max_new_tokens"`
		Details      bool     `json:"details"`
		Stop         []string `json:"stop"`
	} `json:"parameters"`
}

func parseTGI(stream bool) func(*Server, *http.Request, []byte, int64) (*call, error) {
	return func(s *Server, _ *http.Request, body []byte, _ int64) (*call, error) {
		var req tgiRequest
		if err := json.Unmarshal(body, &req); err != nil {
			return nil, fmt.Errorf("Failed to deserialize the JSON body into the target type: %v", err)
		}
		if req.Inputs == nil {
			return nil, fmt.Errorf("Input validation error: `inputs` is required")
		}
		c := &call{stream: stream}
		c.g.model = s.cfg.Model
		c.g.promptTokens = countWords(*req.Inputs)
		c.g.details = req.Parameters.Details
		if err := s.decideLength(&c.g, req.Parameters.MaxNewTokens, 0, false, nil); err != nil {
			return nil, fmt.Errorf("Input validation error: %v", err)
		}
		c.g.applyStopTGI(req.Parameters.Stop)
		c.wire = &tgiWire{g: &c.g}
		return c, nil
	}
}

// applyStopTGI ends g's output where TGI's StoppingCriteria would
// (text-generation-inference server/text_generation_server/utils/tokens.py):
// after each token, once the length cap is not reached (checked first), the
// output so far is matched against each stop sequence in order, anchored at
// its end (StopSequenceCriteria's regex is the escaped sequence and `$`).
// The first that matches ends the output with that token, sent: TGI keeps
// the stop sequence in its stream and generated_text, and generated_tokens
// counts it, so held stays 0. A sequence that ends inside a token never
// matches (issue #1039: "Par" stops, "Pari" before "Paris" does not).
func (g *generation) applyStopTGI(stop []string) {
	if len(stop) == 0 || g.outputTokens <= 0 {
		return
	}
	var text []byte
	for k := range g.outputTokens {
		text = append(text, tokenText(k)...)
		if g.capped && k == g.outputTokens-1 {
			return // the length is checked before the stop sequences
		}
		for _, s := range stop {
			if s != "" && bytes.HasSuffix(text, []byte(s)) {
				g.outputTokens, g.capped, g.stopped = k+1, false, s
				return
			}
		}
	}
}

type tgiWire struct{ g *generation }

func (t *tgiWire) header(h http.Header) {
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
}

func (t *tgiWire) start(b []byte) []byte { return b }

func (t *tgiWire) finishReason() string {
	switch {
	case t.g.capped:
		return "length"
	case t.g.stopped != "":
		return "stop_sequence"
	}
	return "eos_token"
}

func (t *tgiWire) token(b []byte, k int) []byte {
	b = append(b, `data:{"index":`...)
	b = strconv.AppendInt(b, int64(k+1), 10)
	b = append(b, `,"token":{"id":`...)
	b = strconv.AppendInt(b, int64(tokenID(k)), 10)
	b = append(b, `,"text":`...)
	b = append(b, tokenJSON(k)...)
	b = append(b, `,"logprob":-0.5,"special":false},"generated_text":`...)
	if k < t.g.outputTokens-1 {
		return append(b, `null,"details":null}`+"\n\n"...)
	}
	text, _ := json.Marshal(outputText(t.g.outputTokens))
	b = append(b, text...)
	if !t.g.details {
		return append(b, `,"details":null}`+"\n\n"...)
	}
	b = append(b, `,"details":{"finish_reason":"`...)
	b = append(b, t.finishReason()...)
	b = append(b, `","generated_tokens":`...)
	b = strconv.AppendInt(b, int64(t.g.generated()), 10)
	b = append(b, `,"seed":null,"input_length":`...)
	b = strconv.AppendInt(b, int64(t.g.promptTokens), 10)
	return append(b, "}}\n\n"...)
}

// end adds nothing: the last token event ends the stream.
func (t *tgiWire) end(b []byte) []byte { return b }

func (t *tgiWire) streamError(b []byte, _ int, msg string) []byte {
	m, _ := json.Marshal(msg)
	b = append(b, `data:{"error":`...)
	b = append(b, m...)
	return append(b, `,"error_type":"generation"}`+"\n\n"...)
}

func (t *tgiWire) malformed(b []byte) []byte { return append(b, `data:{"index":`+"\n\n"...) }

// body answers /generate: generated_text, details when asked, and TGI's
// x-prompt-tokens / x-generated-tokens headers.
func (t *tgiWire) body(w http.ResponseWriter) {
	out := map[string]any{"generated_text": outputText(t.g.outputTokens)}
	if t.g.details {
		out["details"] = map[string]any{
			"finish_reason": t.finishReason(), "generated_tokens": t.g.generated(), "seed": nil,
			"prefill": []any{}, "tokens": []any{},
		}
	}
	h := http.Header{}
	h.Set("X-Prompt-Tokens", strconv.Itoa(t.g.promptTokens))
	h.Set("X-Generated-Tokens", strconv.Itoa(t.g.generated()))
	writeJSON(w, http.StatusOK, out, h)
}

// writeTGIError answers TGI's {"error","error_type"} body; validation
// errors are 422 as in TGI (tgi-generate-422-validation-error).
func writeTGIError(w http.ResponseWriter, status int, msg string, _ time.Duration) {
	typ := "generation"
	switch status {
	case http.StatusBadRequest:
		status, typ = http.StatusUnprocessableEntity, "validation"
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		typ = "overloaded"
	}
	writeJSON(w, status, map[string]any{"error": msg, "error_type": typ}, nil)
}

// serveTGIInfo answers GET /info with TGI's Info fields.
func (s *Server) serveTGIInfo(w http.ResponseWriter) {
	maxTotal := 8192
	maxConc := 128
	if s.engine != nil {
		maxTotal = s.engine.model.MaxModelLen
		maxConc = s.engine.maxSeqs
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"model_id": s.cfg.Model, "model_sha": nil, "model_pipeline_tag": "text-generation",
		"max_concurrent_requests": maxConc, "max_best_of": 2, "max_stop_sequences": 4,
		"max_input_tokens": maxTotal - 1, "max_total_tokens": maxTotal, "validation_workers": 2,
		"max_client_batch_size": 4, "router": "text-generation-router", "version": "mock",
		"sha": nil, "docker_label": nil,
	}, nil)
}
