package registry_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/mock"
	"github.com/inferbench/inferbench/targets/registry"
)

func TestDefaultKeyEnv(t *testing.T) {
	want := map[string]string{
		"openai": "OPENAI_API_KEY", "vllm": "VLLM_API_KEY", "litellm": "LITELLM_API_KEY", "groq": "GROQ_API_KEY",
		"tgi": "HF_TOKEN", "ollama": "", "llamacpp": "", "anthropic": "ANTHROPIC_API_KEY", "gemini": "GEMINI_API_KEY",
		"nope": "",
	}
	for kind, env := range want {
		if got := registry.DefaultKeyEnv(kind); got != env {
			t.Errorf("DefaultKeyEnv(%q) = %q; want %q", kind, got, env)
		}
	}
}

// TestKindTable: every kind has a protocol, at least one API, and its
// default API and URL work with New.
func TestKindTable(t *testing.T) {
	setCloudEnv(t) // bedrock's region, vertex's project
	for _, k := range registry.All() {
		if k.Protocol == "" || len(k.APIs) == 0 || k.Notes == "" {
			t.Errorf("%s: incomplete entry %+v", k.Name, k)
		}
		url := k.URL
		if url == "" {
			url = "http://127.0.0.1:1"
			if _, err := registry.New(k.Name, registry.Options{}); err == nil || !strings.Contains(err.Error(), "no URL") {
				t.Errorf("%s without a URL: %v", k.Name, err)
			}
		}
		for _, api := range append([]string{""}, k.APIs...) {
			if _, err := registry.New(k.Name, registry.Options{URL: url, API: api}); err != nil {
				t.Errorf("New(%s, API %q): %v", k.Name, api, err)
			}
		}
		if _, err := registry.New(k.Name, registry.Options{URL: url, API: "embeddings"}); err == nil {
			t.Errorf("%s accepted API embeddings", k.Name)
		}
	}
}

// TestKindsAgainstMock runs one request of every kind and API the mock
// serves through New, and checks the output token count: the mock speaks
// each protocol at the paths below (targets/mock doc).
func TestKindsAgainstMock(t *testing.T) {
	m, err := mock.New(mock.Config{OutputTokens: 5})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	cases := []struct {
		kind, api, path string
		server          bool // Final.Server expected
	}{
		{"vllm", "chat", "", false},
		{"vllm", "completions", "", false},
		{"openai", "chat", "", false},
		{"litellm", "chat", "", false},
		{"llamacpp", "chat", "", false},
		{"llamacpp", "completions", "", false},
		{"groq", "chat", "/openai/v1", true},
		{"tgi", "native", "", false},
		{"tgi", "chat", "/tgi", false},
		{"ollama", "chat", "", true},
		{"ollama", "completions", "", true},
		{"anthropic", "chat", "", false},
		{"gemini", "chat", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.kind+"/"+tc.api, func(t *testing.T) {
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
			if n != 5 {
				t.Errorf("counted %d tokens, want 5", n)
			}
			if final.Usage != nil && final.Usage.CompletionTokens != 5 {
				t.Errorf("usage %+v, want 5 completion tokens", final.Usage)
			}
			if (final.Server != nil) != tc.server {
				t.Errorf("server timing %+v, want present: %t", final.Server, tc.server)
			}
		})
	}
}
