package registry_test

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/scenarios"
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

// TestShippedScenariosUseKnownKinds: every shipped scenario names a kind of
// this table (scenarios.CheckKind is given Kinds by the command line).
func TestShippedScenariosUseKnownKinds(t *testing.T) {
	for _, name := range scenarios.Shipped() {
		s, err := scenarios.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CheckKind(registry.Kinds()); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
