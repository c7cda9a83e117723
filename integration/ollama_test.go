//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Ollama's native APIs (ollama kind: /api/chat, /api/generate) and its
// OpenAI-compatible ones on the same server, at concurrency 4 on the tiny
// model: every request ok, exactly max_tokens from the server's counts, the
// server's durations recorded. The OpenAI-compatible chat endpoint is driven
// with the vllm kind, which caps the output with max_tokens: the openai kind
// sends max_completion_tokens for chat, which Ollama ignores (see
// TestOllamaIgnoresMaxCompletionTokens).
func TestOllamaAPIs(t *testing.T) {
	url := serverURL(t, "INFERBENCH_OLLAMA_URL")
	for _, tc := range []struct{ kind, api string }{
		{"ollama", "chat"}, {"ollama", "completions"}, {"vllm", "chat"}, {"openai", "completions"},
	} {
		t.Run(tc.kind+"-"+tc.api, func(t *testing.T) {
			const n, maxTokens = 24, 32
			r := runBench(t, "--target", tc.kind, "--url", url, "--model", "tiny", "--api", tc.api, "--server-metrics", "off",
				"-c", "4", "-n", "24", "--warmup", "4", "--max-tokens", "32", "--prompt-tokens", "64")
			checkComplete(t, r, n, maxTokens)
			if tc.kind == "ollama" {
				for _, rec := range r.records {
					if rec.Server == nil || rec.Server.Decode <= 0 || rec.Server.Total <= 0 {
						t.Fatalf("request %d: server timings %+v, want Ollama's durations", rec.ID, rec.Server)
					}
				}
				if l := r.sum.Levels[0]; l.ServerTTFTMS.N != n {
					t.Errorf("server_ttft_ms over %d requests, want %d", l.ServerTTFTMS.N, n)
				}
			}
			logLevels(t, "ollama tiny "+tc.kind+"/"+tc.api, r)
		})
	}
}

// Quirk (notes §4.3): Ollama's /v1/completions stream carries usage twice:
// zeros on the finish chunk, the real counts on a later choices:[] chunk.
// Shown on the raw stream; TestOllamaAPIs/openai-completions checks that
// inferbench takes the last (output tokens = max_tokens, not 0).
func TestOllamaZeroUsageFirst(t *testing.T) {
	url := serverURL(t, "INFERBENCH_OLLAMA_URL")
	body := `{"model":"tiny","prompt":"hello world","max_tokens":8,"stream":true,"stream_options":{"include_usage":true}}`
	resp, err := http.Post(url+"/v1/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b := drain(resp)
	var usages []int
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok || data == "[DONE]" {
			continue
		}
		var ev struct {
			Usage *struct {
				CompletionTokens int `json:"completion_tokens"`
			} `json:"usage"`
		}
		if err := json.Unmarshal([]byte(data), &ev); err != nil {
			t.Fatalf("%v: %s", err, data)
		}
		if ev.Usage != nil {
			usages = append(usages, ev.Usage.CompletionTokens)
		}
	}
	t.Logf("completion_tokens in the usage objects, in order: %v", usages)
	if len(usages) == 0 || usages[len(usages)-1] != 8 {
		t.Fatalf("last usage %v, want 8 completion tokens", usages)
	}
	if len(usages) < 2 || usages[0] != 0 {
		t.Errorf("usage objects %v: the zero-usage-first quirk is gone (Ollama fixed?)", usages)
	}
}

// Quirk found here: Ollama 0.17.4's /v1/chat/completions ignores
// max_completion_tokens (OpenAI's current name for the cap, which
// inferbench's openai kind sends for chat) and honours only max_tokens; with
// a model that never emits EOS a request then runs until its context is
// full (minutes). Read the stream until it passes the cap, then cancel.
func TestOllamaIgnoresMaxCompletionTokens(t *testing.T) {
	url := serverURL(t, "INFERBENCH_OLLAMA_URL")
	count := func(field string) int {
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		body := `{"model":"tiny","messages":[{"role":"user","content":"hello there"}],"` + field + `":8,"stream":true}`
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/v1/chat/completions", strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		n := 0
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() && n < 40 {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok || data == "[DONE]" {
				continue
			}
			var ev struct {
				Choices []struct {
					Delta struct {
						Content string `json:"content"`
					} `json:"delta"`
				} `json:"choices"`
			}
			if err := json.Unmarshal([]byte(data), &ev); err != nil {
				t.Fatalf("%v: %s", err, data)
			}
			if len(ev.Choices) > 0 && ev.Choices[0].Delta.Content != "" {
				n++
			}
		}
		return n
	}
	capped, uncapped := count("max_tokens"), count("max_completion_tokens")
	t.Logf("content events with max_tokens 8: %d; with max_completion_tokens 8: %d (read up to 40)", capped, uncapped)
	if capped != 8 {
		t.Errorf("max_tokens 8 gave %d content events, want 8", capped)
	}
	if uncapped <= 8 {
		t.Errorf("max_completion_tokens 8 gave %d content events: Ollama now honours it; drive its chat with the openai kind again", uncapped)
	}
}
