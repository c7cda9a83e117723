package registry_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/registry"
	"github.com/inferbench/inferbench/targets/targettest"
)

func TestKinds(t *testing.T) {
	want := []string{"anthropic", "azure", "bedrock", "deepinfra", "fireworks", "gemini", "groq", "litellm", "llamacpp", "mock",
		"nim", "ollama", "openai", "openrouter", "replicate", "sglang", "tgi", "together", "trtllm", "vertex", "vllm"}
	if diff := cmp.Diff(want, registry.Kinds()); diff != "" {
		t.Errorf("Kinds (-want +got):\n%s", diff)
	}
}

func TestUnknownKind(t *testing.T) {
	_, err := registry.New("tgi-nope", registry.Options{URL: "http://h"})
	if err == nil || !strings.Contains(err.Error(), `"tgi-nope"`) || !strings.Contains(err.Error(), "anthropic, azure, bedrock") {
		t.Errorf("err = %v, want one naming the kind and listing the known kinds", err)
	}
}

func TestBadOptions(t *testing.T) {
	_, err := registry.New("vllm", registry.Options{URL: "http://h", API: "embeddings"})
	if err == nil || !strings.HasPrefix(err.Error(), "target vllm: ") {
		t.Errorf("err = %v, want a wrapped adapter error", err)
	}
}

// TestKindsSendTheirFlavor: each kind reaches the server with its flavor's
// request fields.
func TestKindsSendTheirFlavor(t *testing.T) {
	cases := []struct {
		kind, api, path string
		want            map[string]any // fields that must be present (nil value: must be absent)
	}{
		{"vllm", "", "/v1/chat/completions", map[string]any{"max_tokens": 16.0, "ignore_eos": true, "min_tokens": 16.0, "max_completion_tokens": nil}},
		{"vllm", "completions", "/v1/completions", map[string]any{"max_tokens": 16.0, "ignore_eos": true, "prompt": "p"}},
		{"openai", "chat", "/v1/chat/completions", map[string]any{"max_completion_tokens": 16.0, "ignore_eos": nil, "min_tokens": nil, "max_tokens": nil}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.kind, "/", tc.api), func(t *testing.T) {
			srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{
				Status: 200, Header: http.Header{"Content-Type": {"text/event-stream"}},
				Body: []byte("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"text\":\"x\"}]}\n\ndata: [DONE]\n\n")}})
			tg, err := registry.New(tc.kind, registry.Options{URL: srv.URL, API: tc.api, APIKey: "k"})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			_, err = tg.Stream(context.Background(), targets.Request{Model: "m", Prompt: "p", MaxTokens: 16, MinTokens: 16, IgnoreEOS: true},
				func(c targets.Chunk) {
					if c.HasToken() {
						n++
					}
				})
			if err != nil || n != 1 {
				t.Fatalf("Stream: %v, %d token chunks", err, n)
			}
			req := srv.Requests()[0]
			if req.Path != tc.path || req.Header.Get("Authorization") != "Bearer k" {
				t.Errorf("path %s auth %q", req.Path, req.Header.Get("Authorization"))
			}
			var body map[string]any
			if err := json.Unmarshal(req.Body, &body); err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.want {
				got, ok := body[k]
				if v == nil && ok {
					t.Errorf("%s sent %s=%v", tc.kind, k, got)
				}
				if v != nil && got != v {
					t.Errorf("%s=%v, want %v", k, got, v)
				}
			}
		})
	}
}

func TestOptionsRedactKey(t *testing.T) {
	o := registry.Options{URL: "http://h", APIKey: "sk-very-secret"}
	for _, s := range []string{fmt.Sprint(o), fmt.Sprintf("%+v %#v %v", o, o, &o)} {
		if strings.Contains(s, "sk-very-secret") {
			t.Errorf("key shown: %s", s)
		}
	}
}

// TestErrorsNameTheKind: a request that cannot be sent is reported under the
// kind the user chose, not its protocol's adapter ("vllm: …", not
// "openai: …"). Bedrock and Vertex are left out: they sign with cloud
// credentials before sending, and their adapters are their kinds' own.
func TestErrorsNameTheKind(t *testing.T) {
	// A client that cannot dial: a port listened on and closed was taken
	// by another package's test server, run at the same time, which then
	// answered these requests.
	refused := &http.Client{Transport: &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("connect: connection refused")
	}}}
	for _, kind := range registry.Kinds() {
		if kind == "bedrock" || kind == "vertex" {
			continue
		}
		tg, err := registry.New(kind, registry.Options{URL: "http://127.0.0.1:9", APIKey: "sk-test-0", Client: refused})
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		_, err = tg.Stream(context.Background(), targets.Request{Model: "owner/m", Prompt: "p", MaxTokens: 4}, func(targets.Chunk) {})
		if err == nil || !strings.HasPrefix(err.Error(), kind+": ") {
			t.Errorf("%s: err = %v, want it led by %q", kind, err, kind+":")
		}
	}
}

// TestForcesLengthIsWhatIsSent: a kind says it forces the output length
// (targets.ForcesLength) exactly when, on each of its APIs, a request that
// asks for it reaches the server with ignore_eos or min_tokens.
func TestForcesLengthIsWhatIsSent(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	forcing := map[string]bool{}
	for _, k := range registry.All() {
		for _, api := range k.APIs {
			srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 500, Header: http.Header{}, Body: []byte("{}")}})
			url, model := srv.URL, "o/m"
			switch k.Name {
			case "vertex":
				url += "/v1/projects/p/locations/l"
			case "azure":
				url += "/openai/v1"
			case "bedrock":
				model = "meta.llama3-8b-instruct-v1:0" // native's body is the model family's
			}
			tg, err := registry.New(k.Name, registry.Options{URL: url, API: api, APIKey: "k"})
			if err != nil {
				t.Errorf("%s/%s: %v", k.Name, api, err)
				continue
			}
			_, _ = tg.Stream(t.Context(), targets.Request{Model: model, Prompt: "p", MaxTokens: 16, MinTokens: 16, IgnoreEOS: true}, func(targets.Chunk) {})
			reqs := srv.Requests()
			if len(reqs) == 0 {
				t.Errorf("%s/%s: no request reached the server", k.Name, api)
				continue
			}
			body := string(reqs[0].Body)
			sent := strings.Contains(body, `"ignore_eos"`) || strings.Contains(body, `"min_tokens"`)
			if says := targets.ForcesLength(tg); says != sent {
				t.Errorf("%s/%s: ForcesLength %v, but the body sent %s", k.Name, api, says, body)
			}
			if sent {
				forcing[k.Name+"/"+api] = true
			}
		}
	}
	// The kinds that can, by name: a kind that stopped sending it fails here
	// as well as above.
	want := map[string]bool{"vllm/chat": true, "vllm/completions": true, "mock/chat": true, "mock/completions": true,
		"llamacpp/chat": true, "llamacpp/completions": true, "llamacpp/native": true, "sglang/chat": true, "sglang/completions": true,
		"trtllm/chat": true, "trtllm/completions": true, "replicate/native": true}
	if diff := cmp.Diff(want, forcing); diff != "" {
		t.Errorf("kinds that force the length (-want +got):\n%s", diff)
	}
}
