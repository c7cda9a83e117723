package tgi_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/targettest"
	"github.com/inferbench/inferbench/targets/tgi"
)

var sseHeader = http.Header{"Content-Type": {"text/event-stream"}}

func replay(t *testing.T, cfg tgi.Config, status int, header http.Header, body string) (result, *targettest.Server) {
	t.Helper()
	srv := targettest.ReplayOnce(t, status, header, body, nil)
	cfg.BaseURL = srv.URL
	return stream(t, cfg, targets.Request{Model: "m", Prompt: "hello", MaxTokens: 8}), srv
}

func tokenEvent(i int, text string, special bool, end string) string {
	gen := "null"
	if end != "" {
		gen = end
	}
	return fmt.Sprintf(`data:{"index":%d,"token":{"id":%d,"text":%q,"logprob":-0.1,"special":%t},"generated_text":%s,"details":null}`+"\n\n", i, i, text, special, gen)
}

func ptr[T any](v T) *T { return &v }

func TestRequestBody(t *testing.T) {
	cases := []struct {
		name string
		req  targets.Request
		want string // the parameters object
	}{
		{"defaults", targets.Request{Model: "m", Prompt: "p"}, `{"details":true}`},
		{"max tokens, seed", targets.Request{Model: "m", Prompt: "p", MaxTokens: 16, Seed: ptr(int64(7))},
			`{"max_new_tokens":16,"details":true,"seed":7}`},
		// Temperature 0 is rejected by TGI: greedy is do_sample false.
		{"temperature 0", targets.Request{Prompt: "p", Temperature: ptr(0.0)}, `{"details":true,"do_sample":false}`},
		{"temperature 0.7", targets.Request{Prompt: "p", Temperature: ptr(0.7)}, `{"details":true,"do_sample":true,"temperature":0.7}`},
		// No ignore_eos or min_tokens in TGI's API: nothing is sent.
		{"ignore eos", targets.Request{Prompt: "p", MaxTokens: 4, IgnoreEOS: true, MinTokens: 4}, `{"max_new_tokens":4,"details":true}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: sseHeader,
				Body: []byte(tokenEvent(1, "a", false, `"a"`))}})
			tg, err := tgi.New(tgi.Config{Conn: targets.Conn{BaseURL: srv.URL + "/", APIKey: "hf_secret"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tg.Stream(t.Context(), tc.req, func(targets.Chunk) {}); err != nil {
				t.Fatal(err)
			}
			got := srv.Requests()[0]
			if got.Path != "/generate_stream" || got.Header.Get("Authorization") != "Bearer hf_secret" {
				t.Errorf("path %q, authorization %q", got.Path, got.Header.Get("Authorization"))
			}
			var body struct {
				Inputs     string          `json:"inputs"`
				Parameters json.RawMessage `json:"parameters"`
			}
			if err := json.Unmarshal(got.Body, &body); err != nil {
				t.Fatal(err)
			}
			if body.Inputs != tc.req.Prompt || string(body.Parameters) != tc.want {
				t.Errorf("body %s, want inputs %q parameters %s", got.Body, tc.req.Prompt, tc.want)
			}
		})
	}
}

// TestChatRequestBody: the Messages API gets max_tokens, a small positive
// temperature for 0, and no vLLM extension.
func TestChatRequestBody(t *testing.T) {
	srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: sseHeader,
		Body: []byte(`data:{"choices":[{"index":0,"delta":{"role":"assistant","content":"x"},"finish_reason":"length"}]}` + "\n\n")}})
	r := stream(t, tgi.Config{Conn: targets.Conn{BaseURL: srv.URL}, API: tgi.Chat},
		targets.Request{Model: "m", Prompt: "p", MaxTokens: 4, MinTokens: 4, IgnoreEOS: true, Temperature: ptr(0.0)})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	req := srv.Requests()[0]
	var body map[string]any
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatal(err)
	}
	if req.Path != "/v1/chat/completions" || body["max_tokens"] != 4.0 || body["temperature"] != tgi.GreedyTemperature {
		t.Errorf("path %s body %s", req.Path, req.Body)
	}
	for _, k := range []string{"ignore_eos", "min_tokens", "max_completion_tokens"} {
		if _, ok := body[k]; ok {
			t.Errorf("sent %s: %s", k, req.Body)
		}
	}
}

func TestStream(t *testing.T) {
	end := `data:{"index":3,"token":{"id":2,"text":"</s>","logprob":-0.1,"special":true},"generated_text":"ab",` +
		`"details":{"finish_reason":"eos_token","generated_tokens":3,"seed":null,"input_length":5}}` + "\n\n"
	cases := []struct {
		name   string
		body   string
		want   []targets.Chunk
		final  targets.Final
		class  rundir.ErrorClass
		status int // StreamError.Status
	}{
		{name: "tokens, special end token, details",
			body:  ":\n\n" + tokenEvent(1, "a", false, "") + tokenEvent(2, "b", false, "") + end,
			want:  []targets.Chunk{{Content: "a", Tokens: 1}, {Content: "b", Tokens: 1}, {Tokens: 1, Usage: &targets.Usage{PromptTokens: 5, CompletionTokens: 3}}},
			final: targets.Final{Usage: &targets.Usage{PromptTokens: 5, CompletionTokens: 3}, FinishReason: "eos_token"}},
		{name: "cut before the end event",
			body:  tokenEvent(1, "a", false, "") + tokenEvent(2, "b", false, ""),
			want:  []targets.Chunk{{Content: "a", Tokens: 1}, {Content: "b", Tokens: 1}},
			class: rundir.Protocol},
		// In-band errors with HTTP 200 (docs/notes/protocols.md §5.1).
		{name: "overloaded in the stream",
			body:  `data:{"error":"Model is overloaded","error_type":"overloaded"}` + "\n\n",
			class: rundir.RateLimited, status: 429},
		{name: "generation error after a token",
			body:  tokenEvent(1, "a", false, "") + `data:{"error":"CUDA out of memory","error_type":"generation"}` + "\n\n",
			want:  []targets.Chunk{{Content: "a", Tokens: 1}},
			class: rundir.StreamErr, status: 424},
		// An error that is no string is kept as written, its type beside it
		// (it was dropped when a type came with it: a message of "").
		{name: "error object with a type",
			body:  `data:{"error":{"message":"CUDA out of memory"},"error_type":"generation"}` + "\n\n",
			class: rundir.StreamErr, status: 424},
		{name: "incomplete generation",
			body:  `data:{"error":"Incomplete generation stream","error_type":"incomplete_generation_stream"}` + "\n\n",
			class: rundir.StreamErr, status: 500},
		{name: "not JSON",
			body:  "data:{\"index\":\n\n",
			class: rundir.Protocol},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := replay(t, tgi.Config{}, 200, sseHeader, tc.body)
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
			var se *targets.StreamError
			if errors.As(r.Err, &se) && (se.Status != tc.status || se.Message == "" || se.Type == "") {
				t.Errorf("stream error %+v, want status %d with type and message", se, tc.status)
			}
		})
	}
}

func TestNotAStream(t *testing.T) {
	r, _ := replay(t, tgi.Config{}, 200, http.Header{"Content-Type": {"application/json"}}, `{"generated_text":"a"}`)
	if loadgen.Classify(r.Err) != rundir.Protocol || !strings.Contains(r.Err.Error(), "did not stream") {
		t.Errorf("err %v, want a protocol error saying the response was not streamed", r.Err)
	}
}

func TestHTTPErrors(t *testing.T) {
	js := http.Header{"Content-Type": {"application/json"}, "Retry-After": {"2"}}
	r, _ := replay(t, tgi.Config{}, 429, js, `{"error":"Model is overloaded","error_type":"overloaded"}`)
	var he *targets.HTTPError
	if !errors.As(r.Err, &he) || he.Code != "overloaded" || he.Message != "Model is overloaded" || he.RetryAfter.Seconds() != 2 {
		t.Fatalf("err %#v", r.Err)
	}
	if loadgen.Classify(r.Err) != rundir.RateLimited {
		t.Errorf("class %q", loadgen.Classify(r.Err))
	}
	// A gateway's HTML page is kept as the body.
	r, _ = replay(t, tgi.Config{}, 502, http.Header{"Content-Type": {"text/html"}}, "<html>Bad Gateway</html>")
	if !errors.As(r.Err, &he) || he.Body != "<html>Bad Gateway</html>" || loadgen.Classify(r.Err) != rundir.HTTP5xx {
		t.Errorf("err %#v", r.Err)
	}
}

// TestKeyNeverShown: a server that echoes the token gets it redacted.
func TestKeyNeverShown(t *testing.T) {
	const key = "hf_verysecrettoken"
	for _, api := range []tgi.API{tgi.Native, tgi.Chat} {
		r, _ := replay(t, tgi.Config{Conn: targets.Conn{APIKey: key}, API: api}, 401, http.Header{"Content-Type": {"application/json"}},
			`{"error":"Authorization header is invalid: `+key+`","error_type":"auth"}`)
		if r.Err == nil || strings.Contains(r.Err.Error(), key) || strings.Contains(fmt.Sprintf("%#v", r.Err), key) {
			t.Errorf("%s: err %v shows the key or is nil", api, r.Err)
		}
	}
	cfg := tgi.Config{Conn: targets.Conn{BaseURL: "http://h", APIKey: key}}
	if s := fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg); strings.Contains(s, key) {
		t.Errorf("Config shows the key: %s", s)
	}
}

func TestNewRejects(t *testing.T) {
	for _, cfg := range []tgi.Config{{}, {Conn: targets.Conn{BaseURL: "ftp://h"}}, {Conn: targets.Conn{BaseURL: "http://"}}, {Conn: targets.Conn{BaseURL: "http://h"}, API: "completions"}} {
		if _, err := tgi.New(cfg); err == nil {
			t.Errorf("New(%v) succeeded", cfg)
		}
	}
}
