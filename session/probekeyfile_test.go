package session

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
)

// TestProbeKeyFile: `targets probe --api-key-file` sends the file's key, as
// run does, so a key kept in a file can be checked before a run; the key
// is never printed. A missing file is the caller's error.
func TestProbeKeyFile(t *testing.T) {
	m, err := mock.New(mock.Config{TTFT: time.Millisecond, ITL: time.Millisecond, OutputTokens: 2})
	if err != nil {
		t.Fatal(err)
	}
	const key = "sk-from-a-file-7f3a"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+key {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		m.ServeHTTP(w, r)
	}))
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(file, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	o := ProbeOptions{Kind: "vllm", URL: srv.URL, Model: "m", API: "chat", KeyFile: file, Timeout: 10 * time.Second}
	if err := ProbeEndpoint(t.Context(), o, &out); err != nil || strings.Contains(out.String(), key) {
		t.Fatalf("probe with --api-key-file: %v\n%s", err, out.String())
	}
	o.KeyFile = filepath.Join(t.TempDir(), "none")
	if err := ProbeEndpoint(t.Context(), o, &out); err == nil || !strings.Contains(err.Error(), "--api-key-file") {
		t.Errorf("a missing key file: %v", err)
	}
}
