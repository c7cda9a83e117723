package servermetrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestScrapeErrorsHideKeys: a scrape error, which Watch writes into
// server.jsonl, shows the metrics URL without the value of ?key= — for an
// HTTP error, an unreadable page and a connection refused (whose net/http
// error quotes the URL).
func TestScrapeErrorsHideKeys(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bad" {
			w.Write([]byte("not { a metrics page\n"))
			return
		}
		http.Error(w, "no", http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	closed := "http://127.0.0.1:1" // nothing listens on port 1, nor can a test's port 0 be it
	for _, u := range []string{srv.URL + "/metrics?key=s3cr3t", srv.URL + "/bad?api_key=s3cr3t", closed + "/metrics?token=s3cr3t"} {
		_, err := (&Scraper{URL: u}).Scrape(t.Context())
		if err == nil || strings.Contains(err.Error(), "s3cr3t") || !strings.Contains(err.Error(), "REDACTED") {
			t.Errorf("Scrape(%s) = %v; want an error naming the URL with its key redacted", u, err)
		}
	}
}

// TestMetricsURLKeepsTheQuery: a base URL's query stays the query of the
// metrics URL (it used to end up in front of "/metrics").
func TestMetricsURLKeepsTheQuery(t *testing.T) {
	for in, want := range map[string]string{
		"http://h:8000":              "http://h:8000/metrics",
		"http://h:8000/":             "http://h:8000/metrics",
		"http://h:8000/v1":           "http://h:8000/metrics",
		"http://h:8000/v1/":          "http://h:8000/metrics",
		"http://h:8000/tgi/v1?key=k": "http://h:8000/tgi/metrics?key=k",
		"http://h:8000?key=k":        "http://h:8000/metrics?key=k",
	} {
		if got := MetricsURL(in); got != want {
			t.Errorf("MetricsURL(%q) = %q; want %q", in, got, want)
		}
	}
}
