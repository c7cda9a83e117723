package mock

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// cloudPost sends body to path on the mock and returns the answer.
func cloudPost(t *testing.T, srv *httptest.Server, path, body string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+path, strings.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func cloudGet(t *testing.T, srv *httptest.Server, url string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func newCloudMock(t *testing.T) *httptest.Server {
	t.Helper()
	s, err := New(Config{OutputTokens: 3})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

// TestAzureRoute: the prompt annotation first, a filter result on every
// content chunk, an annotation chunk without delta, and the api-version
// a deployment URL requires.
func TestAzureRoute(t *testing.T) {
	srv := newCloudMock(t)
	chat := `{"messages":[{"role":"user","content":"a b"}],"stream":true,"stream_options":{"include_usage":true}}`
	resp, _ := cloudPost(t, srv, "/openai/deployments/d/chat/completions", chat, nil)
	if resp.StatusCode != 400 {
		t.Errorf("no api-version: status %d", resp.StatusCode)
	}
	_, body := cloudPost(t, srv, "/openai/deployments/d/chat/completions?api-version=2024-10-21", chat, nil)
	evs := sseEvents(body)
	if !strings.Contains(evs[0].data, `"prompt_filter_results"`) || !strings.Contains(evs[0].data, `"choices":[]`) {
		t.Errorf("first event %s", evs[0].data)
	}
	content, annotations := 0, 0
	for _, e := range evs {
		switch {
		case strings.Contains(e.data, `"content":" `):
			content++
			if !strings.Contains(e.data, `"content_filter_results"`) || !strings.Contains(e.data, `"model":"d"`) {
				t.Errorf("content chunk %s", e.data)
			}
		case strings.Contains(e.data, `"content_filter_offsets"`):
			annotations++
			if strings.Contains(e.data, `"delta"`) {
				t.Errorf("annotation with a delta: %s", e.data)
			}
		}
	}
	if content != 3 || annotations != 1 || evs[len(evs)-1].data != "[DONE]" {
		t.Errorf("%d content chunks, %d annotations, last %q", content, annotations, evs[len(evs)-1].data)
	}
	resp, body = cloudPost(t, srv, "/openai/deployments/d/chat/completions?api-version=x", chat, http.Header{FaultHeader: {"429"}})
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, `"code":"429"`) {
		t.Errorf("429: %d %s", resp.StatusCode, body)
	}
}

// TestResponsesRoute: typed events ending in response.completed with
// usage, or response.incomplete when the cap cut the output.
func TestResponsesRoute(t *testing.T) {
	srv := newCloudMock(t)
	for _, tc := range []struct {
		body, last, reason string
	}{
		{`{"model":"m","input":"a b c","stream":true}`, "response.completed", ""},
		{`{"model":"m","input":[{"role":"user","content":"a b c"}],"stream":true,"max_output_tokens":2}`, "response.incomplete", `"reason":"max_output_tokens"`},
	} {
		_, body := cloudPost(t, srv, "/v1/responses", tc.body, nil)
		evs := sseEvents(body)
		deltas := 0
		for i, e := range evs {
			var v struct {
				Type string `json:"type"`
				Seq  int    `json:"sequence_number"`
			}
			if err := json.Unmarshal([]byte(e.data), &v); err != nil || v.Type != e.event || v.Seq != i {
				t.Errorf("event %d: %s %s (%v)", i, e.event, e.data, err)
			}
			if e.event == "response.output_text.delta" {
				deltas++
			}
		}
		last := evs[len(evs)-1]
		if last.event != tc.last || !strings.Contains(last.data, `"input_tokens":3`) || !strings.Contains(last.data, tc.reason) {
			t.Errorf("last event %s %s", last.event, last.data)
		}
		if deltas == 0 || deltas > 3 {
			t.Errorf("%d deltas", deltas)
		}
	}
}

// TestReplicateRoute: create answers 201 with urls.stream; the stream
// carries the fault drawn at creation; the prediction's metrics count the
// tokens.
func TestReplicateRoute(t *testing.T) {
	srv := newCloudMock(t)
	resp, body := cloudPost(t, srv, "/v1/models/meta/meta-llama-3-8b-instruct/predictions", `{"input":{"prompt":"a b c d","max_tokens":10},"stream":true}`,
		http.Header{FaultHeader: {"error-event; after=1"}})
	var p struct {
		ID   string            `json:"id"`
		URLs map[string]string `json:"urls"`
	}
	if resp.StatusCode != 201 || json.Unmarshal([]byte(body), &p) != nil || p.URLs["stream"] == "" {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	_, stream := cloudGet(t, srv, p.URLs["stream"])
	evs := sseEvents(stream)
	if len(evs) != 3 || evs[0].event != "output" || evs[1].event != "error" || evs[2].event != "done" || evs[2].data != `{"reason":"error"}` {
		t.Errorf("stream %q", stream)
	}
	_, pred := cloudGet(t, srv, p.URLs["get"])
	if !strings.Contains(pred, `"input_token_count":4`) || !strings.Contains(pred, `"output_token_count":3`) || !strings.Contains(pred, `"status":"succeeded"`) {
		t.Errorf("prediction %s", pred)
	}
	if n := srv.Config.Handler.(*Server).Requests(); n != 1 {
		t.Errorf("Requests() = %d: create counts, the stream does not", n)
	}
	resp, body = cloudPost(t, srv, "/v1/predictions", `{"input":{"prompt":"x"}}`, nil)
	if resp.StatusCode != 422 || !strings.Contains(resp.Header.Get("Content-Type"), "problem+json") {
		t.Errorf("no version: %d %s", resp.StatusCode, body)
	}
	if resp, _ := cloudGet(t, srv, srv.URL+"/v1/files/mk1p2o3c7"); resp.StatusCode != 404 {
		t.Errorf("bad id: %d", resp.StatusCode)
	}
}

// TestSmallRoutes: Triton, SGLang, Vertex and OpenRouter details.
func TestSmallRoutes(t *testing.T) {
	srv := newCloudMock(t)
	resp, body := cloudPost(t, srv, "/v2/models/ensemble/generate_stream", `{"text_input":"a b","max_tokens":3,"stream":true}`, nil)
	evs := sseEvents(body)
	if resp.StatusCode != 200 || len(evs) != 3 || !strings.Contains(evs[0].data, `"model_name":"ensemble"`) || !strings.Contains(evs[2].data, `"text_output":" dolor"`) {
		t.Errorf("triton: %d %q", resp.StatusCode, body)
	}
	if _, meta := cloudGet(t, srv, srv.URL+"/v2"); !strings.Contains(meta, `"name":"triton"`) {
		t.Errorf("triton metadata %s", meta)
	}
	if _, info := cloudGet(t, srv, srv.URL+"/get_server_info"); !strings.Contains(info, `"version":"mock"`) {
		t.Errorf("sglang info %s", info)
	}
	resp, body = cloudPost(t, srv, "/v1/projects/p/locations/l/publishers/google/models/g:streamGenerateContent?alt=sse",
		`{"contents":[{"parts":[{"text":"a"}]}]}`, http.Header{FaultHeader: {"429"}})
	if resp.StatusCode != 429 || !strings.HasPrefix(body, `[{"error":`) || !strings.Contains(body, "RESOURCE_EXHAUSTED") {
		t.Errorf("vertex 429: %d %s", resp.StatusCode, body)
	}
	_, body = cloudPost(t, srv, "/api/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"a"}],"stream":true}`, nil)
	evs = sseEvents(body)
	if !strings.HasPrefix(body, ": OPENROUTER PROCESSING\n\n") || !strings.Contains(evs[len(evs)-2].data, `"finish_reason":"stop"`) ||
		!strings.Contains(evs[len(evs)-2].data, `"completion_tokens":3`) {
		t.Errorf("openrouter: %q", body)
	}
	// OpenRouter's completions and Responses: the same comment line first;
	// completions' usage on the finish chunk, which keeps its choice.
	_, body = cloudPost(t, srv, "/api/v1/completions", `{"model":"m","prompt":"a","stream":true,"stream_options":{"include_usage":true}}`, nil)
	evs = sseEvents(body)
	if !strings.HasPrefix(body, ": OPENROUTER PROCESSING\n\n") || len(evs) != 3+2 || evs[len(evs)-1].data != "[DONE]" ||
		!strings.Contains(evs[len(evs)-2].data, `"text":"","finish_reason":"stop"`) || !strings.Contains(evs[len(evs)-2].data, `"completion_tokens":3`) {
		t.Errorf("openrouter completions: %q", body)
	}
	_, body = cloudPost(t, srv, "/api/v1/responses", `{"model":"m","input":"a b","stream":true}`, nil)
	evs = sseEvents(body)
	if !strings.HasPrefix(body, ": OPENROUTER PROCESSING\n\n") || len(evs) == 0 || evs[len(evs)-1].event != "response.completed" ||
		!strings.Contains(evs[len(evs)-1].data, `"input_tokens":2`) || !strings.Contains(evs[len(evs)-1].data, `"output_tokens":3`) {
		t.Errorf("openrouter responses: %q", body)
	}
	for _, path := range []string{"/api/v1/completions", "/api/v1/responses"} {
		resp, body = cloudPost(t, srv, path, `{"model":"m","prompt":"a","input":"a","stream":true}`, http.Header{FaultHeader: {"429"}})
		if resp.StatusCode != 429 || !strings.Contains(body, `"code":429`) || !strings.Contains(body, `"metadata"`) {
			t.Errorf("openrouter %s 429: %d %s", path, resp.StatusCode, body)
		}
	}
	resp, _ = cloudPost(t, srv, "/model/us.amazon.nova-micro-v1%3A0/converse-stream", `{"messages":[{"role":"user","content":[{"text":"a"}]}]}`, http.Header{FaultHeader: {"429"}})
	if resp.StatusCode != 429 || !strings.HasPrefix(resp.Header.Get("X-Amzn-Errortype"), "ThrottlingException:") {
		t.Errorf("bedrock 429: %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = cloudPost(t, srv, "/model/cohere.command-r-v1%3A0/invoke-with-response-stream", `{}`, nil)
	if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-Errortype") == "" {
		t.Errorf("bedrock native, unknown family: %d", resp.StatusCode)
	}
}
