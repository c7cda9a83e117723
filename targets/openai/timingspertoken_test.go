package openai_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestLlamaCppTimingsPerTokenCountsEachEvent replays two streams recorded
// from llama-server 0.5.0 with timings_per_token: 12 tokens in 11 text
// events, one event carrying two (a token that ended inside a UTF-8
// sequence is sent with the next one; the stream says so only by
// timings.predicted_n, which steps by 2 there: 3 → 5 in the chat stream,
// 8 → 10 in the completions one). Counted one per event, the chunks held 11
// of the server's 12 tokens, and a level's ITL spread the gap of that event
// over one token instead of two (against the real server: 4 of 90 requests
// of the tiny-any model, 2026-12-06).
func TestLlamaCppTimingsPerTokenCountsEachEvent(t *testing.T) {
	for _, tc := range []struct {
		name  string
		api   openai.API
		multi string // the text of the event that carried two tokens
	}{
		{"llamacpp-0.5.0-chat-stream-timings-per-token", openai.Chat, "\ufffd фло"},
		{"llamacpp-0.5.0-completions-stream-timings-per-token", openai.Completions, ""},
	} {
		for _, sp := range []struct {
			name  string
			split targettest.Split
		}{{"by-event", targettest.ByEvent}, {"7-bytes", targettest.Every(7)}} {
			t.Run(tc.name+"/"+sp.name, func(t *testing.T) {
				resp := &targettest.Response{Status: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: targettest.Testdata(t, tc.name)}
				srv := targettest.NewServer(t, targettest.Replay{Response: resp, Split: sp.split})
				r := stream(t, openai.Config{Conn: targets.Conn{BaseURL: srv.URL}, API: tc.api, Flavor: openai.FlavorLlamaCpp}, targets.Request{Model: "m", Prompt: "p"})
				if r.Err != nil {
					t.Fatal(r.Err)
				}
				if got := r.OutputTokens(); got != 12 {
					t.Fatalf("output tokens %d, want the server's 12", got)
				}
				if got := r.TokenChunks(); got != 12 {
					t.Errorf("the token-bearing chunks hold %d tokens, want the server's 12", got)
				}
				events, two := 0, 0
				for _, c := range r.Chunks {
					if !c.HasToken() {
						continue
					}
					events++
					if c.Tokens == 2 {
						two++
						if tc.multi != "" && c.Content != tc.multi {
							t.Errorf("the two-token event has text %q, want %q", c.Content, tc.multi)
						}
					}
				}
				if events != 11 || two != 1 {
					t.Errorf("%d token-bearing events, %d of them with 2 tokens; want 11 and 1", events, two)
				}
			})
		}
	}
}

// TestLlamaCppAsksTimingsPerToken checks that the llama.cpp flavor asks
// llama-server for its timings on every event (timings_per_token), the
// only per-event token count its OpenAI-compatible streams give, and that
// no other flavor sends the field.
func TestLlamaCppAsksTimingsPerToken(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  openai.Config
		want bool
	}{
		{"llamacpp chat", openai.Config{Flavor: openai.FlavorLlamaCpp}, true},
		{"llamacpp completions", openai.Config{Flavor: openai.FlavorLlamaCpp, API: openai.Completions}, true},
		{"vllm chat", openai.Config{Flavor: openai.FlavorVLLM}, false},
		{"openai completions", openai.Config{API: openai.Completions}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{
				Status: 200, Header: sseHeader, Body: []byte("data: " + content("a") + "\n\ndata: [DONE]\n\n")}})
			cfg := tc.cfg
			cfg.BaseURL = srv.URL
			tg, err := openai.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tg.Stream(context.Background(), targets.Request{Model: "m", Prompt: "p", MaxTokens: 8}, func(targets.Chunk) {}); err != nil {
				t.Fatal(err)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			var body map[string]any
			if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
				t.Fatal(err)
			}
			if got, _ := body["timings_per_token"].(bool); got != tc.want {
				t.Errorf("timings_per_token %v in %s, want %v", body["timings_per_token"], reqs[0].Body, tc.want)
			}
		})
	}
}
