package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/rundir"
)

// TestPromptsUniquePerRun (issue 20 item 19): two runs without --seed send
// different prompts (each run draws its own prompt seed, recorded in run.json
// as prompt_seed), so a server's prompt cache cannot answer from the
// earlier run; two runs with --seed 7 send the same prompts, and say so.
func TestPromptsUniquePerRun(t *testing.T) {
	m, err := mock.New(mock.Config{TTFT: time.Millisecond, ITL: time.Millisecond, OutputTokens: 2})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var prompts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req struct {
			Messages []struct{ Content string } `json:"messages"`
		}
		if json.Unmarshal(body, &req) == nil && len(req.Messages) > 0 && len(req.Messages[0].Content) > 20 {
			mu.Lock()
			prompts = append(prompts, req.Messages[0].Content)
			mu.Unlock()
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		m.ServeHTTP(w, r)
	}))
	defer srv.Close()
	run := func(extra ...string) ([]string, *rundir.Manifest) {
		mu.Lock()
		prompts = nil
		mu.Unlock()
		dir := filepath.Join(t.TempDir(), "run")
		args := append([]string{"run", "--target", "vllm", "--url", srv.URL, "--model", "mock", "--concurrency", "1",
			"--requests", "3", "--warmup", "0", "--spread", "0", "--max-tokens", "2", "--prompt-tokens", "64", "--out", dir, "-q"}, extra...)
		if _, stderr, err := runApp(t, args...); err != nil {
			t.Fatalf("run %v: %v\n%s", extra, err, stderr)
		}
		man, err := rundir.ReadManifest(dir)
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		return slices.Sorted(slices.Values(prompts)), man
	}
	a, ma := run()
	b, mb := run()
	if len(a) != 3 || len(b) != 3 {
		t.Fatalf("captured %d and %d measured prompts; want 3 each", len(a), len(b))
	}
	for _, p := range a {
		if slices.Contains(b, p) {
			t.Errorf("two runs without --seed sent the same prompt %.40q…", p)
		}
	}
	if ma.Load.PromptSeed == mb.Load.PromptSeed || ma.Load.PromptSeedExplicit {
		t.Errorf("prompt seeds %d and %d (explicit %v); want two different, drawn", ma.Load.PromptSeed, mb.Load.PromptSeed, ma.Load.PromptSeedExplicit)
	}
	c, mc := run("--seed", "7")
	d, _ := run("--seed", "7")
	if !slices.Equal(c, d) {
		t.Errorf("two runs with --seed 7 sent different prompts")
	}
	if mc.Load.PromptSeed != 7 || !mc.Load.PromptSeedExplicit {
		t.Errorf("--seed 7: prompt_seed %d explicit %v; want 7, true", mc.Load.PromptSeed, mc.Load.PromptSeedExplicit)
	}
}
