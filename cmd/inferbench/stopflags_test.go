package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/mock"
)

// TestStopCheckedAfterFlags: a scenario's stop sequences are judged
// against the target run's flags make of it (--target, --api over the
// file's), not the file's alone: a scenario for OpenAI's Responses API run
// with --api chat, or for Replicate (stop sequences joined by commas) run
// with --target vllm, runs; one for vLLM run with --target openai --api
// responses is refused.
func TestStopCheckedAfterFlags(t *testing.T) {
	m, err := mock.New(mock.Config{OutputTokens: 2})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	dir := t.TempDir()
	for i, tc := range []struct {
		target, flags string
		refused       string // "" runs
	}{
		{"{kind: openai, api: responses}\nworkload: {stop: x}", "--api chat", ""},
		{"{kind: replicate}\nworkload: {stop: [\"a,b\"]}", "--target vllm", ""},
		{"{kind: vllm}\nworkload: {stop: x}", "--target openai --api responses", "target openai sends no stop sequences on API responses"},
	} {
		file := filepath.Join(dir, "s.yaml")
		if err := os.WriteFile(file, []byte("name: s\ntarget: "+tc.target+"\nload: {concurrency: 1, requests: 2, warmup: 0}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		args := append([]string{"run", "--scenario", file, "--url", srv.URL, "--model", "m", "--max-tokens", "2", "--prompt-tokens", "4",
			"--gpu-backend", "none", "--out", filepath.Join(dir, "run", string(rune('a'+i)))}, strings.Fields(tc.flags)...)
		_, stderr, code := mainArgs(t, args...)
		switch {
		case tc.refused == "" && code != 0:
			t.Errorf("%s: exit %d: %s", tc.flags, code, stderr)
		case tc.refused != "" && (code != exitUsage || !strings.Contains(stderr, tc.refused)):
			t.Errorf("%s: exit %d %q; want 2 saying %q", tc.flags, code, stderr, tc.refused)
		}
	}
}
