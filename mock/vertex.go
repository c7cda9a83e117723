package mock

import (
	"net/http"
	"strings"
	"time"
)

// Gemini on Vertex AI: POST
// /v1/projects/{project}/locations/{location}/publishers/google/models/{model}:streamGenerateContent
// (alt=sse or a JSON array) and :generateContent. Bodies and streams are
// the Gemini API's (gemini.go); errors are the same objects wrapped in a
// JSON array, as Vertex AI sends them (google-gemini/gemini-cli#14831).

// vertexRoute returns the protocol for a Vertex AI path, nil for others.
func vertexRoute(path string, r *http.Request) *protocol {
	_, rest, ok := strings.Cut(path, "/publishers/google/models/")
	if !ok || !strings.HasPrefix(path, "/v1/projects/") || !strings.Contains(path, "/locations/") {
		return nil
	}
	p := geminiRoute("/v1beta/models/"+rest, r)
	if p != nil {
		p.writeError = writeVertexError
	}
	return p
}

// writeVertexError is writeGeminiError's object in a one-element array.
func writeVertexError(w http.ResponseWriter, status int, msg string, _ time.Duration) {
	e := map[string]any{"code": status, "message": msg, "status": geminiStatus.of(status)}
	writeJSON(w, status, []any{map[string]any{"error": e}}, http.Header{"Content-Type": {"application/json; charset=UTF-8"}})
}
