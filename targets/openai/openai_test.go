package openai_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/targettest"
)

var sseHeader = http.Header{"Content-Type": {"text/event-stream"}}

// replay serves body as an event stream and returns the stream's result.
func replay(t *testing.T, cfg openai.Config, status int, header http.Header, body string, split targettest.Split) result {
	t.Helper()
	srv := targettest.ReplayOnce(t, status, header, body, split)
	cfg.BaseURL = srv.URL
	return stream(t, cfg, targets.Request{Model: "m", Prompt: "hello", MaxTokens: 8})
}

// chunk is a Chunk without Usage, for comparing sequences.
type chunk struct {
	Content, Reasoning, ToolArgs string
	Tokens                       int
}

func plain(cs []targets.Chunk) []chunk {
	out := make([]chunk, len(cs))
	for i, c := range cs {
		out[i] = chunk{c.Content, c.Reasoning, c.ToolArgs, c.Tokens}
	}
	return out
}

const (
	roleChunk   = `{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`
	finishChunk = `{"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}`
	usageChunk  = `{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}`
)

func content(s string) string {
	return fmt.Sprintf(`{"choices":[{"index":0,"delta":{"content":%q},"finish_reason":null}]}`, s)
}

// TestFraming feeds the same stream framed in the ways real servers frame it.
func TestFraming(t *testing.T) {
	want := []chunk{{}, {Content: "a"}, {Content: "b"}, {}, {}}
	standard := "data: " + roleChunk + "\n\ndata: " + content("a") + "\n\ndata: " + content("b") +
		"\n\ndata: " + finishChunk + "\n\ndata: " + usageChunk + "\n\ndata: [DONE]\n\n"
	cases := []struct{ name, body string }{
		{"standard", standard},
		{"no space after data:", strings.ReplaceAll(standard, "data: ", "data:")},
		{"CRLF", strings.ReplaceAll(standard, "\n", "\r\n")},
		{"bare CR", strings.ReplaceAll(standard, "\n", "\r")},
		{"comments", ": OPENROUTER PROCESSING\n\n" + strings.ReplaceAll(standard, "\n\ndata: ", "\n: ping\n\ndata: ")},
		{"multi-line data", strings.Replace(standard, `"delta":{"content":"a"},`, "\"delta\":\ndata: {\"content\":\"a\"},", 1)},
		{"[DONE] without final blank line", strings.TrimSuffix(standard, "\n\n")},
	}
	for _, tc := range cases {
		for _, sp := range []struct {
			name  string
			split targettest.Split
		}{{"by-event", targettest.ByEvent}, {"mid-line", targettest.MidLine}, {"1-byte", targettest.Every(1)}} {
			t.Run(tc.name+"/"+sp.name, func(t *testing.T) {
				r := replay(t, openai.Config{}, 200, sseHeader, tc.body, sp.split)
				if r.Err != nil {
					t.Fatal(r.Err)
				}
				if diff := cmp.Diff(want, plain(r.Chunks)); diff != "" {
					t.Errorf("chunks (-want +got):\n%s", diff)
				}
				if r.Final.Usage == nil || *r.Final.Usage != (targets.Usage{PromptTokens: 5, CompletionTokens: 2}) || r.Final.FinishReason != "length" {
					t.Errorf("final %+v usage %+v", r.Final, r.Final.Usage)
				}
				if r.Chunks[4].Usage == nil || r.Chunks[4].HasToken() {
					t.Errorf("usage-only chunk %+v: want Usage set and no token", r.Chunks[4])
				}
			})
		}
	}
}

func TestChannels(t *testing.T) {
	body := "data: " + roleChunk + "\n\n" +
		`data: {"choices":[{"index":0,"delta":{"reasoning_content":"think"}}]}` + "\n\n" +
		`data: {"choices":[{"index":0,"delta":{"reasoning":"more"}}]}` + "\n\n" +
		// vLLM has sent both names with the same text: one is taken.
		`data: {"choices":[{"index":0,"delta":{"reasoning_content":"same","reasoning":"same"}}]}` + "\n\n" +
		`data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}` + "\n\n" +
		// A refusal is text the model generated for the user to read.
		`data: {"choices":[{"index":0,"delta":{"content":null,"refusal":"I can't"}}]}` + "\n\n" +
		`data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"f","arguments":""}}]}}]}` + "\n\n" +
		`data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\":"}}]}}]}` + "\n\n" +
		`data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":{"y":1}}}]}}]}` + "\n\n" +
		`data: {"choices":[{"index":0,"delta":{"content":null},"finish_reason":"tool_calls","stop_reason":null}]}` + "\n\n" +
		"data: [DONE]\n\n"
	r := replay(t, openai.Config{}, 200, sseHeader, body, nil)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	want := []chunk{{}, {Reasoning: "think"}, {Reasoning: "more"}, {Reasoning: "same"}, {Content: "hi"}, {Content: "I can't"}, {}, {ToolArgs: `{"x":`}, {ToolArgs: `{"y":1}`}, {}}
	if diff := cmp.Diff(want, plain(r.Chunks)); diff != "" {
		t.Errorf("chunks (-want +got):\n%s", diff)
	}
	if r.Final.FinishReason != "tool_calls" {
		t.Errorf("finish %q", r.Final.FinishReason)
	}
}

// TestStopReason: vLLM writes stop_reason as a token id, a string or null.
func TestStopReason(t *testing.T) {
	for _, sr := range []string{`163586`, `"<|im_end|>"`, `null`} {
		body := "data: " + content("x") + "\n\n" +
			`data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop","stop_reason":` + sr + `}]}` + "\n\ndata: [DONE]\n\n"
		r := replay(t, openai.Config{}, 200, sseHeader, body, nil)
		if r.Err != nil || r.Final.FinishReason != "stop" {
			t.Errorf("stop_reason %s: %v, finish %q", sr, r.Err, r.Final.FinishReason)
		}
	}
}

// TestContinuousUsage: with cumulative usage on every chunk, each chunk's
// Tokens is the increase since the previous usage.
func TestContinuousUsage(t *testing.T) {
	u := func(c int) string {
		return fmt.Sprintf(`"usage":{"prompt_tokens":9,"completion_tokens":%d,"total_tokens":%d}`, c, 9+c)
	}
	body := "" +
		`data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}],` + u(0) + "}\n\n" + // role: 0
		`data: {"choices":[{"index":0,"delta":{"content":"a"}}],` + u(1) + "}\n\n" + // 1
		`data: {"choices":[{"index":0,"delta":{"content":"bcd"}}],` + u(4) + "}\n\n" + // 3 at once
		`data: {"choices":[{"index":0,"delta":{"content":""}}],` + u(5) + "}\n\n" + // a special token: no text, 1 token
		`data: {"choices":[{"index":0,"delta":{"content":"e"}}],` + u(5) + "}\n\n" + // no increase: text, 0
		`data: {"choices":[{"index":0,"delta":{},"finish_reason":"length"}],` + u(6) + "}\n\n" + // 1
		`data: {"choices":[],` + u(6) + "}\n\n" + // usage-only: never a token
		"data: [DONE]\n\n"
	r := replay(t, openai.Config{ContinuousUsage: true}, 200, sseHeader, body, nil)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	want := []chunk{{}, {Content: "a", Tokens: 1}, {Content: "bcd", Tokens: 3}, {Tokens: 1}, {Content: "e"}, {Tokens: 1}, {}}
	if diff := cmp.Diff(want, plain(r.Chunks)); diff != "" {
		t.Errorf("chunks (-want +got):\n%s", diff)
	}
	// Summed per-chunk tokens (each at least 1 when it carries text) and
	// the server's total agree: 1+3+1+1+1 = 7 counted, 6 from the server
	// because "e" came with no increase; the server's count wins.
	if r.Final.Usage.CompletionTokens != 6 {
		t.Errorf("final usage %+v", r.Final.Usage)
	}
}

// TestSummaryUsageOnChoiceChunk: usage that first appears on a chunk with
// choices after tokens came without usage (Groq x_groq, OpenRouter,
// llama.cpp completions) is a summary, not that chunk's tokens.
func TestSummaryUsageOnChoiceChunk(t *testing.T) {
	body := "data: " + content("a") + "\n\ndata: " + content("b") + "\n\n" +
		`data: {"choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2}}` + "\n\n" +
		"data: [DONE]\n\n"
	r := replay(t, openai.Config{}, 200, sseHeader, body, nil)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if got := r.Chunks[2]; got.HasToken() || got.Usage == nil || got.Usage.CompletionTokens != 2 {
		t.Errorf("summary chunk %+v: want usage 2 and no token", got)
	}
}

func TestStreamEnd(t *testing.T) {
	cases := []struct {
		name   string
		body   string
		class  rundir.ErrorClass
		finish string
	}{
		{"EOF after finish_reason, no [DONE]", "data: " + content("a") + "\n\ndata: " + finishChunk + "\n\n", "", "length"},
		{"EOF without [DONE] or finish_reason", "data: " + content("a") + "\n\ndata: " + content("b") + "\n\n", rundir.Protocol, ""},
		{"empty body", "", rundir.Protocol, ""},
		{"undecodable JSON", "data: " + content("a") + "\n\ndata: {\"choices\":[{\n\n", rundir.Protocol, ""},
		{"not SSE at all", "<html>busy</html>\n", rundir.Protocol, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := replay(t, openai.Config{}, 200, sseHeader, tc.body, nil)
			if got := loadgen.Classify(r.Err); got != tc.class {
				t.Errorf("class %q, want %q (err %v)", got, tc.class, r.Err)
			}
			if r.Err != nil {
				var pe *targets.ProtocolError
				if !errors.As(r.Err, &pe) {
					t.Errorf("err %T %v, want *targets.ProtocolError", r.Err, r.Err)
				}
			}
			if r.Final.FinishReason != tc.finish {
				t.Errorf("finish %q, want %q", r.Final.FinishReason, tc.finish)
			}
		})
	}
}

// TestUndecodableEventShownPrintable: the start of an event that does not
// decode is quoted in the error, which `run` prints on the terminal (the
// probe's warning); a server's escape sequence there (an OSC that retitles
// the terminal, a clear screen, a NUL, bytes that are not UTF-8) must show
// written out, not act (README "Security": what a server writes is shown
// with its control characters escaped).
func TestUndecodableEventShownPrintable(t *testing.T) {
	body := "data: " + content("a") + "\n\ndata: \x1b]0;pwned\x07\x1b[2J\x00\xff{\n\n"
	r := replay(t, openai.Config{}, 200, sseHeader, body, nil)
	if r.Err == nil {
		t.Fatal("an undecodable event passed")
	}
	msg := r.Err.Error()
	if strings.ContainsFunc(msg, func(c rune) bool { return c < 0x20 || c == 0x7f }) || !utf8.ValidString(msg) {
		t.Errorf("error %q carries the server's control bytes", msg)
	}
	if !strings.Contains(msg, `\x1b]0;pwned\x07\x1b[2J\x00`) {
		t.Errorf("error %q does not show the event's start written out", msg)
	}
}

// TestInStreamErrors: errors that arrive after a 200.
func TestInStreamErrors(t *testing.T) {
	cases := []struct {
		name string
		body string
		want targets.StreamError
		// chunks delivered before the error
		chunks int
		class  rundir.ErrorClass
	}{
		{
			// vLLM ≤ 0.10: the flat error wrapped in "error", then [DONE]
			// (fixture vllm-error-bodies-400-flat-and-nested, its header).
			name: "vllm error then [DONE]",
			body: "data: " + content("a") + "\n\n" +
				`data: {"error": {"object": "error", "message": "Background loop has errored already.", "type": "InternalServerError", "param": null, "code": 500}}` + "\n\ndata: [DONE]\n\n",
			want:   targets.StreamError{Status: 500, Code: "500", Type: "InternalServerError", Message: "Background loop has errored already."},
			chunks: 1, class: rundir.StreamErr,
		},
		{
			// Groq (docs/notes/protocols.md §7): event: error, status_code, no [DONE].
			name: "groq event: error",
			body: "data: " + `{"choices":[{"index":0,"delta":{"reasoning":"hm"}}]}` + "\n\n" +
				"event: error\n" + `data: {"error":{"message":"Tool call validation failed","type":"invalid_request_error","code":"tool_use_failed","failed_generation":"x","status_code":400}}` + "\n\n",
			want:   targets.StreamError{Status: 400, Code: "tool_use_failed", Type: "invalid_request_error", Message: "Tool call validation failed"},
			chunks: 1, class: rundir.StreamErr,
		},
		{
			// LiteLLM (docs/notes/protocols.md §11): upstream 429 in-band, no [DONE].
			name: "litellm string code 429",
			body: "data: " + roleChunk + "\n\n" +
				`data: {"error":{"message":"No deployments available","type":"None","param":"None","code":"429"}}` + "\n\n",
			want:   targets.StreamError{Status: 429, Code: "429", Message: "No deployments available"},
			chunks: 1, class: rundir.RateLimited,
		},
		{
			// OpenRouter: error beside a choice with finish_reason "error".
			name: "error with choices",
			body: "data: " + content("a") + "\n\n" +
				`data: {"error":{"code":502,"message":"Provider disconnected"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}` + "\n\n",
			want:   targets.StreamError{Status: 502, Code: "502", Message: "Provider disconnected"},
			chunks: 1, class: rundir.StreamErr,
		},
		{
			// TGI chat: http_status_code in the payload.
			name:  "tgi chat",
			body:  `data:{"error":{"message":"Input validation error","http_status_code":422}}` + "\n\ndata:[DONE]\n\n",
			want:  targets.StreamError{Status: 422, Message: "Input validation error"},
			class: rundir.StreamErr,
		},
		{
			// A JSON error written outside SSE framing (as Gemini does).
			name:   "raw JSON error",
			body:   "data: " + content("a") + "\n\n{\n  \"error\": {\n    \"code\": 503,\n    \"message\": \"overloaded\",\n    \"status\": \"UNAVAILABLE\"\n  }\n}\n",
			want:   targets.StreamError{Status: 503, Code: "503", Type: "UNAVAILABLE", Message: "overloaded"},
			chunks: 1, class: rundir.StreamErr,
		},
		{
			// Older llama-server builds: server_sent_event(sink, "error",
			// …) writes the error after an "error:" field name.
			name:   "llama-server error: line",
			body:   "data: " + content("a") + "\n\n" + `error: {"code":500,"message":"context shift failed","type":"server_error"}` + "\n\n",
			want:   targets.StreamError{Status: 500, Code: "500", Type: "server_error", Message: "context shift failed"},
			chunks: 1, class: rundir.StreamErr,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := replay(t, openai.Config{}, 200, sseHeader, tc.body, targettest.MidLine)
			var se *targets.StreamError
			if !errors.As(r.Err, &se) {
				t.Fatalf("err %T %v, want *targets.StreamError", r.Err, r.Err)
			}
			if diff := cmp.Diff(tc.want, *se); diff != "" {
				t.Errorf("StreamError (-want +got):\n%s", diff)
			}
			if len(r.Chunks) != tc.chunks {
				t.Errorf("%d chunks before the error, want %d", len(r.Chunks), tc.chunks)
			}
			if got := loadgen.Classify(r.Err); got != tc.class {
				t.Errorf("class %q, want %q", got, tc.class)
			}
		})
	}
}

func TestHTTPErrors(t *testing.T) {
	js := http.Header{"Content-Type": {"application/json"}}
	cases := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   targets.HTTPError
		class  rundir.ErrorClass
	}{
		{
			name: "401 vLLM api-key middleware", status: 401, header: js, body: `{"error":"Unauthorized"}`,
			want: targets.HTTPError{Status: 401, Message: "Unauthorized"}, class: rundir.HTTP4xx,
		},
		{
			name: "429 with Retry-After seconds", status: 429,
			header: http.Header{"Content-Type": {"application/json"}, "Retry-After": {"7"}},
			body:   `{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`,
			want:   targets.HTTPError{Status: 429, RetryAfter: 7 * time.Second, Code: "rate_limit_exceeded", Message: "Rate limit reached"},
			class:  rundir.RateLimited,
		},
		{
			name: "429 with Retry-After-Ms", status: 429,
			header: http.Header{"Retry-After-Ms": {"174"}, "Retry-After": {"1"}},
			body:   `{"error":{"message":"slow down","code":429}}`,
			want:   targets.HTTPError{Status: 429, RetryAfter: 174 * time.Millisecond, Code: "429", Message: "slow down"},
			class:  rundir.RateLimited,
		},
		{
			name: "500 vLLM nested", status: 500, header: js,
			body:  `{"error":{"message":"EngineCore encountered an issue.","type":"InternalServerError","param":null,"code":500}}`,
			want:  targets.HTTPError{Status: 500, Code: "500", Message: "EngineCore encountered an issue."},
			class: rundir.HTTP5xx,
		},
		{
			name: "503 Ollama busy", status: 503, header: js,
			body:  `{"error":"server busy, please try again.  maximum pending requests exceeded"}`,
			want:  targets.HTTPError{Status: 503, Message: "server busy, please try again.  maximum pending requests exceeded"},
			class: rundir.HTTP5xx,
		},
		{
			// TGI 422 text/plain (fixture tgi-chat-422-text-plain-deserialize-error).
			name: "422 text/plain", status: 422, header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}},
			body:  "Failed to deserialize the JSON body into the target type: messages[0].role: unknown variant `robot`",
			want:  targets.HTTPError{Status: 422, Body: "Failed to deserialize the JSON body into the target type: messages[0].role: unknown variant `robot`"},
			class: rundir.HTTP4xx,
		},
		{
			name: "502 HTML, long", status: 502, header: http.Header{"Content-Type": {"text/html"}},
			body:  "<html>" + strings.Repeat("é", 600) + "</html>",
			want:  targets.HTTPError{Status: 502, Body: "<html>" + strings.Repeat("é", 253)}, // 6 + 253*2 = 512 bytes
			class: rundir.HTTP5xx,
		},
		{
			name: "FastAPI detail", status: 404, header: js, body: `{"detail":"Not Found"}`,
			want: targets.HTTPError{Status: 404, Message: "Not Found"}, class: rundir.HTTP4xx,
		},
		{
			name: "TGI error_type", status: 429, header: js, body: `{"error":"Model is overloaded","error_type":"overloaded"}`,
			want: targets.HTTPError{Status: 429, Code: "overloaded", Message: "Model is overloaded"}, class: rundir.RateLimited,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := replay(t, openai.Config{}, tc.status, tc.header, tc.body, nil)
			var he *targets.HTTPError
			if !errors.As(r.Err, &he) {
				t.Fatalf("err %T %v, want *targets.HTTPError", r.Err, r.Err)
			}
			if diff := cmp.Diff(tc.want, *he); diff != "" {
				t.Errorf("HTTPError (-want +got):\n%s", diff)
			}
			if len(he.Body) > targets.MaxErrorBody {
				t.Errorf("Body of %d bytes", len(he.Body))
			}
			if got := loadgen.Classify(r.Err); got != tc.class {
				t.Errorf("class %q, want %q", got, tc.class)
			}
		})
	}
}

// TestTransportErrorMidBody: a connection cut mid-stream is returned as a
// transport error (class connection), not as a protocol error.
func TestTransportErrorMidBody(t *testing.T) {
	srv := targettest.NewServer(t, targettest.Replay{
		Response: &targettest.Response{Status: 200, Header: sseHeader, Body: []byte("data: " + content("a") + "\n\ndata: {\"choi")},
		Abort:    true,
	})
	r := stream(t, openai.Config{Conn: targets.Conn{BaseURL: srv.URL}}, targets.Request{})
	if got := loadgen.Classify(r.Err); got != rundir.Connection {
		t.Errorf("class %q, want connection (err %v)", got, r.Err)
	}
	var pe *targets.ProtocolError
	if errors.As(r.Err, &pe) || len(r.Chunks) != 1 {
		t.Errorf("err %v with %d chunks: want a transport error after 1 chunk", r.Err, len(r.Chunks))
	}
}

func TestUnreachable(t *testing.T) {
	addr := "127.0.0.1:1" // nothing listens on port 1, nor can a test's port 0 be it
	r := stream(t, openai.Config{Conn: targets.Conn{BaseURL: "http://" + addr}}, targets.Request{})
	if got := loadgen.Classify(r.Err); got != rundir.Connection {
		t.Errorf("class %q, want connection (err %v)", got, r.Err)
	}
}

// TestURLKeyRedactedFromServerText: a key given in --url's query (Gemini's
// ?key=, a gateway's ?api_key=) is a credential like the key header's
// (README "Security"), so a server's error that echoes the request line
// shows it redacted; it was printed and recorded as sent.
func TestURLKeyRedactedFromServerText(t *testing.T) {
	const secret = "sk-url-SECRET-123"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"error":{"message":"no route for POST %s (unescaped: %s)"}}`, r.URL.RequestURI(), r.URL.Query().Get("api_key"))
	}))
	defer srv.Close()
	tg, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: srv.URL + "/?api_key=" + url.QueryEscape(secret+" /+")}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tg.Stream(t.Context(), targets.Request{Model: "m", Prompt: "hi", MaxTokens: 1}, func(targets.Chunk) {})
	if err == nil {
		t.Fatal("a 404 passed")
	}
	if msg := err.Error(); strings.Contains(msg, "SECRET") || !strings.Contains(msg, "no route for POST") {
		t.Errorf("error %q: want the server's words without the URL's key", msg)
	}
}

// TestContextEnds: a stream that stalls is ended by the caller's context,
// and the error says so.
func TestContextEnds(t *testing.T) {
	stall := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: "+content("a")+"\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-stall:
		}
	}))
	defer srv.Close()
	defer close(stall)
	tg, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	// The deadline leaves time to send and read the first chunk on a busy
	// machine; the cancel comes once the first chunk has arrived, so
	// neither can end the request before the stream began.
	for _, tc := range []struct {
		name  string
		ctx   func() (context.Context, context.CancelFunc)
		class rundir.ErrorClass
	}{
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), time.Second)
		}, rundir.Timeout},
		{"cancel", func() (context.Context, context.CancelFunc) {
			return context.WithCancel(context.Background())
		}, rundir.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()
			n := 0
			_, err := tg.Stream(ctx, targets.Request{}, func(targets.Chunk) {
				if n++; tc.class == rundir.Canceled {
					cancel()
				}
			})
			if got := loadgen.Classify(err); got != tc.class || n != 1 {
				t.Errorf("class %q after %d chunks, want %q after 1 (err %v)", got, n, tc.class, err)
			}
		})
	}
}

// TestRequestBody checks what each flavor and API sends.
func TestRequestBody(t *testing.T) {
	temp, seed := 0.5, int64(42)
	req := targets.Request{Model: "llama", Prompt: "Say hi", MaxTokens: 64, MinTokens: 64, IgnoreEOS: true, Temperature: &temp, Seed: &seed}
	no := false
	cases := []struct {
		name string
		cfg  openai.Config
		path string
		want string
	}{
		{"vllm chat", openai.Config{Flavor: openai.FlavorVLLM}, "/v1/chat/completions",
			`{"model":"llama","messages":[{"role":"user","content":"Say hi"}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":64,"min_tokens":64,"ignore_eos":true,"temperature":0.5,"seed":42}`},
		{"vllm completions, continuous usage", openai.Config{Flavor: openai.FlavorVLLM, API: openai.Completions, ContinuousUsage: true}, "/v1/completions",
			`{"model":"llama","prompt":"Say hi","stream":true,"stream_options":{"include_usage":true,"continuous_usage_stats":true},"max_tokens":64,"min_tokens":64,"ignore_eos":true,"temperature":0.5,"seed":42}`},
		{"openai chat", openai.Config{}, "/v1/chat/completions",
			`{"model":"llama","messages":[{"role":"user","content":"Say hi"}],"stream":true,"stream_options":{"include_usage":true},"max_completion_tokens":64,"temperature":0.5,"seed":42}`},
		{"openai completions, no usage", openai.Config{API: openai.Completions, IncludeUsage: &no}, "/v1/completions",
			`{"model":"llama","prompt":"Say hi","stream":true,"max_tokens":64,"temperature":0.5,"seed":42}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{
				Status: 200, Header: sseHeader, Body: []byte("data: " + content("a") + "\n\ndata: [DONE]\n\n")}})
			cfg := tc.cfg
			cfg.BaseURL = srv.URL
			cfg.APIKey = "sk-test-123"
			cfg.Header = http.Header{"Openai-Project": {"proj_1"}}
			tg, err := openai.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tg.Stream(context.Background(), req, func(targets.Chunk) {}); err != nil {
				t.Fatal(err)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			got := reqs[0]
			if got.Method != "POST" || got.Path != tc.path {
				t.Errorf("%s %s, want POST %s", got.Method, got.Path, tc.path)
			}
			if !jsonEqual(t, got.Body, []byte(tc.want)) {
				t.Errorf("body\n got %s\nwant %s", got.Body, tc.want)
			}
			for k, v := range map[string]string{
				"Authorization": "Bearer sk-test-123", "Content-Type": "application/json",
				"Accept": "text/event-stream", "Openai-Project": "proj_1", "X-Idempotency-Key": "",
			} {
				if g := got.Header.Get(k); g != v {
					t.Errorf("header %s = %q, want %q", k, g, v)
				}
			}
		})
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return cmp.Equal(x, y)
}

func TestEndpointURL(t *testing.T) {
	cases := []struct {
		base string
		api  openai.API
		want string
	}{
		{"http://h:8000", "", "http://h:8000/v1/chat/completions"},
		{"http://h:8000/", openai.Chat, "http://h:8000/v1/chat/completions"},
		{"http://h:8000/v1", openai.Completions, "http://h:8000/v1/completions"},
		{"https://api.groq.com/openai/v1/", openai.Chat, "https://api.groq.com/openai/v1/chat/completions"},
		{"http://proxy/llm", openai.Chat, "http://proxy/llm/v1/chat/completions"},
	}
	for _, tc := range cases {
		tg, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: tc.base}, API: tc.api})
		if err != nil {
			t.Fatalf("%s: %v", tc.base, err)
		}
		if got := tg.URL("m"); got != tc.want {
			t.Errorf("New(%q, %q).URL(\"m\") = %q, want %q", tc.base, tc.api, got, tc.want)
		}
	}
}

func TestNewRejects(t *testing.T) {
	for _, cfg := range []openai.Config{
		{},
		{Conn: targets.Conn{BaseURL: "host:8000"}},
		{Conn: targets.Conn{BaseURL: "ftp://h"}},
		{Conn: targets.Conn{BaseURL: "http://"}},
		{Conn: targets.Conn{BaseURL: "http://h"}, API: "embeddings"},
		{Conn: targets.Conn{BaseURL: "http://h"}, Flavor: "tgi"},
		{Conn: targets.Conn{BaseURL: "http://user:hunter2@h"}, Flavor: "tgi"},
	} {
		_, err := openai.New(cfg)
		if err == nil {
			t.Errorf("New(%v) accepted", cfg)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error %q shows the URL's password", err)
		}
	}
}

// TestAPIKeyNeverShown: the key appears in no error and in no rendering of
// the configuration, even when the server echoes it back.
func TestAPIKeyNeverShown(t *testing.T) {
	const key = "sk-secret-0123456789abcdef"
	cfg := openai.Config{Conn: targets.Conn{BaseURL: "http://127.0.0.1:1", APIKey: key, Header: http.Header{"X-Custom": {key}}}}

	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cfg", cfg)
	for _, s := range []string{
		fmt.Sprint(cfg), fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg), fmt.Sprintf("%v %+v %#v", &cfg, &cfg, &cfg), logged.String(),
	} {
		if strings.Contains(s, key) {
			t.Errorf("key shown in %q", s)
		}
		if !strings.Contains(s, "REDACTED") {
			t.Errorf("%q does not say the key is redacted", s)
		}
	}

	echo := "Incorrect API key provided: " + key + "."
	bodies := []struct {
		name   string
		status int
		header http.Header
		body   string
	}{
		{"401 JSON echo", 401, http.Header{"Content-Type": {"application/json"}}, `{"error":{"message":"` + echo + `","code":"` + key + `"}}`},
		{"401 text echo", 401, http.Header{"Content-Type": {"text/plain"}}, strings.Repeat("x", 500) + echo},
		{"in-stream echo", 200, sseHeader, `data: {"error":{"message":"` + echo + `","type":"` + key + `"}}` + "\n\n"},
		{"event error echo", 200, sseHeader, "event: error\ndata: " + echo + "\n\n"},
		{"bad JSON echo", 200, sseHeader, "data: {" + key + "\n\n"},
	}
	for _, b := range bodies {
		t.Run(b.name, func(t *testing.T) {
			r := replay(t, openai.Config{Conn: targets.Conn{APIKey: key}}, b.status, b.header, b.body, nil)
			if r.Err == nil {
				t.Fatal("no error")
			}
			if s := fmt.Sprintf("%v %+v", r.Err, r.Err); strings.Contains(s, key) || strings.Contains(s, key[:20]) {
				t.Errorf("error shows the key: %s", s)
			}
		})
	}
	// A transport error.
	tg, err := openai.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tg.Stream(context.Background(), targets.Request{}, func(targets.Chunk) {}); err == nil || strings.Contains(err.Error(), key) {
		t.Errorf("transport error %v", err)
	}
	if strings.Contains(tg.String(), key) {
		t.Errorf("Target.String() = %q", tg.String())
	}
}

// TestRetryOnDeadKeepAlive: llama-server closes the connection after each
// streamed response without saying so (docs/notes/real-servers.md §4.1). The next
// request, sent on that reused connection, finds it closed before any
// response byte; the adapter marks its POSTs replayable, so net/http sends
// it again on a new connection instead of failing.
func TestRetryOnDeadKeepAlive(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	body := "data: " + content("a") + "\n\ndata: " + finishChunk + "\n\ndata: [DONE]\n\n"
	respond := func(c net.Conn) {
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n", len(body), body)
	}
	served := make(chan string, 4)
	go func() {
		// Connection 1: answer one request, read the next, hang up.
		c, err := l.Accept()
		if err != nil {
			return
		}
		br := bufio.NewReader(c)
		for i := range 2 {
			req, err := http.ReadRequest(br)
			if err != nil {
				c.Close()
				return
			}
			io.Copy(io.Discard, req.Body)
			if i == 0 {
				respond(c)
				served <- "conn1 answered"
			} else {
				served <- "conn1 hung up"
			}
		}
		c.Close()
		// Connection 2: answer.
		c, err = l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		req, err := http.ReadRequest(bufio.NewReader(c))
		if err != nil {
			return
		}
		io.Copy(io.Discard, req.Body)
		respond(c)
		served <- "conn2 answered"
	}()
	tg, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: "http://" + l.Addr().String()}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, err := tg.Stream(context.Background(), targets.Request{}, func(targets.Chunk) {}); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	want := []string{"conn1 answered", "conn1 hung up", "conn2 answered"}
	for _, w := range want {
		if got := <-served; got != w {
			t.Fatalf("server: %q, want %q", got, w)
		}
	}
}

// TestConnectionReuse: after [DONE] the adapter reads the body to its end
// (waiting, up to targets.DrainWait, for an end that comes a little after
// [DONE], as it may over a network) before closing it: what lets net/http
// put the connection back for the next request. On synctest's clock and a
// transport of the test's own, so that the end's delay and the wait are
// exact: with a real server, one descheduled for the 100 ms of DrainWait
// lost its connection and failed the test (2 in 60 runs on a loaded host).
func TestConnectionReuse(t *testing.T) {
	for _, tc := range []struct {
		late time.Duration // when the body ends, after [DONE]
		eof  bool          // the adapter read to the end
		took time.Duration // and returned this long after the body began
	}{
		{0, true, 0},
		{10 * time.Millisecond, true, 10 * time.Millisecond},
		{time.Hour, false, targets.DrainWait}, // the adapter gives up, not the caller
	} {
		synctest.Test(t, func(t *testing.T) {
			tr := &lateEnd{body: "data: " + content("a") + "\n\ndata: [DONE]\n\n", late: tc.late}
			tg, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: "http://server", Client: &http.Client{Transport: tr}}})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			var got string
			if _, err := tg.Stream(t.Context(), targets.Request{}, func(c targets.Chunk) { got += c.Content }); err != nil || got != "a" {
				t.Fatalf("end %v after [DONE]: content %q, %v", tc.late, got, err)
			}
			if took := time.Since(start); tr.eof != tc.eof || !tr.closed || took != tc.took {
				t.Errorf("end %v after [DONE]: read to the end %v, closed %v, after %v; want %v, true, after %v", tc.late, tr.eof, tr.closed, took, tc.eof, tc.took)
			}
		})
	}
}

// lateEnd is a transport whose one response is an event stream of body
// whose end comes late after it, unless the request's context ends first.
type lateEnd struct {
	body        string
	late        time.Duration
	eof, closed bool
}

func (l *lateEnd) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: sseHeader.Clone(), Request: req,
		Body: &lateBody{l: l, ctx: req.Context(), rest: strings.NewReader(l.body)}}, nil
}

type lateBody struct {
	l    *lateEnd
	ctx  context.Context
	rest *strings.Reader
}

func (b *lateBody) Read(p []byte) (int, error) {
	if b.rest.Len() > 0 {
		return b.rest.Read(p)
	}
	t := time.NewTimer(b.l.late)
	defer t.Stop()
	select {
	case <-t.C:
		b.l.eof = true
		return 0, io.EOF
	case <-b.ctx.Done():
		return 0, b.ctx.Err()
	}
}

func (b *lateBody) Close() error {
	b.l.closed = true
	return nil
}
