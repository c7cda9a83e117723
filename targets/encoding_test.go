package targets_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/inferbench/inferbench/targets"
)

func gzipped(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	io.WriteString(zw, s)
	zw.Close()
	return b.Bytes()
}

// A stream or an error body compressed although the request did not ask
// (the adapters' transport sends no Accept-Encoding) is named for what it
// is. Before, a gzip stream read as "stream ended before [DONE] … after 0
// events", and a gzip 500 kept its compressed bytes as the message.
func TestEndpointOpenRefusesAnEncodingNotAskedFor(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "" {
			t.Errorf("the request asked for Accept-Encoding %q", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Encoding", "gzip")
		if r.URL.Path == "/stream" {
			w.Header().Set("Content-Type", "text/event-stream")
			w.Write(gzipped("data: {}\n\ndata: [DONE]\n\n"))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write(gzipped(`{"error": {"message": "boom"}}`))
	}))
	defer srv.Close()
	e := targets.NewEndpoint("x", nil, nil, "text/event-stream", "", "")
	httpError := func(resp *http.Response) error {
		return targets.ReadHTTPError(resp, e.Redact, targets.DecodeEngineError)
	}
	var pe *targets.ProtocolError
	_, err := e.Open(context.Background(), srv.URL+"/stream", nil, httpError, nil)
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "Content-Encoding gzip") {
		t.Errorf("Open of a gzip stream: %v; want a ProtocolError naming Content-Encoding gzip", err)
	}
	_, err = e.Open(context.Background(), srv.URL+"/error", nil, httpError, nil)
	var he *targets.HTTPError
	if !errors.As(err, &he) || he.Status != 500 || !strings.Contains(err.Error(), "Content-Encoding gzip") ||
		!utf8.ValidString(err.Error()) || strings.ContainsRune(err.Error(), utf8.RuneError) {
		t.Errorf("Open of a gzip 500: %q; want an HTTP 500 naming Content-Encoding gzip, no compressed bytes", err)
	}
}
