package prom

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

// readAll is a parse that keeps the whole body: what Fetch hands over.
func readAll(r io.Reader) ([]byte, error) { return io.ReadAll(r) }

// A page over MaxPage is an error that says so: before, it was cut at
// MaxPage and parsed as if whole, so a value cut mid-number (12345 read
// as 12) or a family past the cut was taken for the engine's.
func TestFetchRefusesAPageOverMaxPage(t *testing.T) {
	page := strings.Repeat("# filler\n", MaxPage/9) + "vllm:generation_tokens_total 12345\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, page)
	}))
	defer srv.Close()
	got, err := Fetch(t.Context(), srv.Client(), srv.URL, 0, "scrape", readAll)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a %d-byte page: %d bytes read, error %v; want an error saying it is larger than %d bytes", len(page), len(got), err, MaxPage)
	}
	// A page of exactly MaxPage bytes is whole.
	page = page[:MaxPage]
	if got, err := Fetch(t.Context(), srv.Client(), srv.URL, 0, "scrape", readAll); err != nil || len(got) != MaxPage {
		t.Errorf("a page of MaxPage bytes: %d bytes read, error %v; want all of it", len(got), err)
	}
}

// A compressed page that the client did not ask for (no Accept-Encoding:
// the transport of targets.NewTransport) is an error naming the encoding:
// before, its bytes were parsed as text ("invalid metric name").
func TestFetchRefusesAnEncodingNotAskedFor(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	io.WriteString(zw, "vllm:num_requests_running 1\n")
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz.Bytes())
	}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	_, err := Fetch(t.Context(), client, srv.URL, 0, "scrape", readAll)
	if err == nil || !strings.Contains(err.Error(), "Content-Encoding gzip") {
		t.Errorf("error %v; want one naming Content-Encoding gzip", err)
	}
	// Asked for (net/http's default transport asks and inflates): read.
	if got, err := Fetch(t.Context(), srv.Client(), srv.URL, 0, "scrape", readAll); err != nil || string(got) != "vllm:num_requests_running 1\n" {
		t.Errorf("gzip asked for: %q, %v; want the page", got, err)
	}
}

// TestFetchStopsTheParserAtMaxPage: the parser never reads a byte past
// MaxPage; the read past it fails, so a page that will be refused is not
// parsed first. Before, parse read MaxPage+1 bytes without an error and the
// page was refused after its parse: one 32 MiB label value (vLLM's prefix,
// kept by Families) made each scrape allocate 450 MB; now 186 MB.
func TestFetchStopsTheParserAtMaxPage(t *testing.T) {
	page := `vllm:num_requests_running{model_name="` + strings.Repeat("a", MaxPage+10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, page) }))
	defer srv.Close()
	var read int
	var readErr error
	_, err := Fetch(t.Context(), srv.Client(), srv.URL, 0, "scrape", func(r io.Reader) (int, error) {
		b, err := io.ReadAll(r)
		read, readErr = len(b), err
		return len(b), err
	})
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("error %v; want the page refused as larger than MaxPage", err)
	}
	if read > MaxPage || readErr == nil {
		t.Errorf("parse read %d bytes, error %v; want at most %d and an error", read, readErr, MaxPage)
	}
	runtime.GC()
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	_, _ = Fetch(t.Context(), srv.Client(), srv.URL, 0, "scrape", func(r io.Reader) (any, error) { return Families(r, "vllm:") })
	runtime.ReadMemStats(&b)
	if got := b.TotalAlloc - a.TotalAlloc; got > 8*MaxPage {
		t.Errorf("a refused scrape through Families allocated %d MB; want under %d", got>>20, 8*MaxPage>>20)
	}
}

// With no client given (gpu list and gpu watch --backend dcgm), a scrape
// follows a redirect only within the page's origin, as a run's scrapes
// (the targets client) do: before, http.DefaultClient followed the
// exporter to any other host and read its page as the GPUs'.
func TestFetchWithoutAClientStaysOnTheOrigin(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "DCGM_FI_DEV_GPU_TEMP{gpu=\"0\"} 40\n")
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/here" {
			io.WriteString(w, "DCGM_FI_DEV_GPU_TEMP{gpu=\"0\"} 41\n")
			return
		}
		to := other.URL + "/metrics"
		if r.URL.Path == "/same" {
			to = "/here"
		}
		http.Redirect(w, r, to, http.StatusFound)
	}))
	defer srv.Close()
	got, err := Fetch(t.Context(), nil, srv.URL+"/metrics", 0, "dcgm scrape", readAll)
	if err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Errorf("a redirect to %s: read %q, error %v; want an error naming the redirect", other.URL, got, err)
	}
	got, err = Fetch(t.Context(), nil, srv.URL+"/same", 0, "dcgm scrape", readAll)
	if err != nil || !strings.Contains(string(got), "} 41") {
		t.Errorf("a redirect within the origin: read %q, error %v; want the page it leads to", got, err)
	}
}

// A scrape cut by its timeout says so, and how long it waited: a server
// that never answered read 'Get "…": context deadline exceeded', and a
// page that never ended 'parse …: context deadline exceeded', as if the
// page were bad text.
func TestFetchSaysWhatTheTimeoutCut(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/endless" {
			io.WriteString(w, "vllm:num_requests_running 1\n")
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	const timeout = 50 * time.Millisecond
	_, err := Fetch(t.Context(), nil, srv.URL+"/stall", timeout, "server metrics", readAll)
	if err == nil || !strings.Contains(err.Error(), "server metrics "+srv.URL+"/stall: no answer in 50ms") {
		t.Errorf("a server that never answers: %v; want 'server metrics URL: no answer in 50ms'", err)
	}
	_, err = Fetch(t.Context(), nil, srv.URL+"/endless", timeout, "server metrics", readAll)
	if err == nil || !strings.Contains(err.Error(), "server metrics "+srv.URL+"/endless: no end to the page in 50ms (28 bytes read)") {
		t.Errorf("a page that never ends: %v; want 'server metrics URL: no end to the page in 50ms (28 bytes read)'", err)
	}
	// The caller's own cancellation is not a timeout.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Fetch(ctx, nil, srv.URL+"/stall", timeout, "server metrics", readAll); err == nil || strings.Contains(err.Error(), "no answer") {
		t.Errorf("a cancelled scrape: %v; want the cancellation", err)
	}
}
