package live

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func startServer(t *testing.T, s *State, o ServerOptions) *Server {
	t.Helper()
	sv, err := Start(s, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		sv.Close(ctx)
	})
	return sv
}

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// scrape reads /metrics with the Prometheus text parser.
func scrape(t *testing.T, sv *Server) map[string]*dto.MetricFamily {
	t.Helper()
	_, b := get(t, sv.URL()+"metrics")
	return parseMetrics(t, b)
}

// scrapeHandler reads the metrics h serves, without a listener (so that it
// works in a synctest bubble).
func scrapeHandler(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("/metrics: status %d", w.Code)
	}
	return parseMetrics(t, w.Body.Bytes())
}

// parseMetrics parses an exposition with the Prometheus text parser.
func parseMetrics(t *testing.T, b []byte) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, b)
	}
	return fams
}

// value is the value of fam's series with labels (name=value pairs, the
// run label aside), failing the test when there is none.
func value(t *testing.T, fams map[string]*dto.MetricFamily, fam string, labels ...string) float64 {
	t.Helper()
	f := fams[fam]
	if f == nil {
		t.Fatalf("no %s", fam)
	}
	for _, m := range f.Metric {
		got := map[string]string{}
		for _, l := range m.Label {
			got[l.GetName()] = l.GetValue()
		}
		if got["run"] != "bench-1" {
			t.Errorf("%s: run label %q; want bench-1", fam, got["run"])
		}
		match := true
		for i := 0; i+1 < len(labels); i += 2 {
			if got[labels[i]] != labels[i+1] {
				match = false
			}
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	t.Fatalf("no %s series with %v", fam, labels)
	return 0
}

// TestMetrics: /metrics parses, carries the run label, its counters grow
// between scrapes and equal what was fed; the histograms hold the TTFTs
// and TPOTs in their buckets.
func TestMetrics(t *testing.T) {
	s := New(Options{Run: "bench-1"})
	sv := startServer(t, s, ServerOptions{})
	s.LevelStarted(LevelPlan{Level: 4})
	// TTFT 60, 120, …, 600 ms; TPOT 30 ms; 9 tokens each.
	for k := range int64(10) {
		s.Add(rec(4, k*ms, (60+60*k)*ms, 30*ms, 9))
	}
	s.Add(failed(4, 0, ms, rundir.Timeout))
	warm := rec(4, 0, ms, ms, 5)
	warm.Stage = rundir.StageWarmup
	s.Add(warm)
	first := scrape(t, sv)
	if v := value(t, first, "inferbench_requests_total", "outcome", "ok"); v != 10 {
		t.Errorf("ok requests %v; want 10 (the warm-up not counted)", v)
	}
	if v := value(t, first, "inferbench_requests_total", "outcome", "failed", "error_class", "timeout"); v != 1 {
		t.Errorf("timeouts %v; want 1", v)
	}
	if v := value(t, first, "inferbench_requests_total", "outcome", "failed", "error_class", "rate_limited"); v != 0 {
		t.Errorf("rate_limited %v; want an initialized 0", v)
	}
	if v := value(t, first, "inferbench_output_tokens_total"); v != 90 {
		t.Errorf("output tokens %v; want 90", v)
	}
	if v := value(t, first, "inferbench_level"); v != 4 {
		t.Errorf("level %v; want 4", v)
	}
	if first["inferbench_in_flight"] != nil {
		t.Error("inferbench_in_flight exported though nothing counts requests in flight")
	}
	s.Track(blockTarget{})
	s.inFlight.Add(3)
	if v := value(t, scrape(t, sv), "inferbench_in_flight"); v != 3 {
		t.Errorf("in flight %v; want 3", v)
	}
	s.inFlight.Add(-3)
	h := first["inferbench_ttft_seconds"].Metric[0].Histogram
	// Buckets: ≤ 0.1 s holds 60 ms; ≤ 0.3 s holds 60…300 ms (5); ≤ 0.5 s: 8.
	buckets := map[float64]uint64{}
	for _, b := range h.Bucket {
		buckets[b.GetUpperBound()] = b.GetCumulativeCount()
	}
	if h.GetSampleCount() != 10 || !near(h.GetSampleSum(), 3.3) || buckets[0.1] != 1 || buckets[0.3] != 5 || buckets[0.5] != 8 {
		t.Errorf("TTFT histogram count %d sum %v buckets %v; want 10, 3.3 s, ≤0.1: 1, ≤0.3: 5, ≤0.5: 8",
			h.GetSampleCount(), h.GetSampleSum(), buckets)
	}
	tp := first["inferbench_tpot_seconds"].Metric[0].Histogram
	if tp.GetSampleCount() != 10 || !near(tp.GetSampleSum(), 0.3) {
		t.Errorf("TPOT histogram count %d sum %v; want 10, 0.3 s", tp.GetSampleCount(), tp.GetSampleSum())
	}

	for k := range int64(5) {
		s.Add(rec(4, k*ms, 100*ms, 30*ms, 3))
	}
	s.Add(failed(4, 0, ms, rundir.HTTP5xx))
	second := scrape(t, sv)
	snap := s.Snapshot()
	ok := value(t, second, "inferbench_requests_total", "outcome", "ok")
	if ok <= value(t, first, "inferbench_requests_total", "outcome", "ok") || ok != float64(snap.OK) {
		t.Errorf("ok requests %v; want more than before and the fed %d", ok, snap.OK)
	}
	var failedSum float64
	for _, c := range rundir.ErrorClasses() {
		failedSum += value(t, second, "inferbench_requests_total", "outcome", "failed", "error_class", string(c))
	}
	if failedSum != float64(snap.Failed) || snap.Failed != 2 {
		t.Errorf("failed requests %v; want the fed %d (2)", failedSum, snap.Failed)
	}
	if v := value(t, second, "inferbench_output_tokens_total"); v != float64(snap.OutputTokens) || v != 105 {
		t.Errorf("output tokens %v; want the fed %d (105)", v, snap.OutputTokens)
	}
	if v := value(t, second, "inferbench_ttft_seconds"); v != 15 {
		t.Errorf("TTFT observations %v; want 15", v)
	}
}

// TestMetricsStreamedTokens: inferbench_streamed_tokens_total, scraped
// from the /metrics handler, is a counter of the tokens of the chunks that
// have arrived, counted as they arrive: mid-request it holds what streamed so
// far, while inferbench_output_tokens_total (completed requests) reads 0.
//
// Three streams at once in virtual time: two of pairTarget(10) (a role-only
// event at 100 ms, then 10 events of 2 tokens at 200, 300 … 1100 ms, then a
// usage-only event) and one of 5 one-token events at 300, 500 … 1100 ms.
// At 650 ms: 5 events × 2 tokens × 2 streams + 2 events × 1 = 22. At 2 s,
// all done: 2 × 20 + 5 = 45. A completed measured record of 20 tokens then
// moves the output-token counter, not the streamed one.
func TestMetricsStreamedTokens(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Run: "bench-1", Start: t0})
		h := metricsHandler(s)
		if f := scrapeHandler(t, h)["inferbench_streamed_tokens_total"]; f != nil {
			t.Error("inferbench_streamed_tokens_total exported though the State sees no chunks (a followed run)")
		}
		var wg sync.WaitGroup
		for _, tg := range []targets.Target{pairTarget(10), pairTarget(10),
			fakeTarget{TTFT: 300 * time.Millisecond, ITL: 200 * time.Millisecond, Events: 5}} {
			tracked := s.Track(tg)
			wg.Go(func() {
				if _, err := tracked.Stream(t.Context(), targets.Request{}, func(targets.Chunk) {}); err != nil {
					t.Error(err)
				}
			})
		}
		check := func(when string, streamed, output float64) {
			t.Helper()
			fams := scrapeHandler(t, h)
			if f := fams["inferbench_streamed_tokens_total"]; f == nil || f.GetType() != dto.MetricType_COUNTER {
				// Not Fatal: the streams still run, and are waited for.
				t.Errorf("%s: inferbench_streamed_tokens_total missing or not a counter: %v", when, f)
				return
			}
			if v := value(t, fams, "inferbench_streamed_tokens_total"); v != streamed {
				t.Errorf("%s: inferbench_streamed_tokens_total %v; want %v", when, v, streamed)
			}
			if v := s.Snapshot().StreamedTokens; float64(v) != streamed {
				t.Errorf("%s: the snapshot's streamed_tokens %d; want the scraped %v (one counter)", when, v, streamed)
			}
			if v := value(t, fams, "inferbench_output_tokens_total"); v != output {
				t.Errorf("%s: inferbench_output_tokens_total %v; want %v", when, v, output)
			}
		}
		sleepTo(t0, 650*ms)
		check("at 650 ms", 22, 0)
		wg.Wait()
		sleepTo(t0, 2*int64(time.Second))
		check("at 2 s", 45, 0)
		s.Add(rec(4, 0, 200*ms, 100*ms, 20))
		check("after a completed record", 45, 20)
	})
}

// readEvent reads one Server-Sent Event (comments skipped).
func readEvent(r *bufio.Reader) (name, data string, err error) {
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", "", err
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "":
			if name != "" || data != "" {
				return name, data, nil
			}
		case strings.HasPrefix(line, "event: "):
			name = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			data += line[len("data: "):]
		}
	}
}

type tickEvent struct {
	Snapshot Snapshot `json:"snapshot"`
	Point    Point    `json:"point"`
}

// TestEvents: an SSE client gets the init event, then a tick per interval
// whose snapshot follows the feed and whose points move forward in time.
func TestEvents(t *testing.T) {
	s := New(Options{Run: "bench-1"})
	s.LevelStarted(LevelPlan{Level: 2, Requests: 40})
	sv := startServer(t, s, ServerOptions{Interval: 20 * time.Millisecond})
	resp, err := http.Get(sv.URL() + "events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	name, data, err := readEvent(r)
	if err != nil || name != "init" || !strings.Contains(data, `"run":"bench-1"`) {
		t.Fatalf("first event %q %.200s, %v; want init", name, data, err)
	}
	go func() {
		for range 40 {
			time.Sleep(5 * time.Millisecond)
			s.Add(rec(2, time.Since(s.start).Nanoseconds()-50*ms, 20*ms, 2*ms, 16))
		}
	}()
	var lastT float64
	var sawRate bool
	for i := 0; ; i++ {
		if i > 500 {
			t.Fatal("no tick with all 40 requests in 500 events")
		}
		name, data, err := readEvent(r)
		if err != nil {
			t.Fatal(err)
		}
		if name != "tick" {
			continue
		}
		var ev tickEvent
		if err := json.Unmarshal([]byte(data), &ev); err != nil {
			t.Fatalf("tick does not decode: %v\n%s", err, data)
		}
		if ev.Point.T <= lastT {
			t.Errorf("point at %v s after one at %v s", ev.Point.T, lastT)
		}
		lastT = ev.Point.T
		sawRate = sawRate || ev.Point.RPS > 0 && ev.Point.TTFT != nil && ev.Point.TTFT[0] == 20
		if ev.Snapshot.OK == 40 {
			break
		}
	}
	if !sawRate {
		t.Error("no point with a request rate and the 20 ms TTFT")
	}
}

// TestSlowClientDropsOldest: a client that does not read keeps only its
// newest events and never holds up the publisher.
func TestSlowClientDropsOldest(t *testing.T) {
	sv := &Server{o: ServerOptions{ClientBuffer: 2}, clients: map[*sseClient]struct{}{}}
	c := &sseClient{ch: make(chan []byte, 2)}
	sv.clients[c] = struct{}{}
	for i := range 5 {
		sv.publish([]byte{byte('a' + i)})
	}
	if got := string(<-c.ch) + string(<-c.ch); got != "de" || sv.dropped.Load() != 3 {
		t.Errorf("client kept %q, %d dropped; want the newest two (de), 3 dropped", got, sv.dropped.Load())
	}
}

// TestStalledClient: over HTTP, a client that stops reading does not stop
// the others' events.
func TestStalledClient(t *testing.T) {
	s := New(Options{Run: "bench-1"})
	// 300 levels make each event ~70 KB: a few hundred fill the stalled
	// connection's socket buffers, so its handler blocks in Write.
	for i := range 300 {
		s.LevelStarted(LevelPlan{Level: float64(i + 1), Requests: 1000})
	}
	sv := startServer(t, s, ServerOptions{Interval: 5 * time.Millisecond, ClientBuffer: 2})
	stalled, err := net.Dial("tcp", sv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	stalled.(*net.TCPConn).SetReadBuffer(4096)
	fmt.Fprintf(stalled, "GET /events HTTP/1.1\r\nHost: x\r\n\r\n") // and never read
	resp, err := http.Get(sv.URL() + "events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	ticks := 0
	for ticks < 100 {
		s.Add(rec(1, 0, ms, ms, 2))
		name, _, err := readEvent(r)
		if err != nil {
			t.Fatal(err)
		}
		if name == "tick" {
			ticks++
		}
	}
	if sv.dropped.Load() == 0 {
		t.Error("no event dropped for the stalled client: the test did not stall it")
	}
}

// TestPageAndLinger: / is the page with a strict content security policy
// and nothing to load from anywhere; Shutdown keeps serving for Linger, or
// until its context ends. The linger is an hour, so that however slowly
// the GET during it is served, it is served within the linger; ending the
// context ends it.
func TestPageAndLinger(t *testing.T) {
	s := New(Options{Run: "bench-1"})
	s.Add(rec(1, 0, 10*ms, ms, 3))
	sv, err := Start(s, ServerOptions{Linger: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	resp, page := get(t, sv.URL())
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'sha256-", "connect-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	checkSelfContained(t, page)
	_, init, ok := strings.Cut(string(page), `<script id="init" type="application/json">`)
	init, _, _ = strings.Cut(init, "</script>")
	var payload struct {
		Snapshot Snapshot `json:"snapshot"`
	}
	if !ok || json.Unmarshal([]byte(init), &payload) != nil || payload.Snapshot.OK != 1 {
		t.Errorf("init data %.200q does not hold the snapshot", init)
	}
	s.End("complete")
	ctx, endLinger := context.WithCancel(context.Background())
	defer endLinger()
	shut := make(chan error, 1)
	go func() { shut <- sv.Shutdown(ctx) }()
	// A pause for Shutdown to start lingering; were it slower, the GET
	// would only come before the linger, and pass all the same.
	time.Sleep(50 * time.Millisecond)
	if resp, _ := get(t, sv.URL()); resp.StatusCode != 200 {
		t.Errorf("during linger: status %d", resp.StatusCode)
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) during an hour's linger", err)
	default:
	}
	endLinger()
	if err := <-shut; err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(sv.URL()); err == nil {
		t.Error("the server still answers after Shutdown")
	}
	// A linger that runs out ends Shutdown by itself.
	sv2, err := Start(s, ServerOptions{Linger: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := sv2.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(sv2.URL()); err == nil {
		t.Error("the server still answers after its linger ran out")
	}
}

func httpGet(url string) (*http.Response, error) {
	resp, err := http.Get(url)
	if err == nil {
		resp.Body.Close()
	}
	return resp, err
}

// checkSelfContained: the page names no other origin and loads nothing.
func checkSelfContained(t *testing.T, page []byte) {
	t.Helper()
	for _, bad := range []string{"http://", "https://", "src=", "href=", "@import", "url(", "<link", "<img", "<iframe"} {
		if strings.Contains(string(page), bad) {
			t.Errorf("the page contains %q: it must load nothing", bad)
		}
	}
}

func TestListenAddr(t *testing.T) {
	for in, want := range map[string]string{
		"": "127.0.0.1:0", "8080": "127.0.0.1:8080", ":8080": "127.0.0.1:8080",
		"0.0.0.0:8080": "0.0.0.0:8080", "localhost:9": "localhost:9", "[::1]:9": "[::1]:9",
	} {
		if got := ListenAddr(in); got != want {
			t.Errorf("ListenAddr(%q) = %q; want %q", in, got, want)
		}
	}
}
