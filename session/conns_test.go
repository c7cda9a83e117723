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
)

// TestOpenLoopReusesConnections: an open loop keeps the connections its
// requests used for the requests after them. Its client's idle pool was
// sized to --concurrency (1, so two connections), and at 50 req/s Poisson
// with about 18 requests in flight 234 of 300 requests left their
// connection closed behind them and the next dialed anew: against a remote
// API, a TCP and TLS handshake in its TTFT. Here six bursts of ten, 150 ms
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
	o := &Options{Kind: "vllm", URL: srv.URL, Model: "m", API: "chat", Trace: trace, MaxTokens: 4, PromptTokens: 4,
		PromptSizing: SizingEstimate, Timeout: 10 * time.Second, Out: filepath.Join(t.TempDir(), "run"), GPUBackend: "none",
		ServerMetrics: "off", GPUInterval: 100 * time.Millisecond, NoProbe: true}
	var log strings.Builder
	res, err := Run(t.Context(), t.Context(), o, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	if l := res.Summary.Levels[0]; l.Requests.OK != 60 {
		t.Fatalf("%d of 60 ok; errors %v", l.Requests.OK, l.Errors)
	}
	if n := opened.Load(); n > 14 {
		t.Errorf("%d connections opened for six bursts of ten; want at most 14 (ten, and the mock's own calls)", n)
	}
}
