package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
)

// TestStopFlagSentWhole: each --stop is one stop sequence, commas and new
// lines kept, sent on every request in the order given; one the kind's API
// cannot send is refused by the flag's name before anything is sent.
func TestStopFlagSentWhole(t *testing.T) {
	m, err := mock.New(mock.Config{TTFT: time.Millisecond, ITL: time.Millisecond, OutputTokens: 2})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var stops [][]string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req struct {
			Stop      []string `json:"stop"`
			MaxTokens int      `json:"max_tokens"`
		}
		// The measured requests (the probe's asks for its own few tokens,
		// and sends no stop sequence that could end it before its first).
		if r.URL.Path == "/v1/chat/completions" && json.Unmarshal(body, &req) == nil && req.MaxTokens == 2 {
			mu.Lock()
			stops = append(stops, req.Stop)
			mu.Unlock()
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		m.ServeHTTP(w, r)
	}))
	defer srv.Close()
	args := []string{"run", "--target", "vllm", "--url", srv.URL, "--model", "mock", "-c", "1", "-n", "2", "--spread", "0",
		"--max-tokens", "2", "--prompt-tokens", "16", "-q", "--stop", "Human, AI:", "--stop", "\n\nUser:"}
	if _, stderr, err := runApp(t, append(args, "--out", filepath.Join(t.TempDir(), "run"))...); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	want := []string{"Human, AI:", "\n\nUser:"}
	if len(stops) < 2 || slices.ContainsFunc(stops, func(s []string) bool { return !slices.Equal(s, want) }) {
		t.Errorf("stop sent: %q; want %q on every request", stops, want)
	}
	_, _, err = runApp(t, "run", "--target", "openai", "--api", "responses", "--url", srv.URL, "--model", "mock", "-n", "1",
		"--stop", "x", "--out", filepath.Join(t.TempDir(), "r"))
	if err == nil || !strings.HasPrefix(err.Error(), "--stop: target openai sends no stop sequences on API responses") {
		t.Errorf("--stop on the Responses API: %v; want it refused by the flag's name", err)
	}
}

// TestStopFlagWithCommaOnReplicate: Replicate takes its stop sequences as
// one comma-separated string, so a --stop holding a comma cannot be sent
// whole there: the run is refused by the flag's name, naming the sequence
// and why, before anything is sent. It ran, and every request failed in
// the adapter. Other kinds send the same sequence whole
// (TestStopFlagSentWhole).
func TestStopFlagWithCommaOnReplicate(t *testing.T) {
	var mu sync.Mutex
	sent := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent++
		mu.Unlock()
		http.NotFound(w, r)
	}))
	defer srv.Close()
	t.Setenv("REPLICATE_API_TOKEN", "r8_test")
	_, _, err := runApp(t, "run", "--target", "replicate", "--url", srv.URL, "--model", "meta/meta-llama-3-8b-instruct", "-n", "2", "--no-probe",
		"--stop", "Human, AI:", "--out", filepath.Join(t.TempDir(), "run"))
	const want = `--stop: target replicate cannot send the stop sequence "Human, AI:"`
	mu.Lock()
	defer mu.Unlock()
	if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") || sent != 0 {
		t.Errorf("--stop with a comma on replicate: %v, %d requests sent; want one line beginning %q and nothing sent", err, sent, want)
	}
}
