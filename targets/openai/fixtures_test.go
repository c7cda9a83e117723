package openai_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/targettest"
)

// result is what one replayed stream gave.
// result is what one stream gave (targettest.Result).
type result = targettest.Result

func stream(t *testing.T, cfg openai.Config, req targets.Request) result {
	return targettest.Stream(t, openai.New, cfg, req)
}

// TestFixtures replays each OpenAI-family transcript through the adapter and
// checks the output token count, the first token-bearing event and the error
// class. Chunk indexes count the data events the adapter delivers (every
// JSON event, role and usage chunks included; not comments, not [DONE]),
// from 0. Expected values were counted by reading each testdata file; how is
// said beside each case.
func TestFixtures(t *testing.T) {
	sse := http.Header{"Content-Type": {"text/event-stream"}}
	js := http.Header{"Content-Type": {"application/json"}}
	cases := []struct {
		name   string
		api    openai.API
		status int
		header http.Header
		// want
		tokens      int    // output tokens: server usage, else token chunks
		tokenChunks int    // token-bearing chunks (each Tokens or 1)
		firstIndex  int    // index of the first token-bearing chunk, -1 none
		firstText   string // its text
		finish      string
		class       rundir.ErrorClass
		code        string // HTTPError.Code or StreamError.Code
	}{
		// 16 data events: [0] role chunk content "", [1..13] "1" "," " " "2"
		// "," " " "3" "," " " "4" "," " " "5", [14] delta {} finish "stop",
		// [15] choices [] usage completion_tokens 13; then [DONE].
		{name: "openai-chat-stream-include-usage", status: 200, header: sse,
			tokens: 13, tokenChunks: 13, firstIndex: 1, firstText: "1", finish: "stop"},
		// A JSON body with status 200 to a streaming request: the server did
		// not stream, so TTFT cannot be measured: a protocol error.
		{name: "openai-chat-nonstream", status: 200, header: js,
			tokens: 0, firstIndex: -1, class: rundir.Protocol},
		{name: "openai-error-400-invalid-request", status: 400, header: js,
			firstIndex: -1, class: rundir.HTTP4xx, code: "unsupported_value"},
		{name: "openai-error-401-invalid-api-key", status: 401, header: js,
			firstIndex: -1, class: rundir.HTTP4xx, code: "invalid_api_key"},
		// 6 data events: [0] role only {"role":"assistant"} (no content key),
		// [1..5] content "我是" "阿里" "云" "开发" "的一款"; the issue's
		// excerpt ends there, without finish_reason or [DONE]: a stream cut
		// short is a protocol error, after 5 token chunks.
		{name: "vllm-0.5-chat-stream-role-only-first-chunk-no-usage", status: 200, header: sse,
			tokens: 5, tokenChunks: 5, firstIndex: 1, firstText: "我是", class: rundir.Protocol},
		// 2 data events: [0] role chunk with usage completion_tokens 0, [1]
		// "v" with usage completion_tokens 1 (Tokens 1); the excerpt ends
		// there: protocol error; last usage says 1 token.
		{name: "vllm-omni-chat-stream-continuous-usage-partial", status: 200, header: sse,
			tokens: 1, tokenChunks: 1, firstIndex: 1, firstText: "v", class: rundir.Protocol},
		// Flat {"object":"error",…,"code":400}.
		{name: "vllm-error-400-flat", status: 400, header: js,
			firstIndex: -1, class: rundir.HTTP4xx, code: "400"},
		// 7 data events: [0] role, content null, [1..4] "dy" " intens"
		// "achine" "sprach", [5] delta {} finish "length", [6] choices []
		// usage completion_tokens 4; [DONE].
		{name: "llamacpp-chat-stream", status: 200, header: sse,
			tokens: 4, tokenChunks: 4, firstIndex: 1, firstText: "dy", finish: "length"},
		// 5 data events: [0..3] text " past" "nica" " faire" " callback",
		// [4] text "" finish "length" with usage completion_tokens 4 (a
		// summary: not a token); [DONE].
		{name: "llamacpp-completions-stream", api: openai.Completions, status: 200, header: sse,
			tokens: 4, tokenChunks: 4, firstIndex: 0, firstText: " past", finish: "length"},
		// Same shape: "force" " index" "CUR" " Pennsylvan", then "" + usage 4.
		{name: "llamacpp-completions-stream-no-include-usage", api: openai.Completions, status: 200, header: sse,
			tokens: 4, tokenChunks: 4, firstIndex: 0, firstText: "force", finish: "length"},
		{name: "llamacpp-chat-error-400", status: 400, header: js,
			firstIndex: -1, class: rundir.HTTP4xx, code: "400"},
		// 6 data events: [0..3] role+content "CUR" " protagonista" "HS"
		// " command" (no role-only chunk), [4] content "" finish "length",
		// [5] choices [] usage completion_tokens 4; [DONE].
		{name: "ollama-0.17.4-v1-chat-stream", status: 200, header: sse,
			tokens: 4, tokenChunks: 4, firstIndex: 0, firstText: "CUR", finish: "length"},
		// 6 data events: [0..3] text " Task" " arrays" "ran" " sensor", each
		// with usage all zeros, [4] text "" finish "length" usage zeros, [5]
		// choices [] usage completion_tokens 4; [DONE]. The zero usages give
		// no token counts; the last usage is the real one.
		{name: "ollama-0.17.4-v1-completions-stream", api: openai.Completions, status: 200, header: sse,
			tokens: 4, tokenChunks: 4, firstIndex: 0, firstText: " Task", finish: "length"},
		// code null, type "api_error": the type stands in for the code.
		{name: "ollama-0.17.4-v1-chat-error-404", status: 404, header: js,
			firstIndex: -1, class: rundir.HTTP4xx, code: "api_error"},
		// 19 data events (grep -c 'data: {'): [0] role, content "", x_groq id;
		// [1..17] 17 content chunks (grep -c '"delta":{"content":"'), the
		// first "<think>"; [18] delta {} finish "stop" with
		// x_groq.usage completion_tokens 988 (the cassette's middle is
		// elided, so the usage exceeds the chunks kept); [DONE].
		{name: "groq-chat-stream-x_groq-usage", status: 200, header: sse,
			tokens: 988, tokenChunks: 17, firstIndex: 1, firstText: "<think>", finish: "stop"},
		{name: "groq-error-429-rate-limit-body", status: 429, header: js,
			firstIndex: -1, class: rundir.RateLimited, code: "rate_limit_exceeded"},
		// code "429" as a string, type and param the string "None".
		{name: "litellm-proxy-error-429-string-code", status: 429, header: js,
			firstIndex: -1, class: rundir.RateLimited, code: "429"},
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
				resp := &targettest.Response{Status: tc.status, Header: tc.header, Body: targettest.Testdata(t, tc.name)}
				srv := targettest.NewServer(t, targettest.Replay{Response: resp, Split: sp.split})
				r := stream(t, openai.Config{Conn: targets.Conn{BaseURL: srv.URL}, API: tc.api}, targets.Request{Model: "m", Prompt: "p"})

				if got := loadgen.Classify(r.Err); got != tc.class {
					t.Errorf("error class %q, want %q (err: %v)", got, tc.class, r.Err)
				}
				if got := r.OutputTokens(); got != tc.tokens {
					t.Errorf("output tokens %d, want %d", got, tc.tokens)
				}
				if got := r.TokenChunks(); got != tc.tokenChunks {
					t.Errorf("token-bearing chunks %d, want %d", got, tc.tokenChunks)
				}
				i, text := r.FirstToken()
				if i != tc.firstIndex || text != tc.firstText {
					t.Errorf("first token chunk #%d %q, want #%d %q", i, text, tc.firstIndex, tc.firstText)
				}
				if r.Err == nil && r.Final.FinishReason != tc.finish {
					t.Errorf("finish reason %q, want %q", r.Final.FinishReason, tc.finish)
				}
				if tc.code != "" {
					var he *targets.HTTPError
					var se *targets.StreamError
					switch {
					case errors.As(r.Err, &he):
						if he.Code != tc.code || he.Status != tc.status || he.Message == "" {
							t.Errorf("HTTPError %+v, want status %d code %q and a message", he, tc.status, tc.code)
						}
					case errors.As(r.Err, &se):
						if se.Code != tc.code {
							t.Errorf("StreamError %+v, want code %q", se, tc.code)
						}
					default:
						t.Errorf("error %v, want one with code %q", r.Err, tc.code)
					}
				}
			})
		}
	}
}
