package anthropic_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/anthropic"
	"github.com/inferbench/inferbench/targets/targettest"
)

// result is what one stream gave (targettest.Result).
type result = targettest.Result

func stream(t *testing.T, cfg anthropic.Config, req targets.Request) result {
	return targettest.Stream(t, anthropic.New, cfg, req)
}

var sseHeader = http.Header{"Content-Type": {"text/event-stream; charset=utf-8"}}

func replay(t *testing.T, status int, header http.Header, body string, split targettest.Split) (result, *targettest.Server) {
	t.Helper()
	srv := targettest.ReplayOnce(t, status, header, body, split)
	return stream(t, anthropic.Config{Conn: targets.Conn{BaseURL: srv.URL, APIKey: "sk-ant-test"}}, targets.Request{Model: "m", Prompt: "hello", MaxTokens: 100}), srv
}

// TestFixtures replays each Anthropic transcript. Chunk indexes count the
// events the adapter delivers (every event, pings and message_stop
// included), from 0; expected values were counted by reading each testdata
// file.
func TestFixtures(t *testing.T) {
	js := http.Header{"Content-Type": {"application/json"}}
	cases := []struct {
		name   string
		status int
		header http.Header
		// want
		tokens      int
		tokenChunks int
		firstIndex  int
		firstText   string
		finish      string
		usage       *targets.Usage
		class       rundir.ErrorClass
		code        string
	}{
		// [0] message_start (input 15, output_tokens 3 not final), [1]
		// content_block_start, [2] "1", [3] "\n2\n3", [4] ping, [5]
		// "\n4\n5", [6] content_block_stop, [7] message_delta end_turn
		// output_tokens 13, [8] message_stop.
		{name: "anthropic-messages-stream-with-ping", status: 200, header: sseHeader,
			tokens: 13, tokenChunks: 3, firstIndex: 2, firstText: "1", finish: "end_turn",
			usage: &targets.Usage{PromptTokens: 15, CompletionTokens: 13}},
		// [0] message_start (input 397), [1] block start, [2] "I'll", [3]
		// " get", [4] ping, [5..7] three text deltas, [8] block stop, [9]
		// tool_use block start, [10] partial_json "" (no token), [11..20]
		// ten partial_json pieces, [21] block stop, [22] message_delta
		// tool_use output_tokens 89, [23] message_stop: 5 + 10 token events.
		{name: "anthropic-messages-stream-tooluse-ratelimit-headers", status: 200, header: sseHeader,
			tokens: 89, tokenChunks: 15, firstIndex: 2, firstText: "I'll", finish: "tool_use",
			usage: &targets.Usage{PromptTokens: 397, CompletionTokens: 89}},
		{name: "anthropic-messages-nonstream", status: 200, header: js,
			firstIndex: -1, class: rundir.Protocol},
		{name: "anthropic-error-400-invalid-request", status: 400, header: js,
			firstIndex: -1, class: rundir.HTTP4xx, code: "invalid_request_error"},
		{name: "anthropic-error-404-not-found", status: 404, header: js,
			firstIndex: -1, class: rundir.HTTP4xx, code: "not_found_error"},
		// 529 overloaded is a server error, not a rate limit.
		{name: "anthropic-error-529-overloaded-headers", status: 529, header: http.Header{"Content-Type": {"application/json"}, "X-Should-Retry": {"true"}},
			firstIndex: -1, class: rundir.HTTP5xx, code: "overloaded_error"},
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
					if diff := cmp.Diff(targets.Final{Usage: tc.usage, FinishReason: tc.finish}, r.Final, ignoreModel); diff != "" {
						t.Errorf("final (-want +got):\n%s", diff)
					}
				}
				if tc.code != "" {
					var he *targets.HTTPError
					if !errors.As(r.Err, &he) || he.Status != tc.status || he.Code != tc.code || he.Message == "" {
						t.Errorf("err %#v, want HTTPError %d %q with a message", r.Err, tc.status, tc.code)
					}
				}
			})
		}
	}
}

func ev(typ, data string) string { return "event: " + typ + "\ndata: " + data + "\n\n" }

const (
	start   = `{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"usage":{"input_tokens":7,"output_tokens":1}}}`
	stopEv  = `{"type":"message_stop"   }`
	deltaEv = `{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":4}}`
)

func textDelta(s string) string {
	return fmt.Sprintf(`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":%q}}`, s)
}

func TestStream(t *testing.T) {
	thinking := `{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"let me see"}}`
	signature := `{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQB"}}`
	overloaded := `{"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"}              }`
	rateLimited := `{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}`
	cases := []struct {
		name   string
		body   string
		want   []targets.Chunk
		final  targets.Final
		class  rundir.ErrorClass
		status int
	}{
		{name: "thinking then text",
			body: ev("message_start", start) + ev("ping", `{"type": "ping"}`) + ev("content_block_delta", thinking) + ev("content_block_delta", signature) +
				ev("content_block_delta", textDelta("hi")) + ev("message_delta", deltaEv) + ev("message_stop", stopEv),
			want: []targets.Chunk{{Usage: &targets.Usage{PromptTokens: 7}}, {}, {Reasoning: "let me see"}, {}, {Content: "hi"},
				{Usage: &targets.Usage{PromptTokens: 7, CompletionTokens: 4}}, {}},
			final: targets.Final{Usage: &targets.Usage{PromptTokens: 7, CompletionTokens: 4}, FinishReason: "max_tokens"}},
		// message_start's output_tokens is not the output: a stream cut
		// after it reports the prompt only.
		{name: "cut after a delta",
			body:  ev("message_start", start) + ev("content_block_delta", textDelta("a")),
			want:  []targets.Chunk{{Usage: &targets.Usage{PromptTokens: 7}}, {Content: "a"}},
			final: targets.Final{Usage: &targets.Usage{PromptTokens: 7}},
			class: rundir.Protocol},
		{name: "message_delta without message_stop",
			body:  ev("message_start", start) + ev("content_block_delta", textDelta("a")) + ev("message_delta", deltaEv),
			want:  []targets.Chunk{{Usage: &targets.Usage{PromptTokens: 7}}, {Content: "a"}, {Usage: &targets.Usage{PromptTokens: 7, CompletionTokens: 4}}},
			final: targets.Final{Usage: &targets.Usage{PromptTokens: 7, CompletionTokens: 4}, FinishReason: "max_tokens"}},
		// An error event in a 200 stream, then the connection closes
		// (anthropic-stream-http200-error-event-overloaded).
		{name: "overloaded in the stream",
			body:  ev("message_start", start) + ev("content_block_delta", textDelta("a")) + ev("error", overloaded),
			want:  []targets.Chunk{{Usage: &targets.Usage{PromptTokens: 7}}, {Content: "a"}},
			class: rundir.StreamErr, status: 529},
		{name: "rate limited in the stream",
			body:  ev("error", rateLimited),
			class: rundir.RateLimited, status: 429},
		{name: "not JSON",
			body:  ev("message_start", "{"),
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
			if diff := cmp.Diff(tc.final, r.Final, ignoreModel); tc.class != rundir.StreamErr && diff != "" {
				t.Errorf("final (-want +got):\n%s", diff)
			}
			var se *targets.StreamError
			if errors.As(r.Err, &se) && (se.Status != tc.status || se.Message == "") {
				t.Errorf("stream error %+v, want status %d and a message", se, tc.status)
			}
		})
	}
}

func TestRequest(t *testing.T) {
	body := ev("message_start", start) + ev("message_stop", stopEv)
	for _, tc := range []struct {
		req  targets.Request
		want string
	}{
		{targets.Request{Model: "claude", Prompt: "p", MaxTokens: 8, IgnoreEOS: true, MinTokens: 8, Seed: new(int64)},
			`{"model":"claude","max_tokens":8,"messages":[{"role":"user","content":"p"}],"stream":true}`},
		// max_tokens is required: a default is sent; temperature 0 is kept.
		{targets.Request{Model: "claude", Prompt: "p", Temperature: new(float64)},
			`{"model":"claude","max_tokens":1024,"messages":[{"role":"user","content":"p"}],"stream":true,"temperature":0}`},
	} {
		srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: sseHeader, Body: []byte(body)}})
		r := stream(t, anthropic.Config{Conn: targets.Conn{BaseURL: srv.URL + "/v1/", APIKey: "sk-ant-k"}}, tc.req)
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		got := srv.Requests()[0]
		if got.Path != "/v1/messages" || string(got.Body) != tc.want {
			t.Errorf("%s %s, want /v1/messages %s", got.Path, got.Body, tc.want)
		}
		if got.Header.Get("X-Api-Key") != "sk-ant-k" || got.Header.Get("Anthropic-Version") != "2023-06-01" || got.Header.Get("Authorization") != "" {
			t.Errorf("headers %v", got.Header)
		}
	}
}

func TestHTTPErrors(t *testing.T) {
	r, _ := replay(t, 429, http.Header{"Content-Type": {"application/json"}, "Retry-After": {"55"}},
		`{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}`, nil)
	var he *targets.HTTPError
	if !errors.As(r.Err, &he) || he.RetryAfter != 55*time.Second || he.Code != "rate_limit_error" || loadgen.Classify(r.Err) != rundir.RateLimited {
		t.Errorf("err %#v", r.Err)
	}
	r, _ = replay(t, 401, http.Header{"Content-Type": {"application/json"}},
		`{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`, nil)
	if !errors.As(r.Err, &he) || he.Status != 401 || he.Code != "authentication_error" {
		t.Errorf("err %#v", r.Err)
	}
}

func TestKeyNeverShown(t *testing.T) {
	const key = "sk-ant-api03-secret"
	srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 401, Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key ` + key + `"}}`)}})
	r := stream(t, anthropic.Config{Conn: targets.Conn{BaseURL: srv.URL, APIKey: key}}, targets.Request{Model: "m", Prompt: "p"})
	if r.Err == nil || strings.Contains(fmt.Sprintf("%v %#v", r.Err, r.Err), key) {
		t.Errorf("err %v shows the key or is nil", r.Err)
	}
	cfg := anthropic.Config{Conn: targets.Conn{BaseURL: "http://h", APIKey: key}}
	if s := fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg); strings.Contains(s, key) {
		t.Errorf("Config shows the key: %s", s)
	}
}

// ignoreModel leaves Final.Model out of the fixture comparisons; the
// probe's tests (cmd/inferbench TestProbeMock) check the model named.
var ignoreModel = cmpopts.IgnoreFields(targets.Final{}, "Model")

// TestUndecodableEventNamesIt: an event that is not JSON is named by its
// type, and one without a type reads "undecodable event N" (it read
// "undecodable  event N").
func TestUndecodableEventNamesIt(t *testing.T) {
	for body, want := range map[string]string{
		ev("message_start", "{"): "undecodable message_start event 0: ",
		"data: {\n\n":            "undecodable event 0: ",
	} {
		r, _ := replay(t, 200, sseHeader, body, nil)
		if r.Err == nil || !strings.Contains(r.Err.Error(), want) {
			t.Errorf("body %q: error %v; want it to contain %q", body, r.Err, want)
		}
	}
}
