package targets

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// The redirect policy of every adapter: a redirect is followed only within
// the origin (scheme, host and port) of the URL the request was sent to,
// only when it keeps the request's method (a 301, 302 or 303 makes a POST
// a GET), and at most MaxRedirects times; any other redirect fails the
// request with an *HTTPError carrying the redirect's status.
//
// Why refuse rather than strip: net/http drops Authorization, Cookie and
// WWW-Authenticate on a redirect to another host, but compares host names
// without the port and knows nothing of x-api-key (Anthropic) or
// x-goog-api-key (Gemini), which it forwards anywhere. Stripping would need
// the list of every credential header a caller might add (Header holds
// extra ones); refusing needs none, and a benchmark that silently measured
// another server than the one named would be wrong anyway.

// MaxRedirects is how many same-origin redirects a request follows; the
// next one fails it.
const MaxRedirects = 10

// NewClient returns the client an adapter sends with, following redirects
// by CheckRedirect: a client on NewTransport when c is nil, or else a copy
// of c that shares its Transport (and so its connection pool and its
// CloseIdleConnections) and applies CheckRedirect before c's own. c itself
// is not changed.
func NewClient(c *http.Client) *http.Client {
	if c == nil {
		return &http.Client{Transport: NewTransport(), CheckRedirect: CheckRedirect}
	}
	cc := *c // an http.Client is plain configuration: copying it is safe
	if own := c.CheckRedirect; own != nil {
		cc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
			if err := CheckRedirect(req, via); err != nil {
				return err
			}
			return own(req, via)
		}
	} else {
		cc.CheckRedirect = CheckRedirect
	}
	return &cc
}

// CheckRedirect is an http.Client CheckRedirect that follows a redirect
// only to the origin of the first request, keeping its method, at most
// MaxRedirects times. A
// refusal is an *HTTPError with the redirect's status whose message names
// the redirect's target (redacted by RedactURL and cut short), so that the
// load generator classes it http_4xx and never retries it.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) == 0 {
		return nil
	}
	status := 0
	if req.Response != nil {
		status = req.Response.StatusCode
	}
	from := origin(via[0].URL)
	if to := origin(req.URL); to != from {
		return &HTTPError{Status: status, Message: fmt.Sprintf(
			"redirect to %s refused: it leaves %s, and the request's credentials go nowhere else",
			Snippet(RedactedURL(req.URL)), from)}
	}
	// net/http resends a POST that met a 301, 302 or 303 as a GET without
	// its body: the server would answer a request that was never sent.
	if m, was := method(req), method(via[0]); m != was {
		return &HTTPError{Status: status, Message: fmt.Sprintf(
			"redirect to %s refused: a %d would resend the %s as a %s without its body (only 307 and 308 keep the request)",
			Snippet(RedactedURL(req.URL)), status, was, m)}
	}
	// via holds the first request and every redirect followed so far.
	if len(via) > MaxRedirects {
		return &HTTPError{Status: status, Message: fmt.Sprintf("stopped after %d redirects (the last to %s)",
			MaxRedirects, Snippet(RedactedURL(req.URL)))}
	}
	return nil
}

// method is r's method, GET when empty (as net/http reads it).
func method(r *http.Request) string {
	if r.Method == "" {
		return http.MethodGet
	}
	return r.Method
}

// origin is u's scheme, host and port, the port made explicit, in lower
// case: two URLs share an origin when these are equal (RFC 6454 §4).
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// RefusedRedirect returns the *HTTPError of a redirect CheckRedirect
// refused, alone, when err holds one, else err. net/http wraps it in a
// *url.Error that quotes the raw Location, which may hold a secret; the
// HTTPError names it redacted. Every adapter passes a send error through
// it (PostStream does).
func RefusedRedirect(err error) error {
	if he, ok := errors.AsType[*HTTPError](err); ok && he.Status >= 300 && he.Status < 400 {
		return he
	}
	return err
}
