package prom

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
