package session

import (
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
)

// TestOpenLoopReusesConnections: an open loop keeps the connections its
// requests used for the requests after them. Its client's idle pool was
// sized to --concurrency (1, so two connections), and at 50 req/s Poisson
// with about 17 requests in flight 70 and 77 of 300 requests (two runs)
// dialed a new connection: against a remote API, a TCP and TLS handshake
// in their TTFT. Here six bursts of ten, 150 ms
// apart, each request 40 ms long: ten connections serve them all (and a
// few the mock's own calls); a pool of two dialed eight anew a burst.
func TestOpenLoopReusesConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("a run of 0.8 s")
	}
	m, err := mock.New(mock.Config{OutputTokens: 4, TTFT: 10 * time.Millisecond, ITL: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(m)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	var trace []loadgen.TraceArrival
	for b := range 6 {
		for range 10 {
			trace = append(trace, loadgen.TraceArrival{Offset: time.Duration(b) * 150 * time.Millisecond, PromptTokens: 4, OutputTokens: 4})
		}
	}
	res := quietRun(t, srv.URL, Options{Trace: trace, MaxTokens: 4})
	if l := res.Summary.Levels[0]; l.Requests.OK != 60 {
		t.Fatalf("%d of 60 ok; errors %v", l.Requests.OK, l.Errors)
	}
	if n := opened.Load(); n > 14 {
		t.Errorf("%d connections opened for six bursts of ten; want at most 14 (ten, and the mock's own calls)", n)
	}
}

// TestRunRecordsTheHTTPVersion: run.json names the HTTP versions the
// responses came over: HTTP/2 where a TLS server offers it (Go's client
// takes it, and the streams share a connection), HTTP/1.1 otherwise and
// with HTTP1 (--http1); the report's header says it.
func TestRunRecordsTheHTTPVersion(t *testing.T) {
	m, err := mock.New(mock.Config{OutputTokens: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name           string
		tls, h2, http1 bool
		want           string
		min, max       int // connections the 8 requests, 4 at once, opened
	}{
		// The server's version, asked first, leaves one connection: up to
		// three more over HTTP/1.1, none over HTTP/2.
		{"plain", false, false, false, "HTTP/1.1", 1, 4},
		{"TLS", true, false, false, "HTTP/1.1", 1, 4},
		{"TLS with HTTP/2", true, true, false, "HTTP/2.0", 0, 1},
		{"TLS with HTTP/2, --http1", true, true, true, "HTTP/1.1", 1, 4},
	} {
		srv := httptest.NewUnstartedServer(m)
		srv.EnableHTTP2 = c.h2
		if c.tls {
			srv.StartTLS()
		} else {
			srv.Start()
		}
		t.Cleanup(srv.Close)
		res := quietRun(t, srv.URL, Options{Concurrency: 4, Requests: 8, MaxTokens: 2, Insecure: c.tls, HTTP1: c.http1})
		if got := res.Manifest.Target; got.HTTP != c.want || got.HTTP1 != c.http1 {
			t.Errorf("%s: run.json target.http %q, http1 %v; want %q, %v", c.name, got.HTTP, got.HTTP1, c.want, c.http1)
		}
		var table strings.Builder
		if err := report.WriteTable(&table, res.Summary, res.Manifest); err != nil || !strings.Contains(table.String(), "  model m  over "+c.want+"\n") {
			t.Errorf("%s: table (%v):\n%s", c.name, err, table.String())
		}
		l := res.Summary.Levels[0]
		opened := 0
		if l.ConnectMS != nil {
			opened = l.ConnectMS.N
		}
		if l.Requests.OK != 8 || opened < c.min || opened > c.max {
			t.Errorf("%s: %d of 8 ok, %d opened a connection; want %d to %d", c.name, l.Requests.OK, opened, c.min, c.max)
		}
	}
}

// mockServer serves a mock of cfg for the test's lifetime.
func mockServer(t *testing.T, cfg mock.Config) (*mock.Server, *httptest.Server) {
	t.Helper()
	m, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return m, srv
}

// quietRun runs o against the vllm chat API at url, model m, with 4-token
// prompts not counted by the server, no probe and no telemetry but the
// client's, and returns its result; a run that fails fails the test.
func quietRun(t *testing.T, url string, o Options) *Result {
	t.Helper()
	quietOptions(t, url, &o)
	var log strings.Builder
	res, err := Run(t.Context(), t.Context(), &o, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	return res
}

// quietOptions fills in o as quietRun runs it.
func quietOptions(t *testing.T, url string, o *Options) {
	o.Kind, o.URL, o.Model, o.API, o.PromptTokens, o.PromptSizing = "vllm", url, "m", "chat", 4, SizingEstimate
	o.Timeout, o.Out, o.GPUBackend, o.ServerMetrics = 10*time.Second, filepath.Join(t.TempDir(), "run"), "none", "off"
	o.GPUInterval, o.NoProbe = 100*time.Millisecond, true
}
