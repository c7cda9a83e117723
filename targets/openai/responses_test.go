package openai_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestResponsesFixtures replays two recorded Responses streams four ways.
// Indexes count the events delivered, from 0.
func TestResponsesFixtures(t *testing.T) {
	cases := []struct {
		name        string
		tokenChunks int
		firstIndex  int
		firstText   string
		usage       targets.Usage
	}{
		// [0] created, [1] in_progress, [2] reasoning item added, [3] done,
		// [4] message added, [5] content_part.added, [6..56] 51
		// output_text deltas ("I" " tried" …), [57..59] done events, [60]
		// completed: usage 551 in, 633 out (576 of them hidden reasoning).
		{name: "openai-responses-stream-output-text", tokenChunks: 51, firstIndex: 6, firstText: "I",
			usage: targets.Usage{PromptTokens: 551, CompletionTokens: 633}},
		// [0..3] as above, [4] custom_tool_call added, [5..12] 8
		// custom_tool_call_input deltas ("SELECT" " *" …), [13] input done,
		// [14] item done, [15] completed: usage 63 in, 151 out.
		{name: "openai-responses-stream-custom-tool-call", tokenChunks: 8, firstIndex: 5, firstText: "SELECT",
			usage: targets.Usage{PromptTokens: 63, CompletionTokens: 151}},
	}
	for _, tc := range cases {
		for _, sp := range splits {
			t.Run(tc.name+"/"+sp.name, func(t *testing.T) {
				srv := targettest.ReplayOnce(t, 200, http.Header{"Content-Type": {"text/event-stream; charset=utf-8"}}, string(targettest.Testdata(t, tc.name)), sp.split)
				r := targettest.Stream(t, openai.New, openai.Config{Conn: targets.Conn{BaseURL: srv.URL, APIKey: "k"}, API: openai.Responses}, targets.Request{Model: "gpt-5", Prompt: "p"})
				if r.Err != nil {
					t.Fatal(r.Err)
				}
				if got := r.TokenChunks(); got != tc.tokenChunks {
					t.Errorf("token chunks %d, want %d", got, tc.tokenChunks)
				}
				if i, text := r.FirstToken(); i != tc.firstIndex || text != tc.firstText {
					t.Errorf("first token #%d %q, want #%d %q", i, text, tc.firstIndex, tc.firstText)
				}
				if diff := cmp.Diff(targets.Final{Usage: &tc.usage, FinishReason: "completed"}, r.Final); diff != "" {
					t.Errorf("final (-want +got):\n%s", diff)
				}
				if got := r.OutputTokens(); got != tc.usage.CompletionTokens {
					t.Errorf("output tokens %d", got)
				}
			})
		}
	}
}

func rev(typ, data string) string { return "event: " + typ + "\ndata: " + data + "\n\n" }

func TestResponsesEvents(t *testing.T) {
	completed := rev("response.completed", `{"type":"response.completed","response":{"status":"completed","usage":{"input_tokens":2,"output_tokens":3}}}`)
	cases := []struct {
		name  string
		body  string
		want  []targets.Chunk
		final targets.Final
		class rundir.ErrorClass
	}{
		{name: "channels",
			body: rev("response.reasoning_summary_text.delta", `{"type":"response.reasoning_summary_text.delta","delta":"think"}`) +
				rev("response.reasoning_text.delta", `{"type":"response.reasoning_text.delta","delta":" more"}`) +
				rev("response.function_call_arguments.delta", `{"type":"response.function_call_arguments.delta","delta":"{\"a\":"}`) +
				rev("response.refusal.delta", `{"type":"response.refusal.delta","delta":"I can't"}`) + completed,
			want: []targets.Chunk{{Reasoning: "think"}, {Reasoning: " more"}, {ToolArgs: `{"a":`}, {Content: "I can't"},
				{Usage: &targets.Usage{PromptTokens: 2, CompletionTokens: 3}}},
			final: targets.Final{Usage: &targets.Usage{PromptTokens: 2, CompletionTokens: 3}, FinishReason: "completed"}},
		{name: "incomplete at max_output_tokens is a normal end",
			body: rev("response.output_text.delta", `{"type":"response.output_text.delta","delta":"a"}`) +
				rev("response.incomplete", `{"type":"response.incomplete","response":{"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"usage":{"input_tokens":2,"output_tokens":16}}}`),
			want:  []targets.Chunk{{Content: "a"}, {Usage: &targets.Usage{PromptTokens: 2, CompletionTokens: 16}}},
			final: targets.Final{Usage: &targets.Usage{PromptTokens: 2, CompletionTokens: 16}, FinishReason: "max_output_tokens"}},
		{name: "[DONE] from a compatible server",
			body:  rev("response.output_text.delta", `{"type":"response.output_text.delta","delta":"a"}`) + "data: [DONE]\n\n",
			want:  []targets.Chunk{{Content: "a"}},
			final: targets.Final{}},
		{name: "error event: rate limit",
			body:  rev("error", `{"type":"error","code":"rate_limit_exceeded","message":"slow down","param":null,"sequence_number":3}`),
			class: rundir.RateLimited},
		{name: "error event, nested",
			body:  rev("error", `{"type":"error","error":{"type":"server_error","code":"500","message":"oops"}}`),
			class: rundir.StreamErr},
		{name: "response.failed",
			body: rev("response.output_text.delta", `{"type":"response.output_text.delta","delta":"a"}`) +
				rev("response.failed", `{"type":"response.failed","response":{"status":"failed","error":{"code":"server_error","message":"The model failed"}}}`),
			want:  []targets.Chunk{{Content: "a"}},
			class: rundir.StreamErr},
		{name: "cut before the terminal event",
			body:  rev("response.output_text.delta", `{"type":"response.output_text.delta","delta":"a"}`),
			want:  []targets.Chunk{{Content: "a"}},
			class: rundir.Protocol},
		{name: "undecodable", body: rev("response.output_text.delta", `{"type":`), class: rundir.Protocol},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := targettest.ReplayOnce(t, 200, http.Header{"Content-Type": {"text/event-stream"}}, tc.body, nil)
			r := targettest.Stream(t, openai.New, openai.Config{Conn: targets.Conn{BaseURL: srv.URL}, API: openai.Responses}, targets.Request{Model: "m", Prompt: "p"})
			if got := loadgen.Classify(r.Err); got != tc.class {
				t.Fatalf("class %q, want %q (%v)", got, tc.class, r.Err)
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
			if tc.class == rundir.StreamErr && (!errors.As(r.Err, &se) || se.Message == "") {
				t.Errorf("err %#v, want a StreamError with its message", r.Err)
			}
		})
	}
}

// TestResponsesRequest: POST /v1/responses with input, stream and
// max_output_tokens; no chat fields.
func TestResponsesRequest(t *testing.T) {
	srv := targettest.ReplayOnce(t, 200, http.Header{"Content-Type": {"text/event-stream"}},
		rev("response.completed", `{"type":"response.completed","response":{"status":"completed"}}`), nil)
	temp := 0.5
	r := targettest.Stream(t, openai.New, openai.Config{Conn: targets.Conn{BaseURL: srv.URL, APIKey: "k"}, API: openai.Responses},
		targets.Request{Model: "gpt-5", Prompt: "hello", MaxTokens: 12, Temperature: &temp, IgnoreEOS: true})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	req := srv.Requests()[0]
	var body map[string]any
	json.Unmarshal(req.Body, &body)
	want := map[string]any{"model": "gpt-5", "input": "hello", "stream": true, "max_output_tokens": 12.0, "temperature": 0.5}
	if req.Path != "/v1/responses" || req.Header.Get("Authorization") != "Bearer k" || !cmp.Equal(body, want) {
		t.Errorf("%s %q %v", req.Path, req.Header.Get("Authorization"), body)
	}
}

// FuzzResponsesStream feeds arbitrary bodies to the Responses decoder,
// seeded with the recorded streams: no panic, no negative token count,
// only typed errors, and success only after a terminal event or [DONE].
func FuzzResponsesStream(f *testing.F) {
	files, _ := filepath.Glob("testdata/openai-responses-*.txt")
	for _, p := range files {
		b, err := targettest.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(rev("error", `{"type":"error","code":"429","message":"x"}`)))
	tg, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: "http://replay.invalid", Client: &http.Client{Transport: &fuzzTransport{}}}, API: openai.Responses})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ctx := context.WithValue(context.Background(), bodyKey{}, body)
		_, err := tg.Stream(ctx, targets.Request{Model: "m"}, func(c targets.Chunk) {
			if c.Tokens < 0 {
				t.Errorf("negative Tokens %d", c.Tokens)
			}
		})
		var se *targets.StreamError
		var pe *targets.ProtocolError
		switch {
		case err == nil:
			s := string(body)
			if !strings.Contains(s, "response.completed") && !strings.Contains(s, "response.incomplete") && !strings.Contains(s, "[DONE]") {
				t.Errorf("success without a terminal event")
			}
		case errors.As(err, &se), errors.As(err, &pe):
		default:
			t.Errorf("error %T %v", err, err)
		}
	})
}
