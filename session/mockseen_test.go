package session

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/rundir"
)

// TestMockBehindAnyKindIsSimulated (issue #20 items 6 and 25): a run
// against `inferbench mock` through a self-hosted kind (llamacpp, ollama),
// GPU telemetry off, is recorded simulated and says so; the same responses
// without the mock's header (a real server) are not, with or without the
// probe.
func TestMockBehindAnyKindIsSimulated(t *testing.T) {
	m, err := mock.New(mock.Config{OutputTokens: 2})
	if err != nil {
		t.Fatal(err)
	}
	real := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.ServeHTTP(headerless{w}, r)
	})
	for _, c := range []struct {
		name      string
		h         http.Handler
		kind      string
		noProbe   bool
		simulated bool
	}{
		{"mock llamacpp", m, "llamacpp", false, true},
		{"mock ollama no probe", m, "ollama", true, true},
		{"real llamacpp", real, "llamacpp", false, false},
		{"real ollama no probe", real, "ollama", true, false},
	} {
		srv := httptest.NewServer(c.h)
		dir := filepath.Join(t.TempDir(), "run")
		o := &Options{Kind: c.kind, URL: srv.URL, Model: "m", API: "chat", Concurrency: 1, Requests: 2, MaxTokens: 2, PromptTokens: 4,
			Timeout: 10 * time.Second, Out: dir, GPUBackend: "none", ServerMetrics: "off", GPUInterval: 50 * time.Millisecond, NoProbe: c.noProbe}
		var log strings.Builder
		_, err := Run(t.Context(), t.Context(), o, &log)
		srv.Close()
		if err != nil {
			t.Fatalf("%s: run: %v\n%s", c.name, err, log.String())
		}
		mf, err := rundir.ReadManifest(dir)
		if err != nil {
			t.Fatal(err)
		}
		if mf.Simulated != c.simulated || mf.IsSimulated() != c.simulated {
			t.Errorf("%s: run.json simulated %v; want %v", c.name, mf.Simulated, c.simulated)
		}
		// Said at the start when the probe saw the mock; never for a real server.
		if said := strings.Contains(log.String(), "SIMULATED"); said != c.simulated && (!c.noProbe || said) {
			t.Errorf("%s: log says SIMULATED %v; want %v:\n%s", c.name, said, c.simulated, log.String())
		}
	}
}

// headerless drops the mock's header: the mock standing in for a real
// server that sets none.
type headerless struct{ http.ResponseWriter }

func (h headerless) WriteHeader(code int) {
	h.ResponseWriter.Header().Del(rundir.MockHeader)
	h.ResponseWriter.WriteHeader(code)
}

func (h headerless) Write(b []byte) (int, error) {
	h.ResponseWriter.Header().Del(rundir.MockHeader)
	return h.ResponseWriter.Write(b)
}

func (h headerless) Flush() {
	if f, ok := h.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
