package prom

import (
	"cmp"
	"context"
	"errors"
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
// its body. A page over MaxPage bytes, or compressed without being asked
// to be (targets.EncodingError), is an error. client nil means
// defaultClient, timeout 0 DefaultTimeout. Errors are led by what
// ("server metrics") and show the URL without credentials: they end up in
// the run directory.
func Fetch[T any](ctx context.Context, client *http.Client, url string, timeout time.Duration, what string, parse func(io.Reader) (T, error)) (T, error) {
	var zero T
	parent := ctx
	timeout = orDefault(timeout, DefaultTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// timedOut: this scrape's own timeout ended it, not the caller.
	timedOut := func() bool {
		return errors.Is(ctx.Err(), context.DeadlineExceeded) && parent.Err() == nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", what, err)
	}
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	if client == nil {
		client = defaultClient
	}
	resp, err := client.Do(req)
	if err != nil && timedOut() {
		return zero, fmt.Errorf("%s %s: no answer in %v", what, targets.RedactURL(url), timeout)
	}
	if err != nil {
		// Do's error quotes the URL, which may hold ?key=.
		return zero, fmt.Errorf("%s: %w", what, targets.RedactURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		he := targets.ReadHTTPError(resp, targets.Redactor{}, targets.DecodeEngineError)
		return zero, fmt.Errorf("%s %s: HTTP %d%s", what, targets.RedactURL(url), resp.StatusCode, says(he))
	}
	if err := targets.EncodingError(resp); err != nil {
		return zero, fmt.Errorf("%s %s: %w", what, targets.RedactURL(url), err)
	}
	body := &pageReader{r: resp.Body, left: MaxPage}
	v, err := parse(body)
	if body.over {
		// A page cut at MaxPage would be parsed as if whole: a value cut
		// mid-number, a family past the cut missing.
		err = fmt.Errorf("page larger than %d bytes (MaxPage): refused", MaxPage)
	} else if err != nil && timedOut() {
		err = fmt.Errorf("no end to the page in %v (%d bytes read)", timeout, MaxPage-body.left)
	}
	if err != nil {
		return zero, fmt.Errorf("%s %s: %w", what, targets.RedactURL(url), err)
	}
	return v, nil
}

// defaultClient makes the scrapes given no client (gpu list and gpu
// watch): as a run's client (targets.Conn) does, it follows a redirect
// only within the page's origin (targets.CheckRedirect) and does not ask
// for gzip, which Fetch then refuses (targets.EncodingError). Before,
// http.DefaultClient followed an exporter's redirect to any host.
var defaultClient = &http.Client{Transport: targets.NewTransport(), CheckRedirect: targets.CheckRedirect}

// errPageTooLarge is what pageReader's Read returns past MaxPage.
var errPageTooLarge = errors.New("page larger than MaxPage")

// pageReader reads r up to left bytes; a byte past them sets over and
// fails the read, so that the parser stops there. Before, the page was
// parsed to MaxPage and refused after: a 32 MiB label value made one
// scrape allocate 450 MB (expfmt's copies of the line), every interval.
type pageReader struct {
	r    io.Reader
	left int64
	over bool
}

func (p *pageReader) Read(b []byte) (int, error) {
	if p.left <= 0 {
		var one [1]byte
		n, err := p.r.Read(one[:])
		if n > 0 {
			p.over = true
			return 0, errPageTooLarge
		}
		return 0, err
	}
	if int64(len(b)) > p.left {
		b = b[:p.left]
	}
	n, err := p.r.Read(b)
	p.left -= int64(n)
	return n, err
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// says is ": " and what a failed scrape's answer said — its message, or
// the start of its body (already on one line: ReadHTTPError) — or "" when
// it said nothing.
func says(he *targets.HTTPError) string {
	if msg := strings.TrimSpace(cmp.Or(he.Message, he.Body)); msg != "" {
		return ": " + targets.Snippet(msg)
	}
	return ""
}
