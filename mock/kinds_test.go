package mock_test

import (
	"net/http/httptest"
	"os"
	"testing"
	"time"

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
		// Native /completion: tokens_predicted and tokens_evaluated, the
		// timings' prompt_ms and predicted_ms, stop_type eos.
		{"llamacpp", "native", "", true, true, "stop"},
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
	// Every kind of the registry has a route here or in the cloud kinds'
	// test: a new kind without a mock route fails this test.
	covered := map[string]bool{}
	for _, tc := range cases {
		covered[tc.kind] = true
	}
	for _, tc := range cloudCases {
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

// cloudCases are the cloud and OpenAI-compatible kinds through the mock's
// routes for them.
var cloudCases = []struct {
	kind, api, path, model string
	usage, server          bool // Final.Usage and Final.Server expected
}{
	{"bedrock", "chat", "", "us.amazon.nova-micro-v1:0", true, true},
	{"bedrock", "native", "", "meta.llama3-1-8b-instruct-v1:0", true, true},
	{"azure", "chat", "", "my-deployment", true, false},
	{"azure", "completions", "", "my-deployment", true, false},
	{"azure", "chat", "/azure/openai/v1", "my-deployment", true, false},
	{"azure", "responses", "", "my-deployment", true, false},
	{"azure", "responses", "/azure/openai/v1", "my-deployment", true, false},
	{"openai", "responses", "", "gpt-5", true, false},
	{"vertex", "chat", "/v1/projects/proj/locations/europe-west4", "gemini-2.5-flash", true, false},
	{"together", "chat", "/v1", "meta-llama/Llama-3.3-70B-Instruct-Turbo", true, false},
	{"fireworks", "chat", "/v1", "accounts/fireworks/models/llama-v3p1-8b-instruct", true, false},
	{"deepinfra", "chat", "/v1", "meta-llama/Llama-3.3-70B-Instruct", true, false},
	{"openrouter", "chat", "/api/v1", "meta-llama/llama-3.3-70b-instruct", true, false},
	{"openrouter", "completions", "/api/v1", "meta-llama/llama-3.3-70b-instruct", true, false},
	{"openrouter", "responses", "/api/v1", "openai/gpt-5", true, false},
	{"nim", "chat", "/v1", "meta/llama-3.1-8b-instruct", true, false},
	{"sglang", "chat", "", "m", true, false},
	{"sglang", "completions", "", "m", true, false},
	{"trtllm", "chat", "", "m", true, false},
	{"trtllm", "native", "", "ensemble", false, false},
	{"replicate", "native", "", "meta/meta-llama-3-8b-instruct", true, true},
}

// TestNewKindsAgainstMock runs one request of every new kind and API
// through New against the mock's route for it, and checks the tokens and
// what the server reported.
func TestNewKindsAgainstMock(t *testing.T) {
	setCloudEnv(t)
	m, err := mock.New(mock.Config{OutputTokens: 5, TTFT: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	for _, tc := range cloudCases {
		t.Run(tc.kind+"/"+tc.api+tc.path, func(t *testing.T) {
			tg, err := registry.New(tc.kind, registry.Options{URL: srv.URL + tc.path, API: tc.api, APIKey: "k"})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			final, err := tg.Stream(t.Context(), targets.Request{Model: tc.model, Prompt: "a b c", MaxTokens: 16}, func(c targets.Chunk) {
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
			if (final.Usage != nil) != tc.usage || (final.Usage != nil && (final.Usage.CompletionTokens != 5 || final.Usage.PromptTokens != 3)) {
				t.Errorf("usage %+v, want 3 in, 5 out: %t", final.Usage, tc.usage)
			}
			if (final.Server != nil) != tc.server {
				t.Errorf("server timing %+v, want present: %t", final.Server, tc.server)
			}
		})
	}
}

// setCloudEnv gives the cloud kinds what they read from the environment
// (a region, a project, AWS credentials) and keeps the AWS SDK away from
// this machine's files and instance metadata.
func setCloudEnv(t *testing.T) {
	t.Helper()
	for k, v := range map[string]string{
		"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret-test", "AWS_SESSION_TOKEN": "",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_BEARER_TOKEN_BEDROCK": "", "AWS_PROFILE": "",
		"GOOGLE_CLOUD_PROJECT": "proj", "GOOGLE_CLOUD_LOCATION": "us-central1", "AZURE_OPENAI_AD_TOKEN": "",
	} {
		t.Setenv(k, v)
	}
}
