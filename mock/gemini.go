package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Gemini generateContent API. :streamGenerateContent?alt=sse sends
// `data: {json}` events separated by CRLF CRLF, JSON with `": "` spacing,
// cumulative usageMetadata on every event, finishReason on the last, no
// [DONE] (gemini-alt-sse-multi-token-chunks-thoughts-usage). Without
// alt=sse the stream is one JSON array `[{…}\n,\r\n{…}\n]` of indented
// objects; $alt=json;enum-encoding=int gives integer enums
// (gemini-streamGenerateContent-json-array-no-sse).

// geminiRoute returns the protocol for a /v1beta/models/ path, nil if the
// method is not a generation method.
func geminiRoute(path string, r *http.Request) *protocol {
	rest := strings.TrimPrefix(path, "/v1beta/models/")
	model, method, ok := strings.Cut(rest, ":")
	if !ok || model == "" {
		return nil
	}
	var form geminiForm
	switch method {
	case "streamGenerateContent":
		form = geminiArray
		if r.URL.Query().Get("alt") == "sse" {
			form = geminiSSE
		}
	case "generateContent":
		form = geminiUnary
	default:
		return nil
	}
	intEnums := strings.Contains(r.URL.Query().Get("$alt"), "enum-encoding=int")
	return &protocol{
		parse: func(s *Server, _ *http.Request, body []byte, seq int64) (*call, error) {
			return parseGemini(s, body, seq, model, form, intEnums)
		},
		writeError: writeGeminiError,
	}
}

// geminiForm is how a Gemini response is framed.
type geminiForm int

const (
	geminiSSE   geminiForm = iota // alt=sse
	geminiArray                   // streamed JSON array
	geminiUnary                   // generateContent, one object
)

type geminiRequest struct {
	Contents []struct {
		Parts []struct {
			Text string `json:"text"`
		} `json:"parts"`
	} `json:"contents"`
	SystemInstruction *struct {
		Parts []struct {
			Text string `json:"text"`
		} `json:"parts"`
	} `json:"systemInstruction"`
	GenerationConfig struct {
		MaxOutputTokens *int     `json:"maxOutputTokens"`
		StopSequences   []string `json:"stopSequences"`
	} `json:"generationConfig"`
}

func parseGemini(s *Server, body []byte, seq int64, model string, form geminiForm, intEnums bool) (*call, error) {
	var req geminiRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, fmt.Errorf("Invalid JSON payload received. %v", err)
	}
	if len(req.Contents) == 0 {
		return nil, fmt.Errorf("* GenerateContentRequest.contents: contents is not specified")
	}
	c := &call{stream: form != geminiUnary}
	c.g.model = model
	for _, ct := range req.Contents {
		for _, p := range ct.Parts {
			c.g.promptTokens += countWords(p.Text)
		}
	}
	if si := req.SystemInstruction; si != nil {
		for _, p := range si.Parts {
			c.g.promptTokens += countWords(p.Text)
		}
	}
	if err := s.decideLength(&c.g, req.GenerationConfig.MaxOutputTokens, 0, false, req.GenerationConfig.StopSequences); err != nil {
		return nil, err
	}
	c.wire = &geminiWire{g: &c.g, form: form, intEnums: intEnums, id: fmt.Sprintf("mock%016x", seq)}
	return c, nil
}

type geminiWire struct {
	g        *generation
	form     geminiForm
	intEnums bool
	id       string
}

func (gw *geminiWire) header(h http.Header) {
	if gw.form == geminiSSE {
		h.Set("Content-Type", "text/event-stream")
		h.Set("Content-Disposition", "attachment")
	} else {
		h.Set("Content-Type", "application/json; charset=UTF-8")
	}
}

func (gw *geminiWire) start(b []byte) []byte { return b }

// The response objects, with fields in the API's order.
type (
	geminiPart struct {
		Text string `json:"text"`
	}
	geminiContent struct {
		Parts []geminiPart `json:"parts"`
		Role  string       `json:"role"`
	}
	geminiCandidate struct {
		Content      geminiContent `json:"content"`
		FinishReason any           `json:"finishReason,omitempty"`
		Index        int           `json:"index"`
	}
	geminiTokenCount struct {
		Modality   any `json:"modality"`
		TokenCount int `json:"tokenCount"`
	}
	geminiUsage struct {
		PromptTokenCount     int                `json:"promptTokenCount"`
		CandidatesTokenCount int                `json:"candidatesTokenCount,omitempty"`
		TotalTokenCount      int                `json:"totalTokenCount"`
		PromptTokensDetails  []geminiTokenCount `json:"promptTokensDetails"`
	}
	geminiResponse struct {
		Candidates    []geminiCandidate `json:"candidates"`
		UsageMetadata geminiUsage       `json:"usageMetadata"`
		ModelVersion  string            `json:"modelVersion"`
		ResponseID    string            `json:"responseId"`
	}
)

// response builds the object for text carrying tokens up to done; last
// sets finishReason.
func (gw *geminiWire) response(text string, done int, last bool) geminiResponse {
	var modality any = "TEXT"
	if gw.intEnums {
		modality = 1
	}
	cand := geminiCandidate{Content: geminiContent{Parts: []geminiPart{{Text: text}}, Role: "model"}}
	if last {
		cand.FinishReason = gw.finishReason()
	}
	return geminiResponse{
		Candidates: []geminiCandidate{cand},
		UsageMetadata: geminiUsage{PromptTokenCount: gw.g.promptTokens, CandidatesTokenCount: done,
			TotalTokenCount:     gw.g.promptTokens + done,
			PromptTokensDetails: []geminiTokenCount{{Modality: modality, TokenCount: gw.g.promptTokens}}},
		ModelVersion: gw.g.model,
		ResponseID:   gw.id,
	}
}

func (gw *geminiWire) finishReason() any {
	switch {
	case gw.intEnums && gw.g.capped:
		return 2 // MAX_TOKENS
	case gw.intEnums:
		return 1 // STOP
	case gw.g.capped:
		return "MAX_TOKENS"
	}
	return "STOP"
}

// token is token k's event; the last token's carries the finish, unless a
// stop sequence held a token back: then end sends the finish when that
// token was generated.
func (gw *geminiWire) token(b []byte, k int) []byte {
	last := k == gw.g.outputTokens-1 && gw.g.held == 0
	return gw.event(b, k == 0, tokenText(k), tokenJSON(k), k+1, last)
}

// event appends one streamed response carrying text (textJSON, its JSON
// string, for the SSE form), count candidates tokens so far, finishReason
// when last; first opens the JSON-array form.
func (gw *geminiWire) event(b []byte, first bool, text, textJSON string, count int, last bool) []byte {
	if gw.form == geminiArray {
		if first {
			b = append(b, '[')
		} else {
			b = append(b, "\n,\r\n"...)
		}
		j, _ := json.MarshalIndent(gw.response(text, count, last), "", "  ")
		return append(b, j...)
	}
	p := strconv.Itoa(gw.g.promptTokens)
	b = append(b, `data: {"candidates": [{"content": {"parts": [{"text": `...)
	b = append(b, textJSON...)
	b = append(b, `}],"role": "model"},`...)
	if last {
		b = append(b, `"finishReason": "`...)
		b = append(b, gw.finishReason().(string)...)
		b = append(b, `",`...)
	}
	b = append(b, `"index": 0}],"usageMetadata": {"promptTokenCount": `...)
	b = append(b, p...)
	b = append(b, `,"candidatesTokenCount": `...)
	b = strconv.AppendInt(b, int64(count), 10)
	b = append(b, `,"totalTokenCount": `...)
	b = strconv.AppendInt(b, int64(gw.g.promptTokens+count), 10)
	b = append(b, `,"promptTokensDetails": [{"modality": "TEXT","tokenCount": `...)
	b = append(b, p...)
	b = append(b, `}]},"modelVersion": `...)
	m, _ := json.Marshal(gw.g.model)
	b = append(b, m...)
	b = append(b, `,"responseId": "`...)
	b = append(b, gw.id...)
	return append(b, "\"}\r\n\r\n"...)
}

// end closes the JSON array; the SSE form just ends. An output a stop
// sequence ended with a token held back has sent no finish yet (none at
// all when the first token was held): it gets one final event of empty
// text, finishReason and the held token counted, sent when that token was
// generated, as Gemini ends an output with an event of empty text
// (gemini-alt-sse-midstream-503-raw-json-error: `"parts": [{"text": ""}]`,
// `"finishReason": "STOP"`).
func (gw *geminiWire) end(b []byte) []byte {
	if gw.g.held > 0 || gw.g.outputTokens == 0 {
		b = gw.event(b, gw.g.outputTokens == 0, "", `""`, gw.g.generated(), true)
	}
	if gw.form == geminiArray {
		return append(b, "\n]"...)
	}
	return b
}

// streamError appends the error as raw indented JSON, not an SSE event, as
// Gemini does after a 200 (gemini-alt-sse-midstream-503-raw-json-error); in
// the array form it is the array's last element.
func (gw *geminiWire) streamError(b []byte, status int, msg string) []byte {
	j, _ := json.MarshalIndent(map[string]any{"error": map[string]any{
		"code": status, "message": msg, "status": geminiStatus.of(status)}}, "", "  ")
	if gw.form == geminiArray {
		b = append(b, "\n,\r\n"...)
		b = append(b, j...)
		return append(b, "\n]"...)
	}
	b = append(b, j...)
	return append(b, '\n')
}

func (gw *geminiWire) malformed(b []byte) []byte {
	if gw.form == geminiArray {
		return append(b, "\n,\r\n{\n  \"candidates\": ["...)
	}
	return append(b, "data: {\"candidates\": [{\"content\": {\r\n\r\n"...)
}

func (gw *geminiWire) body(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, gw.response(outputText(gw.g.outputTokens), gw.g.generated(), true), nil)
}

// geminiStatus is the google.rpc status name of an HTTP status.
var geminiStatus = statusNames{other: "INTERNAL", byStatus: map[int]string{
	http.StatusBadRequest:         "INVALID_ARGUMENT",
	http.StatusNotFound:           "NOT_FOUND",
	http.StatusTooManyRequests:    "RESOURCE_EXHAUSTED",
	http.StatusServiceUnavailable: "UNAVAILABLE",
}}

// writeGeminiError answers {"error":{code,message,status[,details]}}; a 429
// carries its wait in a RetryInfo detail as Gemini does
// (gemini-error-429-resource-exhausted-retryinfo).
func writeGeminiError(w http.ResponseWriter, status int, msg string, retryAfter time.Duration) {
	e := map[string]any{"code": status, "message": msg, "status": geminiStatus.of(status)}
	if status == http.StatusTooManyRequests && retryAfter > 0 {
		e["details"] = []any{map[string]any{
			"@type":      "type.googleapis.com/google.rpc.RetryInfo",
			"retryDelay": retrySeconds(retryAfter) + "s",
		}}
	}
	writeJSON(w, status, map[string]any{"error": e}, nil)
}
