package prom

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/inferbench/inferbench/targets"
)

// DefaultTimeout bounds one scrape when a scraper's timeout is zero.
const DefaultTimeout = 5 * time.Second

// MaxPage caps how much of a /metrics page is read, in bytes.
const MaxPage = 32 << 20

// Fetch GETs the Prometheus text page at url and returns parse's reading of
// its body (at most MaxPage bytes). client nil means http.DefaultClient,
// timeout 0 DefaultTimeout. Errors are led by what ("server metrics") and
// show the URL without credentials: they end up in the run directory.
func Fetch[T any](ctx context.Context, client *http.Client, url string, timeout time.Duration, what string, parse func(io.Reader) (T, error)) (T, error) {
	var zero T
	ctx, cancel := context.WithTimeout(ctx, orDefault(timeout, DefaultTimeout))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", what, err)
	}
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		// Do's error quotes the URL, which may hold ?key=.
		return zero, fmt.Errorf("%s: %w", what, targets.RedactURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		he := targets.ReadHTTPError(resp, targets.Redactor{}, decodeErrorBody)
		return zero, fmt.Errorf("%s %s: HTTP %d%s", what, targets.RedactURL(url), resp.StatusCode, says(he))
	}
	v, err := parse(io.LimitReader(resp.Body, MaxPage))
	if err != nil {
		return zero, fmt.Errorf("%s %s: %w", what, targets.RedactURL(url), err)
	}
	return v, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// decodeErrorBody reads the message of the JSON error bodies exporters and
// engines answer with ({"error": {"message": …}}, {"error": "…"},
// {"detail": "…"}, {"message": "…"}); other bodies are kept as they are.
func decodeErrorBody(b []byte, he *targets.HTTPError) bool {
	var v struct {
		Error   json.RawMessage `json:"error"`
		Detail  string          `json:"detail"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(b, &v) != nil {
		return false
	}
	var nested struct {
		Message string `json:"message"`
	}
	var flat string
	switch {
	case json.Unmarshal(v.Error, &nested) == nil && nested.Message != "":
		he.Message = nested.Message
	case json.Unmarshal(v.Error, &flat) == nil && flat != "":
		he.Message = flat
	default:
		he.Message = cmp.Or(v.Detail, v.Message)
	}
	return he.Message != ""
}

// says is ": " and what a failed scrape's answer said — its message, or
// the first line of its body, shortened — or "" when it said nothing.
func says(he *targets.HTTPError) string {
	msg := he.Message
	if msg == "" {
		msg, _, _ = strings.Cut(he.Body, "\n")
	}
	if msg = strings.TrimSpace(msg); msg == "" {
		return ""
	}
	return ": " + targets.Snippet(msg)
}
