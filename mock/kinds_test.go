package mock_test

import (
	"net/http/httptest"
	"testing"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/registry"
)

// TestKindsAgainstMock runs one request of every target kind and API the
// mock serves through the client adapters (registry.New), and checks what
// each protocol reports: the token count, the prompt count (the mock counts
// words), the finish reason, and the server's own timings where the
// protocol carries them. The mock is the server side, so the test lives
// here: nothing under targets/ imports the mock.
func TestKindsAgainstMock(t *testing.T) {
	const outTokens = 5
	m, err := mock.New(mock.Config{OutputTokens: outTokens})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	cases := []struct {
		kind, api, path string
		server          bool   // Final.Server expected
		prompt          bool   // the protocol reports prompt tokens
		finish          string // expected finish reason ("" : not checked)
	}{
		{"vllm", "chat", "", false, true, ""},
		{"vllm", "completions", "", false, true, ""},
		{"openai", "chat", "", false, true, ""},
		{"litellm", "chat", "", false, true, ""},
		{"llamacpp", "chat", "", false, true, ""},
		{"llamacpp", "completions", "", false, true, ""},
		{"groq", "chat", "/openai/v1", true, true, ""},
		{"tgi", "native", "", false, true, ""},
		{"tgi", "native", "/tgi", false, true, ""},
		{"tgi", "chat", "/tgi", false, false, ""},
		// 5 tokens under a cap of 16: the model stopped on its own.
		{"ollama", "chat", "", true, true, "stop"},
		{"ollama", "completions", "", true, true, "stop"},
		{"anthropic", "chat", "", false, true, "end_turn"},
		{"gemini", "chat", "", false, true, ""},
	}
	// Every kind of the registry has a route here: a new kind without a
	// mock route fails this test.
	covered := map[string]bool{}
	for _, tc := range cases {
		covered[tc.kind] = true
	}
	for _, k := range registry.All() {
		if k.Name != "mock" && !covered[k.Name] {
			t.Errorf("kind %s has no case here (and no mock route?)", k.Name)
		}
	}
	for _, tc := range cases {
		t.Run(tc.kind+"/"+tc.api+tc.path, func(t *testing.T) {
			tg, err := registry.New(tc.kind, registry.Options{URL: srv.URL + tc.path, API: tc.api, APIKey: "k"})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			final, err := tg.Stream(t.Context(), targets.Request{Model: "m", Prompt: "a b c", MaxTokens: 16}, func(c targets.Chunk) {
				if c.HasToken() {
					n += max(c.Tokens, 1)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if n != outTokens {
				t.Errorf("counted %d tokens, want %d", n, outTokens)
			}
			if final.Usage != nil && final.Usage.CompletionTokens != outTokens {
				t.Errorf("usage %+v, want %d completion tokens", final.Usage, outTokens)
			}
			if tc.prompt && (final.Usage == nil || final.Usage.PromptTokens != 3) {
				t.Errorf("usage %+v, want 3 prompt tokens (the mock counts words)", final.Usage)
			}
			if (final.Server != nil) != tc.server {
				t.Errorf("server timing %+v, want present: %t", final.Server, tc.server)
			}
			if tc.server && final.Server.Decode <= 0 && final.Server.Total <= 0 {
				t.Errorf("server timing %+v has no decode or total time", final.Server)
			}
			if tc.finish != "" && final.FinishReason != tc.finish {
				t.Errorf("finish reason %q, want %q", final.FinishReason, tc.finish)
			}
		})
	}
}
