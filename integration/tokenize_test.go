//go:build integration

package integration

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/inferbench/inferbench/prompt"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets/tokenize"
)

// Exact prompt lengths on the real server (issue #21): prompts built to N
// tokens by llama-server's own /tokenize count N in the prompt_tokens its
// /v1/completions reports, BOS included.
func TestLlamaCppExactPromptLength(t *testing.T) {
	url := serverURL(t, "INFERBENCH_LLAMACPP_URL")
	cl, err := tokenize.New(tokenize.Config{BaseURL: url, Kind: tokenize.LlamaCpp})
	if err != nil {
		t.Fatal(err)
	}
	b := &prompt.Builder{Counter: cl, Source: prompt.SourceServerTokenize}
	for i, n := range []int{7, 128, 512} {
		p, err := b.Build(t.Context(), prompt.Spec{Tokens: n, Words: prompt.Words{Seed: 21, Stream: uint64(i)}})
		if err != nil {
			t.Fatalf("%d tokens: %v", n, err)
		}
		body, _ := json.Marshal(map[string]any{"model": "tiny", "prompt": p.Text, "max_tokens": 1})
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/v1/completions", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Usage struct {
				PromptTokens int `json:"prompt_tokens"`
			} `json:"usage"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%d tokens: HTTP %d, %v", n, resp.StatusCode, err)
		}
		if out.Usage.PromptTokens != n {
			t.Errorf("asked for %d tokens (%d counts to build): the server counted %d", n, p.Calls, out.Usage.PromptTokens)
		}
		t.Logf("%d tokens: %d counts to build, prompt_tokens %d", n, p.Calls, out.Usage.PromptTokens)
	}
}

// A run against the real server (issue #21): --prompt-tokens 512 on the
// completions API is 512 by llama-server's count in every record, sized by
// its /tokenize (run.json says so), and the summary finds them all exact.
func TestLlamaCppRunExactPromptLength(t *testing.T) {
	url := serverURL(t, "INFERBENCH_LLAMACPP_URL")
	r := runBench(t, "--target", "llamacpp", "--url", url, "--model", "tiny", "--api", "completions",
		"-c", "2", "-n", "6", "--warmup", "1", "--prompt-tokens", "512", "--max-tokens", "2")
	for _, rec := range r.records {
		if rec.InputTokens != 512 || rec.InputTokensSource != rundir.SourceServer {
			t.Errorf("record %d: %d prompt tokens (%s), want 512 by the server", rec.ID, rec.InputTokens, rec.InputTokensSource)
		}
	}
	m, err := rundir.ReadManifest(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Load.InputTokensSource != string(prompt.SourceServerTokenize) {
		t.Errorf("run.json: input_tokens_source %q (%s), want server-tokenize", m.Load.InputTokensSource, m.Load.InputTokensNote)
	}
	if ln := r.sum.Levels[0].Lengths; ln == nil || ln.InputExactShare != 1 {
		t.Errorf("summary lengths %+v: want every prompt exact", ln)
	}
}
