package openai_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/targettest"
)

// ms converts milliseconds, as llama.cpp writes them, to a Duration.
func ms(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

// TestServerTiming: the server's own times, read from the recordings, become
// Final.Server (values copied from each testdata file).
func TestServerTiming(t *testing.T) {
	cases := []struct {
		name string
		api  openai.API
		want *targets.ServerTiming
	}{
		// x_groq.usage: queue_time 0.056572745, prompt_time 0.011126655,
		// completion_time 3.426243708, total_time 3.437370363 (seconds).
		{"groq-chat-stream-x_groq-usage", openai.Chat, &targets.ServerTiming{Queue: 56572745, Prompt: 11126655, Decode: 3426243708, Total: 3437370363}},
		// timings.prompt_ms / predicted_ms.
		{"llamacpp-chat-stream", openai.Chat, &targets.ServerTiming{Prompt: ms(106.081), Decode: ms(20.697)}},
		{"llamacpp-completions-stream", openai.Completions, &targets.ServerTiming{Prompt: ms(23.714), Decode: ms(168.427)}},
		{"llamacpp-completions-stream-no-include-usage", openai.Completions, &targets.ServerTiming{Prompt: ms(0.745), Decode: ms(1.266)}},
		{"openai-chat-stream-include-usage", openai.Chat, nil},
	}
	for _, tc := range cases {
		for _, sp := range []targettest.Split{targettest.ByEvent, targettest.Every(5)} {
			resp := &targettest.Response{Status: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: targettest.Testdata(t, tc.name)}
			srv := targettest.NewServer(t, targettest.Replay{Response: resp, Split: sp})
			r := stream(t, openai.Config{Conn: targets.Conn{BaseURL: srv.URL}, API: tc.api}, targets.Request{Model: "m", Prompt: "p"})
			if r.Err != nil {
				t.Fatalf("%s: %v", tc.name, r.Err)
			}
			if diff := cmp.Diff(tc.want, r.Final.Server, cmp.Comparer(func(a, b time.Duration) bool { return (a - b).Abs() <= time.Microsecond })); diff != "" {
				t.Errorf("%s: server timing (-want +got):\n%s", tc.name, diff)
			}
		}
	}
}

// TestCachedTokens (issue 20 item 19): the prompt tokens a server says it
// answered from its cache become Final.CachedTokens, from OpenAI's
// usage.prompt_tokens_details.cached_tokens or llama.cpp's timings.cache_n
// (values copied from each recording: 0, 1 and 2; OpenAI's has no details).
func TestCachedTokens(t *testing.T) {
	for name, want := range map[string]int{"llamacpp-chat-stream": 0, "llamacpp-completions-stream": 1,
		"llamacpp-completions-stream-no-include-usage": 2, "openai-chat-stream-include-usage": 0} {
		api := openai.Completions
		if strings.Contains(name, "chat") {
			api = openai.Chat
		}
		for _, sp := range []targettest.Split{targettest.ByEvent, targettest.Every(5)} {
			resp := &targettest.Response{Status: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: targettest.Testdata(t, name)}
			srv := targettest.NewServer(t, targettest.Replay{Response: resp, Split: sp})
			r := stream(t, openai.Config{Conn: targets.Conn{BaseURL: srv.URL}, API: api}, targets.Request{Model: "m", Prompt: "p"})
			if r.Err != nil {
				t.Fatalf("%s: %v", name, r.Err)
			}
			if r.Final.CachedTokens != want {
				t.Errorf("%s: cached tokens %d; want %d", name, r.Final.CachedTokens, want)
			}
		}
	}
}

// TestLlamaCppNative replays llama-server's /completion stream: three events
// "lus" "isat" " Bright" with tokens_predicted 1, 2, 3, then the stop event
// (content "", stop_type limit, tokens_evaluated 3, timings prompt_ms
// 138.756, predicted_ms 0.944); no [DONE].
func TestLlamaCppNative(t *testing.T) {
	for _, sp := range []targettest.Split{targettest.ByEvent, targettest.MidLine, targettest.Every(7), targettest.Whole} {
		resp := &targettest.Response{Status: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: targettest.Testdata(t, "llamacpp-native-completion-stream")}
		srv := targettest.NewServer(t, targettest.Replay{Response: resp, Split: sp})
		r := stream(t, openai.Config{Conn: targets.Conn{BaseURL: srv.URL + "/v1"}, API: openai.Native, Flavor: openai.FlavorLlamaCpp},
			targets.Request{Model: "tiny", Prompt: "Say hi", MaxTokens: 3, IgnoreEOS: true, MinTokens: 3})
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		want := []chunk{{Content: "lus", Tokens: 1}, {Content: "isat", Tokens: 1}, {Content: " Bright", Tokens: 1}, {}}
		if diff := cmp.Diff(want, plain(r.Chunks)); diff != "" {
			t.Errorf("chunks (-want +got):\n%s", diff)
		}
		// The recording's timings.cache_n: 2 of the prompt's tokens came
		// from the slot's cache.
		wantFinal := targets.Final{Usage: &targets.Usage{PromptTokens: 3, CompletionTokens: 3}, FinishReason: "length",
			Server: &targets.ServerTiming{Prompt: ms(138.756), Decode: ms(0.944)}, CachedTokens: 2}
		if diff := cmp.Diff(wantFinal, r.Final, cmp.Comparer(func(a, b time.Duration) bool { return (a - b).Abs() <= time.Microsecond })); diff != "" {
			t.Errorf("final (-want +got):\n%s", diff)
		}
		req := srv.Requests()[0]
		var body map[string]any
		if err := json.Unmarshal(req.Body, &body); err != nil {
			t.Fatal(err)
		}
		if req.Path != "/completion" || body["n_predict"] != 3.0 || body["ignore_eos"] != true || body["prompt"] != "Say hi" || body["min_tokens"] != nil || body["stream"] != true {
			t.Errorf("%s %s", req.Path, req.Body)
		}
	}
	// Cut before the stop event: a protocol error.
	srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: http.Header{"Content-Type": {"text/event-stream"}},
		Body: []byte(`data: {"index":0,"content":"a","tokens":[1],"stop":false,"tokens_predicted":1}` + "\n\n")}})
	r := stream(t, openai.Config{Conn: targets.Conn{BaseURL: srv.URL}, API: openai.Native, Flavor: openai.FlavorLlamaCpp}, targets.Request{Model: "m", Prompt: "p"})
	if loadgen.Classify(r.Err) != rundir.Protocol {
		t.Errorf("cut stream: %v", r.Err)
	}
	if _, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: "http://h"}, API: openai.Native}); err == nil {
		t.Errorf("native API accepted without the llama.cpp flavor")
	}
}

// TestLlamaCppFlavor: the OpenAI-compatible endpoints get max_tokens and
// ignore_eos, never min_tokens.
func TestLlamaCppFlavor(t *testing.T) {
	for _, api := range []openai.API{openai.Chat, openai.Completions} {
		srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: http.Header{"Content-Type": {"text/event-stream"}},
			Body: []byte(`data: {"choices":[{"index":0,"delta":{"content":"x"},"text":"x","finish_reason":"length"}]}` + "\n\ndata: [DONE]\n\n")}})
		r := stream(t, openai.Config{Conn: targets.Conn{BaseURL: srv.URL}, API: api, Flavor: openai.FlavorLlamaCpp}, targets.Request{Model: "m", Prompt: "p", MaxTokens: 5, MinTokens: 5, IgnoreEOS: true})
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		var body map[string]any
		if err := json.Unmarshal(srv.Requests()[0].Body, &body); err != nil {
			t.Fatal(err)
		}
		if body["max_tokens"] != 5.0 || body["ignore_eos"] != true || body["min_tokens"] != nil || body["max_completion_tokens"] != nil {
			t.Errorf("%s: %s", api, srv.Requests()[0].Body)
		}
	}
}
