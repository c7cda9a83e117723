package mock

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Replicate's predictions API. A prediction is created with POST
// /v1/models/{owner}/{name}/predictions, /v1/predictions (with "version")
// or /v1/deployments/{owner}/{name}/predictions, and answered 201 with the
// prediction, whose urls.stream is its event stream (here GET
// /v1/files/{id}, on this server). The stream sends `event: output` with
// the token as plain text, one per token, then `event: done` with {}; an
// error is `event: error` {"detail"} then done {"reason":"error"}
// (Replicate docs "Streaming output"). GET /v1/predictions/{id} returns the
// prediction with the metrics official language models report
// (input_token_count, output_token_count, time_to_first_token,
// predict_time). Errors are RFC 7807 problems {"title","detail","status"}.
//
// The mock keeps no state: the prediction id carries what the stream and
// the metrics need (prompt and output lengths, the token a stop sequence
// held back, whether capped), and the stream URL carries the fault drawn
// at creation, so the fault acts once, on the stream, where a mid-stream
// fault belongs.

// replicatePrediction is what a mock prediction id encodes: output is the
// tokens sent, held those generated but not sent (the one a stop sequence
// starts in, generation.held).
type replicatePrediction struct {
	seq                  int64
	prompt, output, held int
	capped               bool
}

func (p replicatePrediction) id() string {
	c := 0
	if p.capped {
		c = 1
	}
	return fmt.Sprintf("mk%dp%do%dh%dc%d", p.seq, p.prompt, p.output, p.held, c)
}

func parseReplicateID(id string) (replicatePrediction, bool) {
	var p replicatePrediction
	var c int
	n, err := fmt.Sscanf(id, "mk%dp%do%dh%dc%d", &p.seq, &p.prompt, &p.output, &p.held, &c)
	if err != nil || n != 5 || p.prompt < 0 || p.output < 0 || p.held < 0 || p.held > 1 || (c != 0 && c != 1) {
		return p, false
	}
	p.capped = c == 1
	return p, p.id() == id
}

// serveReplicate answers Replicate's routes; it reports whether path was one.
func (s *Server) serveReplicate(w http.ResponseWriter, r *http.Request, path string, received time.Time) bool {
	switch {
	case path == "/v1/predictions",
		strings.HasPrefix(path, "/v1/models/") && strings.HasSuffix(path, "/predictions"),
		strings.HasPrefix(path, "/v1/deployments/") && strings.HasSuffix(path, "/predictions"):
		s.replicateCreate(w, r, path, received)
	case strings.HasPrefix(path, "/v1/predictions/"):
		if allowMethod(w, r, http.MethodGet) {
			s.replicateGet(w, strings.TrimPrefix(path, "/v1/predictions/"))
		}
	case strings.HasPrefix(path, "/v1/files/"):
		if allowMethod(w, r, http.MethodGet) {
			s.replicateStream(w, r, strings.TrimPrefix(path, "/v1/files/"), received)
		}
	default:
		return false
	}
	return true
}

// replicateCreateRequest is the create body; Meta's official models take
// max_tokens and min_tokens, older ones max_new_tokens.
type replicateCreateRequest struct {
	Version string `json:"version"`
	Input   struct {
		Prompt       *string `json:"prompt"`
		MaxTokens    *int    `json:"max_tokens"`
		MaxNewTokens *int    `json:"max_new_tokens"`
		MinTokens    int     `json:"min_tokens"`
		// StopSequences is Meta's models' comma-separated stop list.
		StopSequences string `json:"stop_sequences"`
	} `json:"input"`
	Stream bool `json:"stream"`
}

func (s *Server) replicateCreate(w http.ResponseWriter, r *http.Request, path string, received time.Time) {
	seq := s.requests.Add(1)
	if !allowMethod(w, r, http.MethodPost) {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		writeReplicateError(w, http.StatusBadRequest, fmt.Sprintf("reading body: %v", err), 0)
		return
	}
	var req replicateCreateRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeReplicateError(w, http.StatusBadRequest, fmt.Sprintf("The request body is not valid JSON: %v", err), 0)
		return
	}
	model := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(path, "/v1/models/"), "/v1/deployments/"), "/predictions")
	if path == "/v1/predictions" {
		if req.Version == "" {
			writeReplicateError(w, http.StatusUnprocessableEntity, "- version: Does not match format 'uuid' or a model version", 0)
			return
		}
		model = req.Version
	}
	if req.Input.Prompt == nil {
		writeReplicateError(w, http.StatusUnprocessableEntity, "- input: prompt is required", 0)
		return
	}
	maxTokens := req.Input.MaxTokens
	if maxTokens == nil {
		maxTokens = req.Input.MaxNewTokens
	}
	var g generation
	var stop []string
	if req.Input.StopSequences != "" {
		stop = strings.Split(req.Input.StopSequences, ",")
	}
	if err := s.decideLength(&g, maxTokens, req.Input.MinTokens, false, stop); err != nil {
		writeReplicateError(w, http.StatusUnprocessableEntity, err.Error(), 0)
		return
	}
	f, ok := s.preResponseFault(w, r, writeReplicateError,
		"Request was throttled. (injected fault)", "mock: service unavailable (injected fault)")
	if !ok {
		return
	}
	p := replicatePrediction{seq: seq, prompt: countWords(*req.Input.Prompt), output: g.outputTokens, held: g.held, capped: g.capped}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	base := scheme + "://" + r.Host
	fault := "none"
	if f.midStream() {
		fault = fmt.Sprintf("%s; after=%d; for=%s", f.kind, f.after, f.duration)
	}
	stream := base + "/v1/files/" + p.id() + "?" + url.Values{"fault": {fault}}.Encode()
	h := http.Header{}
	h.Set("Location", base+"/v1/predictions/"+p.id())
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": p.id(), "model": model, "version": "mock", "input": map[string]any{"prompt": *req.Input.Prompt},
		"logs": "", "output": nil, "data_removed": false, "error": nil, "status": "starting",
		"created_at": received.UTC().Format(time.RFC3339Nano),
		"urls": map[string]string{
			"cancel": base + "/v1/predictions/" + p.id() + "/cancel",
			"get":    base + "/v1/predictions/" + p.id(),
			"stream": stream,
			"web":    "https://replicate.com/p/" + p.id(),
		},
	}, h)
}

// replicateStream serves a prediction's event stream through the common
// generation path, with the fault drawn when the prediction was created.
func (s *Server) replicateStream(w http.ResponseWriter, r *http.Request, id string, received time.Time) {
	p, ok := parseReplicateID(id)
	if !ok {
		writeReplicateError(w, http.StatusNotFound, "Not found.", 0)
		return
	}
	fault := r.URL.Query().Get("fault")
	if fault == "" {
		fault = "none"
	}
	r2 := r.Clone(r.Context())
	r2.Header.Set(FaultHeader, fault)
	s.serveGeneration(w, r2, received, p.seq, &protocol{
		parse: func(*Server, *http.Request, []byte, int64) (*call, error) {
			c := &call{stream: true, g: generation{promptTokens: p.prompt, outputTokens: p.output, held: p.held, capped: p.capped}}
			c.wire = replicateWire{}
			return c, nil
		},
		writeError: writeReplicateError,
	})
}

// replicateGet answers GET /v1/predictions/{id}: the finished prediction
// and its metrics. The times are the fixed-timing mode's own; the engine's
// are not kept, so they are left out.
func (s *Server) replicateGet(w http.ResponseWriter, id string) {
	p, ok := parseReplicateID(id)
	if !ok {
		writeReplicateError(w, http.StatusNotFound, "Not found.", 0)
		return
	}
	out := make([]string, p.output)
	for k := range out {
		out[k] = tokenText(k)
	}
	// output_token_count counts the held token too: Replicate's official
	// language models run vLLM through cog-vllm, which emits
	// len(outputs[0].token_ids) (replicate/cog-vllm predict.py), and vLLM
	// keeps the token a stop sequence starts in among them.
	generated := p.output + p.held
	metrics := map[string]any{"input_token_count": p.prompt, "output_token_count": generated}
	if s.engine == nil && generated > 0 {
		ttft := s.cfg.TTFT.Seconds()
		predict := ttft + float64(generated-1)*s.cfg.ITL.Seconds()
		metrics["time_to_first_token"] = ttft
		metrics["predict_time"] = predict
		if predict > ttft {
			metrics["tokens_per_second"] = float64(generated-1) / (predict - ttft)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "status": "succeeded", "output": out, "error": nil, "metrics": metrics}, nil)
}

// replicateWire renders a prediction's event stream.
type replicateWire struct{}

func (replicateWire) header(h http.Header) {
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
}

func (replicateWire) start(b []byte) []byte { return b }

func (replicateWire) token(b []byte, k int) []byte {
	b = append(b, "event: output\nid: "...)
	b = strconv.AppendInt(b, int64(k), 10)
	b = append(b, "\ndata: "...)
	b = append(b, tokenText(k)...)
	return append(b, "\n\n"...)
}

func (replicateWire) end(b []byte) []byte { return append(b, "event: done\ndata: {}\n\n"...) }

func (replicateWire) streamError(b []byte, _ int, msg string) []byte {
	b = append(b, "event: error\ndata: {\"detail\":"+jsonString(msg)+"}\n\n"...)
	return append(b, "event: done\ndata: {\"reason\":\"error\"}\n\n"...)
}

// malformed is a done event whose JSON is cut short.
func (replicateWire) malformed(b []byte) []byte {
	return append(b, "event: done\ndata: {\"reason\":\n\n"...)
}

func (replicateWire) body(w http.ResponseWriter) {
	writeReplicateError(w, http.StatusBadRequest, "mock: the stream URL streams", 0)
}

// writeReplicateError answers an RFC 7807 problem, as Replicate's API does.
func writeReplicateError(w http.ResponseWriter, status int, msg string, _ time.Duration) {
	writeJSON(w, status, map[string]any{"title": http.StatusText(status), "detail": msg, "status": status},
		http.Header{"Content-Type": {"application/problem+json"}})
}
