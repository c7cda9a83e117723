package gemini_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/gemini"
	"github.com/inferbench/inferbench/targets/targettest"
)

// result is what one stream gave (targettest.Result).
type result = targettest.Result

func stream(t *testing.T, cfg gemini.Config, req targets.Request) result {
	return targettest.Stream(t, gemini.New, cfg, req)
}

var sseHeader = http.Header{"Content-Type": {"text/event-stream"}}

func replay(t *testing.T, status int, header http.Header, body string, split targettest.Split) (result, *targettest.Server) {
	t.Helper()
	srv := targettest.ReplayOnce(t, status, header, body, split)
	return stream(t, gemini.Config{Conn: targets.Conn{BaseURL: srv.URL, APIKey: "AIza-test"}}, targets.Request{Model: "gemini-2.5-flash", Prompt: "hello", MaxTokens: 100}), srv
}

// TestFixtures replays each Gemini transcript. Chunk indexes count the
// responses the adapter delivers, from 0; expected values were counted by
// reading each testdata file (how, beside each case).
func TestFixtures(t *testing.T) {
	js := http.Header{"Content-Type": {"application/json; charset=UTF-8"}}
	cases := []struct {
		name   string
		status int
		header http.Header
		// want
		tokens      int // server usage (also on error: the last one seen), else counted
		tokenChunks int
		firstIndex  int
		firstText   string
		finish      string
		usage       *targets.Usage
		class       rundir.ErrorClass
		code        string
		retryAfter  time.Duration
	}{
		// [0] "Okay", usage without candidatesTokenCount (gemini-2.0
		// reports the count one event late): a token event, count
		// unknown; [1] text "" finishReason STOP candidatesTokenCount 1:
		// no text, not a token; then the raw JSON 503 error block.
		{name: "gemini-alt-sse-midstream-503-raw-json-error", status: 200, header: sseHeader,
			tokens: 1, tokenChunks: 1, firstIndex: 0, firstText: "Okay", class: rundir.StreamErr, code: "UNAVAILABLE"},
		// Three events, candidatesTokenCount 31, 79, 80 and
		// thoughtsTokenCount 35 throughout: output 66, 114, 115, so the
		// events carry 66, 48 and 1 tokens; finishReason STOP.
		{name: "gemini-alt-sse-multi-token-chunks-thoughts-usage", status: 200, header: sseHeader,
			tokens: 115, tokenChunks: 115, firstIndex: 0, firstText: "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n1", finish: "STOP",
			usage: &targets.Usage{PromptTokens: 18, CompletionTokens: 115}},
		// Two thought parts, thoughtsTokenCount 14 then 38 (14 and 24
		// tokens), then the raw JSON 503 block.
		{name: "gemini-alt-sse-thought-parts-then-midstream-503", status: 200, header: sseHeader,
			tokens: 38, tokenChunks: 38, firstIndex: 0, firstText: "The user wants me to execute a sequence of steps defined in a cron",
			class: rundir.StreamErr, code: "UNAVAILABLE"},
		{name: "gemini-error-403-permission-denied", status: 403, header: js,
			firstIndex: -1, class: rundir.HTTP4xx, code: "PERMISSION_DENIED"},
		// The wait hint is in the body: RetryInfo.retryDelay "7s".
		{name: "gemini-error-429-resource-exhausted-retryinfo", status: 429, header: js,
			firstIndex: -1, class: rundir.RateLimited, code: "RESOURCE_EXHAUSTED", retryAfter: 7 * time.Second},
		{name: "gemini-generateContent-nonstream", status: 200, header: js,
			firstIndex: -1, class: rundir.Protocol},
		{name: "gemini-generateContent-nonstream-int-enums", status: 200, header: js,
			firstIndex: -1, class: rundir.Protocol},
		// A JSON array of 13 responses (no alt=sse): "C", "lementine, …",
		// …; usage only on the 13th (candidatesTokenCount 578, prompt 8)
		// with finishReason 1 (STOP as an integer). The count arrives
		// after all the text, so it is a summary: each element counts 1.
		{name: "gemini-streamGenerateContent-json-array-no-sse", status: 200, header: js,
			tokens: 578, tokenChunks: 13, firstIndex: 0, firstText: "C", finish: "STOP",
			usage: &targets.Usage{PromptTokens: 8, CompletionTokens: 578}},
	}
	splits := []struct {
		name  string
		split targettest.Split
	}{
		{"by-event", targettest.ByEvent},
		{"mid-line", targettest.MidLine},
		{"7-bytes", targettest.Every(7)},
		{"whole", targettest.Whole},
	}
	for _, tc := range cases {
		for _, sp := range splits {
			t.Run(tc.name+"/"+sp.name, func(t *testing.T) {
				body := targettest.Testdata(t, tc.name)
				r, _ := replay(t, tc.status, tc.header, string(body), sp.split)
				if got := loadgen.Classify(r.Err); got != tc.class {
					t.Errorf("error class %q, want %q (err: %v)", got, tc.class, r.Err)
				}
				if got := r.OutputTokens(); got != tc.tokens {
					t.Errorf("output tokens %d, want %d", got, tc.tokens)
				}
				if got := r.TokenChunks(); got != tc.tokenChunks {
					t.Errorf("counted tokens %d, want %d", got, tc.tokenChunks)
				}
				i, text := r.FirstToken()
				if i != tc.firstIndex || text != tc.firstText {
					t.Errorf("first token chunk #%d %q, want #%d %q", i, text, tc.firstIndex, tc.firstText)
				}
				if r.Err == nil {
					if diff := cmp.Diff(targets.Final{Usage: tc.usage, FinishReason: tc.finish}, r.Final); diff != "" {
						t.Errorf("final (-want +got):\n%s", diff)
					}
				}
				if tc.code != "" {
					var he *targets.HTTPError
					var se *targets.StreamError
					switch {
					case errors.As(r.Err, &he):
						if he.Status != tc.status || he.Code != tc.code || he.Message == "" || he.RetryAfter != tc.retryAfter {
							t.Errorf("HTTPError %+v, want %d %q retry %v with a message", he, tc.status, tc.code, tc.retryAfter)
						}
					case errors.As(r.Err, &se):
						if se.Status != 503 || se.Code != tc.code || se.Message == "" {
							t.Errorf("StreamError %+v, want 503 %q with a message", se, tc.code)
						}
					default:
						t.Errorf("err %v, want one with code %q", r.Err, tc.code)
					}
				}
			})
		}
	}
}

func data(s string) string { return "data: " + s + "\r\n\r\n" }

func TestStream(t *testing.T) {
	cases := []struct {
		name  string
		body  string
		want  []targets.Chunk
		final targets.Final
		class rundir.ErrorClass
	}{
		{name: "function call, then text",
			body: data(`{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"x":1}}}],"role":"model"}}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":5}}`) +
				data(`{"candidates":[{"content":{"parts":[{"text":"ok"}],"role":"model"},"finishReason":"MAX_TOKENS"}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":6}}`),
			want: []targets.Chunk{{ToolArgs: `{"name":"f","args":{"x":1}}`, Tokens: 5, Usage: &targets.Usage{PromptTokens: 4, CompletionTokens: 5}},
				{Content: "ok", Tokens: 1, Usage: &targets.Usage{PromptTokens: 4, CompletionTokens: 6}}},
			final: targets.Final{Usage: &targets.Usage{PromptTokens: 4, CompletionTokens: 6}, FinishReason: "MAX_TOKENS"}},
		{name: "cut before finishReason",
			body:  data(`{"candidates":[{"content":{"parts":[{"text":"a"}]}}]}`),
			want:  []targets.Chunk{{Content: "a"}},
			class: rundir.Protocol},
		// An error as an SSE data event, and a Vertex-style array block.
		{name: "error in a data event",
			body:  data(`{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED"}}`),
			class: rundir.RateLimited},
		{name: "raw error array",
			body:  data(`{"candidates":[{"content":{"parts":[{"text":"a"}]}}]}`) + "[{\n  \"error\": {\n    \"code\": 500,\n    \"message\": \"internal\",\n    \"status\": \"INTERNAL\"\n  }\n}]\n",
			want:  []targets.Chunk{{Content: "a"}},
			class: rundir.StreamErr},
		{name: "not JSON",
			body:  data(`{"candidates":`),
			class: rundir.Protocol},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := replay(t, 200, sseHeader, tc.body, nil)
			if got := loadgen.Classify(r.Err); got != tc.class {
				t.Fatalf("class %q, want %q (err %v)", got, tc.class, r.Err)
			}
			if diff := cmp.Diff(tc.want, r.Chunks); diff != "" {
				t.Errorf("chunks (-want +got):\n%s", diff)
			}
			if r.Err == nil {
				if diff := cmp.Diff(tc.final, r.Final); diff != "" {
					t.Errorf("final (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestRequest(t *testing.T) {
	body := data(`{"candidates":[{"content":{"parts":[{"text":"a"}]},"finishReason":"STOP"}]}`)
	cases := []struct {
		base, model, path string
		req               targets.Request
		want              string
	}{
		{"", "gemini-2.5-flash", "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
			targets.Request{Prompt: "p", MaxTokens: 8, IgnoreEOS: true, MinTokens: 8, Temperature: ptr(0.0), Seed: ptr(int64(1))},
			`{"contents":[{"role":"user","parts":[{"text":"p"}]}],"generationConfig":{"maxOutputTokens":8,"temperature":0,"seed":1}}`},
		{"/v1beta/", "models/gemini-2.0-flash", "/v1beta/models/gemini-2.0-flash:streamGenerateContent",
			targets.Request{Prompt: "p"}, `{"contents":[{"role":"user","parts":[{"text":"p"}]}]}`},
	}
	for _, tc := range cases {
		srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: sseHeader, Body: []byte(body)}})
		tc.req.Model = tc.model
		r := stream(t, gemini.Config{Conn: targets.Conn{BaseURL: srv.URL + tc.base, APIKey: "AIza-k"}}, tc.req)
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		got := srv.Requests()[0]
		if got.Path != tc.path || string(got.Body) != tc.want || got.Header.Get("X-Goog-Api-Key") != "AIza-k" {
			t.Errorf("%s %s key %q, want %s %s", got.Path, got.Body, got.Header.Get("X-Goog-Api-Key"), tc.path, tc.want)
		}
	}
	srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: sseHeader, Body: []byte(body)}})
	tg, _ := gemini.New(gemini.Config{Conn: targets.Conn{BaseURL: srv.URL}})
	if u := tg.URL("m"); !strings.HasSuffix(u, "/v1beta/models/m:streamGenerateContent?alt=sse") {
		t.Errorf("URL %s", u)
	}
	if _, err := gemini.New(gemini.Config{Conn: targets.Conn{BaseURL: "https://h/?key=AIza"}}); err == nil || strings.Contains(err.Error(), "AIza") {
		t.Errorf("New with ?key=: %v", err)
	}
}

func TestKeyNeverShown(t *testing.T) {
	const key = "AIzaSyVerySecret"
	srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 400, Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"error":{"code":400,"message":"API key not valid: ` + key + `","status":"INVALID_ARGUMENT"}}`)}})
	r := stream(t, gemini.Config{Conn: targets.Conn{BaseURL: srv.URL, APIKey: key}}, targets.Request{Model: "m", Prompt: "p"})
	if r.Err == nil || strings.Contains(fmt.Sprintf("%v %#v", r.Err, r.Err), key) {
		t.Errorf("err %v shows the key or is nil", r.Err)
	}
	if q := srv.Requests()[0]; strings.Contains(q.Path, key) {
		t.Errorf("key in the URL")
	}
	cfg := gemini.Config{Conn: targets.Conn{BaseURL: "http://h", APIKey: key}}
	if s := fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg); strings.Contains(s, key) {
		t.Errorf("Config shows the key: %s", s)
	}
}

// TestArrayCut: a JSON-array stream whose connection breaks mid-array is a
// connection failure (retryable), as on the SSE path; one the server ends
// cleanly before its closing bracket broke the protocol.
func TestArrayCut(t *testing.T) {
	js := http.Header{"Content-Type": {"application/json; charset=UTF-8"}}
	body := `[{"candidates":[{"content":{"parts":[{"text":"A"}],"role":"model"}}]}` + "\r\n,"
	for _, c := range []struct {
		abort bool
		want  rundir.ErrorClass
	}{{true, rundir.Connection}, {false, rundir.Protocol}} {
		srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: js, Body: []byte(body)}, Abort: c.abort})
		r := stream(t, gemini.Config{Conn: targets.Conn{BaseURL: srv.URL}}, targets.Request{Model: "m", Prompt: "p"})
		if got := loadgen.Classify(r.Err); got != c.want || len(r.Chunks) != 1 {
			t.Errorf("abort %v: %v (%s), %d chunks; want %s after 1 chunk", c.abort, got, r.Err, len(r.Chunks), c.want)
		}
	}
}
