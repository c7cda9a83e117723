package mock

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRoutes checks which paths ServeHTTP routes where, by a GET: a
// generation endpoint counts the request and answers 405, a page answers
// 200, anything else 404. Under /tgi/ only TGI's own paths and the shared
// pages answer.
func TestRoutes(t *testing.T) {
	const gen, page, none = "generation", "page", "none"
	for path, want := range map[string]string{
		"/v1/chat/completions":                   gen,
		"/v1/completions":                        gen,
		"/openai/v1/chat/completions":            gen,
		"/generate_stream":                       gen,
		"/generate":                              gen,
		"/api/generate":                          gen,
		"/api/chat":                              gen,
		"/v1/messages":                           gen,
		"/v1/responses":                          gen,
		"/openai/responses":                      gen,
		"/azure/openai/v1/responses":             gen,
		"/api/v1/chat/completions":               gen,
		"/api/v1/completions":                    gen,
		"/api/v1/responses":                      gen,
		"/completion":                            gen,
		"/v1beta/models/g:streamGenerateContent": gen,
		"/v1beta/models/g:countTokens":           none,
		"/model/m/converse-stream":               gen,
		"/openai/deployments/d/chat/completions": gen,
		"/azure/openai/v1/chat/completions":      gen,
		"/azure/openai/v1/embeddings":            none,
		"/v1/projects/p/locations/l/publishers/google/models/g:streamGenerateContent": gen,
		"/v2/models/m/generate_stream": gen,
		"/tgi/v1/chat/completions":     gen,
		"/tgi/generate_stream":         gen,
		"/tgi/generate":                gen,
		"/tgi/v1/completions":          none,
		"/tgi/completion":              none,
		"/tgi/api/generate":            none,
		"/tgi/v1/messages":             none,
		"/tgi/model/m/converse-stream": none,
		"/v1/models":                   page,
		"/health":                      page,
		"/info":                        page,
		"/api/tags":                    page,
		"/metrics":                     page,
		"/get_server_info":             page,
		"/v2":                          page,
		"/dcgm/metrics":                page,
		"/tgi/v1/models":               page,
		"/tgi/health":                  page,
		"/tgi/info":                    page,
		"/tgi/metrics":                 page,
		"/tgi/api/tags":                none,
		"/tgi/get_server_info":         none,
		"/tgi/v2":                      none,
		"/tgi/dcgm/metrics":            none,
		"/nowhere":                     none,
	} {
		s := newServer(t, Config{GPU: "h100-sxm"})
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil))
		got := none
		switch {
		case s.Requests() == 1 && rec.Code == http.StatusMethodNotAllowed:
			got = gen
		case s.Requests() == 0 && rec.Code == http.StatusOK:
			got = page
		case s.Requests() != 0 || rec.Code != http.StatusNotFound:
			got = "unexpected"
		}
		if got != want {
			t.Errorf("GET %s: %s (%d, %d requests), want %s", path, got, rec.Code, s.Requests(), want)
		}
	}
}

// TestNoRouteSaysWhere: a generation path asked without its /v1 (a client
// whose URL is the API root, as deepinfra's is) gets a 404 that says where
// the mock serves it; any other unknown path a plain 404.
func TestNoRouteSaysWhere(t *testing.T) {
	s := newServer(t, Config{})
	for path, want := range map[string]string{
		"/chat/completions": "(the mock serves it at /v1/chat/completions: give --url http://example.com/v1)",
		"/completions":      "(the mock serves it at /v1/completions: give --url http://example.com/v1)",
		"/nothing":          "no route for POST /nothing\"",
	} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodPost, path, nil))
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("POST %s: %d %s; want 404 with %q", path, rec.Code, rec.Body, want)
		}
	}
}
