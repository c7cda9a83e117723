package session

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
)

// TestServerVersionHoldsNoKey: the version a server states goes into
// run.json, and a server can echo the API key it was sent in it (a
// gateway's debug string; a hostile server's echo of the probe's key).
// run.json never holds the key, nor a part of it cut short by the length
// limit. Before, the version was recorded as the server wrote it.
func TestServerVersionHoldsNoKey(t *testing.T) {
	const key = "sk-SECRET-123"
	for _, version := range []string{
		"0.9.1 " + key,
		strings.Repeat("v", targets.MaxErrorBody-5) + key, // the cut falls inside the key
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"version":"` + version + `"}`))
		}))
		si := serverInfo(t.Context(), srv.Client(), &Options{Kind: "vllm", URL: srv.URL, APIKey: key})
		srv.Close()
		if si == nil || si.Version == "" {
			t.Fatalf("no version recorded: %+v", si)
		}
		if strings.Contains(si.Version, "sk-SE") {
			t.Errorf("version %q holds the key or part of it", si.Version)
		}
	}
}

// TestServerArgsHoldNoKey: --server-args pasted from a launch command
// (vllm serve … --api-key KEY) are recorded without the key.
func TestServerArgsHoldNoKey(t *testing.T) {
	const key = "sk-SECRET-456"
	si := serverInfo(t.Context(), http.DefaultClient, &Options{Kind: "openai", APIKey: key, ServerArgs: "--max-num-seqs 64 --api-key " + key})
	if si == nil || strings.Contains(si.Args, key) || !strings.Contains(si.Args, "--max-num-seqs 64") {
		t.Errorf("server args recorded as %+v; want them without the key", si)
	}
	// Secrets that are not the key in use: another server's key, a
	// Hugging Face token, as the outside QA pass pasted them.
	si = serverInfo(t.Context(), http.DefaultClient, &Options{Kind: "vllm", APIKey: key,
		ServerArgs: "HF_TOKEN=hf_ENV vllm serve m --api-key=sk-OTHER --hf-token hf_FLAG --max-num-seqs 64"})
	if want := "HF_TOKEN=REDACTED vllm serve m --api-key=REDACTED --hf-token REDACTED --max-num-seqs 64"; si == nil || si.Args != want {
		t.Errorf("server args recorded as %+v; want %q", si, want)
	}
}
