package ollama_test

import (
	"bytes"
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
	"github.com/inferbench/inferbench/targets/ollama"
	"github.com/inferbench/inferbench/targets/targettest"
)

// result is what one stream gave (targettest.Result).
type result = targettest.Result

func stream(t *testing.T, cfg ollama.Config, req targets.Request) result {
	return targettest.Stream(t, ollama.New, cfg, req)
}

var ndjsonHeader = http.Header{"Content-Type": {"application/x-ndjson"}}

func replay(t *testing.T, cfg ollama.Config, status int, header http.Header, body string, split targettest.Split) (result, *targettest.Server) {
	t.Helper()
	srv := targettest.ReplayOnce(t, status, header, body, split)
	cfg.BaseURL = srv.URL
	return stream(t, cfg, targets.Request{Model: "m", Prompt: "hello", MaxTokens: 8}), srv
}

// byLine writes each line on its own, as Ollama flushes each object.
func byLine(body []byte) [][]byte {
	var pieces [][]byte
	for len(body) > 0 {
		i := bytes.IndexByte(body, '\n')
		if i < 0 {
			return append(pieces, body)
		}
		pieces = append(pieces, body[:i+1])
		body = body[i+1:]
	}
	return pieces
}

// TestFixtures replays each native Ollama transcript. Chunk indexes count
// the objects the adapter delivers, from 0; expected values were counted by
// reading each testdata file.
func TestFixtures(t *testing.T) {
	cases := []struct {
		name   string
		header http.Header
		// want
		tokens      int // output tokens: server usage, else counted
		tokenChunks int // token-bearing objects
		firstIndex  int
		firstText   string
		finish      string
		usage       *targets.Usage
		server      *targets.ServerTiming
		class       rundir.ErrorClass
	}{
		// 22 objects: [0..20] "Okay" "," " here" … "5" "\n" (21 with text),
		// [21] done:true, response "", done_reason stop,
		// prompt_eval_count 16, eval_count 22 and the durations in ns.
		{name: "ollama-generate-stream", header: ndjsonHeader,
			tokens: 22, tokenChunks: 21, firstIndex: 0, firstText: "Okay", finish: "stop",
			usage:  &targets.Usage{PromptTokens: 16, CompletionTokens: 22},
			server: &targets.ServerTiming{Load: 40691625, Prompt: 40168500, Decode: 108922125, Total: 190084083}},
		// stream:false answer: one application/json object: not a stream.
		{name: "ollama-generate-nonstream", header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
			firstIndex: -1, class: rundir.Protocol},
		// 4 objects " Yes" "." "I" "can", then {"error":…}: no done object.
		{name: "ollama-generate-stream-midstream-error-docs", header: ndjsonHeader,
			tokens: 4, tokenChunks: 4, firstIndex: 0, firstText: " Yes", class: rundir.StreamErr},
		// 7 objects, the last done:true carrying "!" and no metrics: the
		// done object's text is a token; no usage, 7 counted.
		{name: "ollama-stream-docs-final-chunk-carries-text", header: ndjsonHeader,
			tokens: 7, tokenChunks: 7, firstIndex: 0, firstText: "That", finish: "stop"},
	}
	splits := []struct {
		name  string
		split targettest.Split
	}{
		{"by-line", byLine},
		{"mid-line", targettest.MidLine},
		{"7-bytes", targettest.Every(7)},
		{"whole", targettest.Whole},
	}
	for _, tc := range cases {
		for _, sp := range splits {
			t.Run(tc.name+"/"+sp.name, func(t *testing.T) {
				body := targettest.Testdata(t, tc.name)
				r, _ := replay(t, ollama.Config{API: ollama.Completions}, 200, tc.header, string(body), sp.split)
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
					want := targets.Final{Usage: tc.usage, FinishReason: tc.finish, Server: tc.server}
					if diff := cmp.Diff(want, r.Final, ignoreModel); diff != "" {
						t.Errorf("final (-want +got):\n%s", diff)
					}
				}
			})
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestRequestBody(t *testing.T) {
	cases := []struct {
		name string
		api  ollama.API
		req  targets.Request
		path string
		want string
	}{
		{"chat", "", targets.Request{Model: "m", Prompt: "p", MaxTokens: 16}, "/api/chat",
			`{"model":"m","messages":[{"role":"user","content":"p"}],"stream":true,"options":{"num_predict":16}}`},
		// Temperature 0 is sent as 0, not dropped; no ignore_eos exists.
		{"generate", ollama.Completions, targets.Request{Model: "m", Prompt: "p", MaxTokens: 4, IgnoreEOS: true, MinTokens: 4,
			Temperature: ptr(0.0), Seed: ptr(int64(3))}, "/api/generate",
			`{"model":"m","prompt":"p","stream":true,"options":{"num_predict":4,"temperature":0,"seed":3}}`},
		{"no options", ollama.Completions, targets.Request{Model: "m", Prompt: ""}, "/api/generate",
			`{"model":"m","prompt":"","stream":true}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: ndjsonHeader,
				Body: []byte(`{"response":"a","done":true}` + "\n")}})
			tg, err := ollama.New(ollama.Config{Conn: targets.Conn{BaseURL: srv.URL + "/api/"}, API: tc.api})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tg.Stream(t.Context(), tc.req, func(targets.Chunk) {}); err != nil {
				t.Fatal(err)
			}
			got := srv.Requests()[0]
			if got.Path != tc.path || string(got.Body) != tc.want || got.Header.Get("Authorization") != "" {
				t.Errorf("%s %s (auth %q), want %s %s", got.Path, got.Body, got.Header.Get("Authorization"), tc.path, tc.want)
			}
		})
	}
}

// TestChatChannels: /api/chat objects carry content, thinking and tool calls.
func TestChatChannels(t *testing.T) {
	body := `{"message":{"role":"assistant","content":"","thinking":"hmm"},"done":false}` + "\n" +
		`{"message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":{"x":1}}}]},"done":false}` + "\n" +
		`{"message":{"role":"assistant","content":"ok"},"done":false}` + "\n" +
		`{"message":{"role":"assistant","content":""},"done":true,"done_reason":"length","prompt_eval_count":3,"eval_count":9,"eval_duration":1000}` + "\n"
	r, _ := replay(t, ollama.Config{}, 200, ndjsonHeader, body, byLine)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	want := []targets.Chunk{{Reasoning: "hmm"}, {ToolArgs: `{"x":1}`}, {Content: "ok"}, {Usage: &targets.Usage{PromptTokens: 3, CompletionTokens: 9}}}
	if diff := cmp.Diff(want, r.Chunks); diff != "" {
		t.Errorf("chunks (-want +got):\n%s", diff)
	}
	if r.Final.Server == nil || r.Final.Server.Decode != time.Microsecond || r.Final.FinishReason != "length" {
		t.Errorf("final %+v server %+v", r.Final, r.Final.Server)
	}
}

func TestStreamEnds(t *testing.T) {
	cases := []struct {
		name, body string
		class      rundir.ErrorClass
	}{
		{"cut before done", `{"response":"a","done":false}` + "\n", rundir.Protocol},
		{"not JSON", `{"response":` + "\n", rundir.Protocol},
		{"error object", `{"error":{"message":"boom"}}` + "\n", rundir.StreamErr},
		{"done without newline", `{"response":"a","done":true}`, ""},
	}
	for _, tc := range cases {
		r, _ := replay(t, ollama.Config{}, 200, ndjsonHeader, tc.body, nil)
		if got := loadgen.Classify(r.Err); got != tc.class {
			t.Errorf("%s: class %q, want %q (%v)", tc.name, got, tc.class, r.Err)
		}
	}
	// An SSE answer is the wrong protocol.
	r, _ := replay(t, ollama.Config{}, 200, http.Header{"Content-Type": {"text/event-stream"}}, "data: {}\n\n", nil)
	if loadgen.Classify(r.Err) != rundir.Protocol {
		t.Errorf("SSE answer: %v", r.Err)
	}
}

func TestHTTPErrors(t *testing.T) {
	js := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	cases := []struct {
		status     int
		body       string
		msg, code  string
		class      rundir.ErrorClass
		retryAfter time.Duration
	}{
		// OLLAMA server/routes.go: unknown model, full queue.
		{404, `{"error":"model \"nope\" not found, try pulling it first"}`, `model "nope" not found, try pulling it first`, "", rundir.HTTP4xx, 0},
		{503, `{"error":"server busy, please try again.  maximum pending requests exceeded"}`, "server busy, please try again.  maximum pending requests exceeded", "", rundir.HTTP5xx, 0},
		{429, `{"error":{"message":"too many requests","type":"rate_limit"}}`, "too many requests", "rate_limit", rundir.RateLimited, 0},
		// A proxy's numbers are read as every adapter reads them (targets.Scalar).
		{502, `{"error":{"message":"upstream failed","type":502}}`, "upstream failed", "502", rundir.HTTP5xx, 0},
	}
	for _, tc := range cases {
		r, _ := replay(t, ollama.Config{}, tc.status, js, tc.body, nil)
		var he *targets.HTTPError
		if !errors.As(r.Err, &he) || he.Status != tc.status || he.Message != tc.msg || he.Code != tc.code || loadgen.Classify(r.Err) != tc.class {
			t.Errorf("%d: err %#v (class %q)", tc.status, r.Err, loadgen.Classify(r.Err))
		}
	}
}

func TestKeyNeverShown(t *testing.T) {
	const key = "ollama-cloud-secret"
	r, srv := replay(t, ollama.Config{Conn: targets.Conn{APIKey: key}}, 401, http.Header{"Content-Type": {"application/json"}}, `{"error":"bad key `+key+`"}`, nil)
	if r.Err == nil || strings.Contains(fmt.Sprintf("%v %#v", r.Err, r.Err), key) {
		t.Errorf("err %v shows the key or is nil", r.Err)
	}
	if got := srv.Requests()[0].Header.Get("Authorization"); got != "Bearer "+key {
		t.Errorf("Authorization %q", got)
	}
	cfg := ollama.Config{Conn: targets.Conn{BaseURL: "http://h", APIKey: key}}
	if s := fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg); strings.Contains(s, key) {
		t.Errorf("Config shows the key: %s", s)
	}
}

func TestNewRejects(t *testing.T) {
	for _, cfg := range []ollama.Config{{}, {Conn: targets.Conn{BaseURL: "unix:///x"}}, {Conn: targets.Conn{BaseURL: "http://"}}, {Conn: targets.Conn{BaseURL: "http://h"}, API: "native"}} {
		if _, err := ollama.New(cfg); err == nil {
			t.Errorf("New(%v) succeeded", cfg)
		}
	}
}

// ignoreModel leaves Final.Model out of the fixture comparisons; the
// probe's tests (cmd/inferbench TestProbeMock) check the model named.
var ignoreModel = cmpopts.IgnoreFields(targets.Final{}, "Model")
