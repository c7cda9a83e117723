package dcgm

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestScrapeErrorsHideKeys: the scraper's errors name its URL without the
// value of a key-like query parameter.
func TestScrapeErrorsHideKeys(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusForbidden)
	}))
	t.Cleanup(srv.Close)
	closed := "http://127.0.0.1:1" // nothing listens on port 1, nor can a test's port 0 be it
	for _, u := range []string{srv.URL + "/metrics?key=s3cr3t", closed + "/metrics?token=s3cr3t"} {
		s, err := New(u, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Sample(t.Context(), nil)
		if err == nil || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("Sample(%s) = %v; want an error without the key", u, err)
		}
	}
	if _, err := New("ftp://h/metrics?key=s3cr3t", nil); err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("New = %v; want an error without the key", err)
	}
}
