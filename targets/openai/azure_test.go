package openai_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/targettest"
)

var splits = []struct {
	name  string
	split targettest.Split
}{
	{"by-event", targettest.ByEvent}, {"mid-line", targettest.MidLine}, {"7-bytes", targettest.Every(7)}, {"whole", targettest.Whole},
}

// TestAzureFixtures replays Microsoft's documented Azure streams four ways:
// the prompt annotation ("choices": []) and the content-filter annotation
// chunks carry no token. Indexes count the data events delivered, from 0.
func TestAzureFixtures(t *testing.T) {
	cases := []struct {
		name         string
		tokens       int
		firstIndex   int
		firstText    string
		annotations  []int // indexes of annotation chunks: no token
		finish       string
		contentWords string
	}{
		// [0] prompt_annotations, choices []; [1] role; [2..4] "Color" " is"
		// " a"; [5] annotation (offsets 44..198); [6] finish stop; [7]
		// annotation (offsets 44..571); [DONE].
		{name: "azure-chat-stream-async-filter-docs", tokens: 3, firstIndex: 2, firstText: "Color",
			annotations: []int{0, 5, 7}, finish: "stop", contentWords: "Color is a"},
		// [0] prompt_filter_results, choices []; [1] role; [2..5] "Hey" "
		// Jude" "," " better"; [6] annotation; [7] annotation with
		// finish_reason content_filter; [DONE].
		{name: "azure-chat-stream-async-filter-blocked-docs", tokens: 4, firstIndex: 2, firstText: "Hey",
			annotations: []int{0, 6, 7}, finish: "content_filter", contentWords: "Hey Jude, better"},
	}
	for _, tc := range cases {
		for _, sp := range splits {
			t.Run(tc.name+"/"+sp.name, func(t *testing.T) {
				srv := targettest.ReplayOnce(t, 200, http.Header{"Content-Type": {"text/event-stream"}}, string(targettest.Testdata(t, tc.name)), sp.split)
				r := targettest.Stream(t, openai.New, openai.Config{Conn: targets.Conn{BaseURL: srv.URL, APIKey: "k"}, Flavor: openai.FlavorAzure},
					targets.Request{Model: "gpt-35-turbo", Prompt: "What is color?"})
				if r.Err != nil {
					t.Fatal(r.Err)
				}
				if got := r.TokenChunks(); got != tc.tokens {
					t.Errorf("token chunks %d, want %d", got, tc.tokens)
				}
				if i, text := r.FirstToken(); i != tc.firstIndex || text != tc.firstText {
					t.Errorf("first token #%d %q, want #%d %q", i, text, tc.firstIndex, tc.firstText)
				}
				for _, i := range tc.annotations {
					if r.Chunks[i].HasToken() {
						t.Errorf("annotation chunk %d counted as a token: %+v", i, r.Chunks[i])
					}
				}
				var text strings.Builder
				for _, c := range r.Chunks {
					text.WriteString(c.Content)
				}
				if text.String() != tc.contentWords || r.Final.FinishReason != tc.finish {
					t.Errorf("content %q finish %q, want %q %q", text.String(), r.Final.FinishReason, tc.contentWords, tc.finish)
				}
			})
		}
	}
}

// TestAzureURLs: the URL, api-version and credential header of each shape.
func TestAzureURLs(t *testing.T) {
	body := "data: {\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
	resp := "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"x\"}\n\nevent: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n"
	cases := []struct {
		base    string
		api     openai.API
		version string
		bearer  bool
		path    string
		query   string
	}{
		{base: "", api: openai.Chat, path: "/openai/deployments/my-gpt4o/chat/completions", query: "api-version=2024-10-21"},
		{base: "/?api-version=2025-01-01-preview", api: openai.Chat, path: "/openai/deployments/my-gpt4o/chat/completions", query: "api-version=2025-01-01-preview"},
		{base: "", api: openai.Chat, version: "2024-06-01", bearer: true, path: "/openai/deployments/my-gpt4o/chat/completions", query: "api-version=2024-06-01"},
		{base: "", api: openai.Completions, path: "/openai/deployments/my-gpt4o/completions", query: "api-version=2024-10-21"},
		{base: "", api: openai.Responses, path: "/openai/responses", query: "api-version=2025-04-01-preview"},
		{base: "/openai/v1", api: openai.Chat, path: "/openai/v1/chat/completions"},
		{base: "/openai/v1/?api-version=preview", api: openai.Chat, path: "/openai/v1/chat/completions", query: "api-version=preview"},
		{base: "/openai/v1", api: openai.Responses, bearer: true, path: "/openai/v1/responses"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s%s/%s", tc.base, tc.version, tc.api), func(t *testing.T) {
			b := body
			if tc.api == openai.Responses {
				b = resp
			}
			var got *http.Request
			var gotBody map[string]any
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r.Clone(r.Context())
				json.NewDecoder(r.Body).Decode(&gotBody)
				w.Header().Set("Content-Type", "text/event-stream")
				fmt.Fprint(w, b)
			}))
			t.Cleanup(srv.Close)
			cfg := openai.Config{Conn: targets.Conn{BaseURL: srv.URL + tc.base, APIKey: "azkey"}, Flavor: openai.FlavorAzure, API: tc.api, APIVersion: tc.version}
			if tc.bearer {
				cfg.APIKey, cfg.BearerToken = "", "eyJ0.entra.token"
			}
			r := targettest.Stream(t, openai.New, cfg, targets.Request{Model: "my-gpt4o", Prompt: "p", MaxTokens: 9})
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			if got.URL.Path != tc.path || got.URL.RawQuery != tc.query {
				t.Errorf("posted to %s?%s, want %s?%s", got.URL.Path, got.URL.RawQuery, tc.path, tc.query)
			}
			tg, _ := openai.New(cfg)
			if u := tg.URL("my-gpt4o"); u != srv.URL+got.URL.RequestURI() {
				t.Errorf("URL(model) = %s; it posted to %s", u, got.URL.RequestURI())
			}
			wantKey, wantAuth := "azkey", ""
			if tc.bearer {
				wantKey, wantAuth = "", "Bearer eyJ0.entra.token"
			}
			if got.Header.Get("Api-Key") != wantKey || got.Header.Get("Authorization") != wantAuth {
				t.Errorf("api-key %q authorization %q", got.Header.Get("Api-Key"), got.Header.Get("Authorization"))
			}
			if tc.api == openai.Chat && (gotBody["max_completion_tokens"] != 9.0 || gotBody["stream_options"] == nil || gotBody["model"] != "my-gpt4o") {
				t.Errorf("chat body %v", gotBody)
			}
		})
	}
	if _, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: "https://r.openai.azure.com/v2/other"}, Flavor: openai.FlavorAzure}); err == nil {
		t.Error("accepted a base URL of neither shape")
	}
	tg, _ := openai.New(openai.Config{Conn: targets.Conn{BaseURL: "https://r.openai.azure.com", APIKey: "k"}, Flavor: openai.FlavorAzure})
	if _, err := tg.Stream(t.Context(), targets.Request{Prompt: "p"}, func(targets.Chunk) {}); err == nil || !strings.Contains(err.Error(), "deployment") {
		t.Errorf("no model: %v", err)
	}
}

// TestAzureErrors: Azure's error bodies (a string code, a content-filter
// 400 with innererror) and the credentials they echo.
func TestAzureErrors(t *testing.T) {
	cases := []struct {
		status int
		body   string
		class  rundir.ErrorClass
		code   string
	}{
		{429, `{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Retry after 8 seconds."}}`, rundir.RateLimited, "429"},
		{400, `{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":true,"severity":"high"}}}}}`, rundir.HTTP4xx, "content_filter"},
		{401, `{"error":{"code":"401","message":"Access denied due to invalid subscription key SECRETAZUREKEY or wrong API endpoint."}}`, rundir.HTTP4xx, "401"},
	}
	for _, tc := range cases {
		srv := targettest.ReplayOnce(t, tc.status, http.Header{"Content-Type": {"application/json"}, "Retry-After": {"8"}}, tc.body, nil)
		r := targettest.Stream(t, openai.New, openai.Config{Conn: targets.Conn{BaseURL: srv.URL, APIKey: "SECRETAZUREKEY"}, Flavor: openai.FlavorAzure}, targets.Request{Model: "d", Prompt: "p"})
		if got := loadgen.Classify(r.Err); got != tc.class {
			t.Errorf("%d: class %q, want %q (%v)", tc.status, got, tc.class, r.Err)
		}
		var he *targets.HTTPError
		if !errors.As(r.Err, &he) || he.Code != tc.code {
			t.Errorf("%d: err %#v, want code %q", tc.status, r.Err, tc.code)
		}
		if strings.Contains(fmt.Sprintf("%v %+v", r.Err, he), "SECRETAZUREKEY") {
			t.Errorf("the key leaked: %v", r.Err)
		}
	}
}
