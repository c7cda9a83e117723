package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// Issue #17 item 16: a zero that used to become a silent default is refused
// with one line and exit 2.
func TestRunRefusesZeros(t *testing.T) {
	for _, tt := range []struct {
		flag []string
		want string
	}{
		{[]string{"--max-tokens", "0"}, "--max-tokens must be at least 1"},
		{[]string{"--timeout", "0"}, "--timeout must be positive"},
		{[]string{"-n", "0"}, "--requests 0 means no count limit"},
		{[]string{"-c", "0"}, "--concurrency must be at least 1, got 0"},
		{[]string{"--scenario", "qualify", "--concurrency", "0"}, "--concurrency must be at least 1, got 0"},
	} {
		checkUsageError(t, tt.want, append([]string{"run", "--url", "http://127.0.0.1:1", "--model", "m", "--out", filepath.Join(t.TempDir(), "run")}, tt.flag...)...)
	}
}

// Issue #17 item 17: everything local is checked before the first byte
// reaches the server — an --out that already holds a run, a scenario that
// does not load — so a refused run sends nothing, not even the probe.
func TestLocalChecksBeforeProbe(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "no", http.StatusInternalServerError)
	}))
	defer srv.Close()
	held := t.TempDir()
	if err := os.WriteFile(filepath.Join(held, "run.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	badScenario := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(badScenario, []byte("name: x\nload:\n  concurrency: 1\nworkload:\n  max_tokns: 4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--url", srv.URL, "--model", "m", "--out", held}, "already holds a run"},
		{[]string{"run", "--url", srv.URL, "--model", "m", "--out", filepath.Join(t.TempDir(), "r"), "--scenario", badScenario}, "bad.yaml:5:"},
	} {
		checkUsageError(t, tt.want, tt.args...)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the server received %d requests from runs refused by local checks", n)
	}
}
