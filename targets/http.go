package targets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
)

// The HTTP plumbing every protocol adapter shares: the transport, sending the
// streaming POST, draining the body after the last event, building the
// HTTPError of a non-2xx answer, and keeping the API key out of errors.

// DefaultMaxIdleConnsPerHost is how many idle connections per host the
// adapters' default clients, and the load's, keep: all of them. A pool
// never holds more than were in use at once, which the load needed anyway.
// net/http's default transport keeps 2, which made every worker beyond the
// second open a new connection per request; a pool sized to the
// concurrency kept 2 for an open loop (concurrency 1), and at 50 req/s
// with about 17 requests in flight 70 and 77 of 300 requests (two runs)
// dialed anew, against a remote API a TCP and TLS handshake inside their
// TTFT (session TestOpenLoopReusesConnections).
const DefaultMaxIdleConnsPerHost = math.MaxInt

// DrainLimit (bytes) and DrainWait bound how much of a body Drain reads after
// the last event (the end of the chunked encoding usually follows at once),
// so that net/http can reuse the connection; a server that keeps the body
// open longer loses the connection instead of holding the caller.
const (
	DrainLimit = 64 << 10
	DrainWait  = 100 * time.Millisecond
)

// MaxErrorRead is how much of a non-2xx body (bytes) ReadHTTPError reads to
// decode its error; MaxErrorBody of it is kept.
const MaxErrorRead = 64 << 10

// ErrorReadWait bounds how long ReadHTTPError reads a non-2xx body. The
// status came with the headers and is the answer; the body only words it,
// and comes with them. A server whose error body stops half-way (a proxy
// whose upstream hung) otherwise held the request to its deadline: the
// worker idle for the whole --timeout and the failure recorded as a
// timeout, not as the HTTP 500 it was.
const ErrorReadWait = time.Second

// NewTransport returns net/http's default transport settings with room for
// DefaultMaxIdleConnsPerHost idle connections per host (no bound in total)
// and without transparent gzip, which would add buffering on the read path
// of streams.
func NewTransport() *http.Transport {
	var tr *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		tr = dt.Clone()
	} else {
		tr = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	tr.MaxIdleConns = 0 // no limit in total
	tr.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	tr.DisableCompression = true
	return tr
}

// ParseBaseURL parses a server root given in a configuration: it must be an
// absolute http or https URL with a host. Its errors show the URL as
// RedactURL does: no password, no value of a key-like query parameter.
//
// A URL that ends in an API endpoint (…/v1/chat/completions, the form
// Azure's and most providers' documentation show) is refused with the root
// to give instead: the adapter adds its endpoint, and the server's other
// pages (/metrics, /tokenize, /version) are found from the root.
func ParseBaseURL(s string) (*url.URL, error) {
	if s != "" && !strings.Contains(s, "://") {
		return nil, errors.New("base URL has no scheme: write http:// or https:// before the host")
	}
	u, err := url.Parse(s)
	if err != nil || s == "" {
		return nil, fmt.Errorf("base URL %q is not a URL", RedactURL(s))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("base URL %q: scheme must be http or https", RedactedURL(u))
	}
	if u.Host == "" {
		return nil, fmt.Errorf("base URL %q has no host", RedactedURL(u))
	}
	if root, tail, ok := endpointRoot(u); ok {
		return nil, fmt.Errorf("base URL %q ends in the API endpoint %s, which inferbench adds itself: give the server root, %q", RedactedURL(u), tail, RedactedURL(root))
	}
	return u, nil
}

// CheckBaseURL is ParseBaseURL's error for s with a kind's placeholders
// ({region}, {location}) read as plain labels, which the adapter fills in:
// how a URL given before the run (a scenario's target.url, a k8s Job's
// --url) is checked.
func CheckBaseURL(s string) error {
	_, err := ParseBaseURL(WithoutPlaceholders(s))
	return err
}

// endpointTails are the paths the adapters post to, after the server root
// and the API version: a base URL ending in one names the endpoint, not the
// server.
var endpointTails = []string{
	"/chat/completions", "/completions", "/completion", "/responses", "/messages",
	"/generate_stream", "/generate", "/api/chat", "/api/generate",
}

// endpointRoot reports whether u's path ends in one of endpointTails and,
// if so, the server root to give instead and the part of the path it drops:
// the tail, with an API version (/v1), an Azure deployment
// (/openai/deployments/NAME) or a Triton model (/v2/models/NAME) before it.
func endpointRoot(u *url.URL) (root *url.URL, dropped string, ok bool) {
	path := strings.TrimRight(u.Path, "/")
	for _, t := range endpointTails {
		if !strings.HasSuffix(path, t) {
			continue
		}
		rest := strings.TrimSuffix(path, t)
		for _, model := range []string{"/openai/deployments/", "/v2/models/"} {
			if i := strings.Index(rest, model); i >= 0 {
				rest = rest[:i]
			}
		}
		rest = strings.TrimSuffix(rest, "/v1")
		c := *u
		c.Path, c.RawPath, c.RawQuery = rest, "", ""
		return &c, path[len(rest):], true
	}
	return nil, "", false
}

// KeyString is how a configuration's String shows an API key: `""` when
// there is none, REDACTED otherwise.
func KeyString(key string) string {
	if key == "" {
		return `""`
	}
	return "REDACTED"
}

// NewHeader returns a copy of extra (a configuration's extra headers, may
// be nil) with Content-Type application/json and Accept set to accept: the
// header of a streaming request, to which the adapter adds its credentials.
func NewHeader(extra http.Header, accept string) http.Header {
	h := extra.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", "application/json")
	h.Set("Accept", accept)
	return h
}

// PostStream sends body as a JSON POST to url with header (which the
// adapter builds once: Content-Type, Accept, credentials, extra headers) and
// returns the response, whatever its status; the caller closes its body.
// It calls ctx's WithResponse hook with the response's status, and its
// body calls ctx's WithFirstByte hook (FirstByteBody).
//
// The POST is marked safe to retry, with an X-Idempotency-Key that is never
// sent: then net/http resends it, on a new connection, when a reused
// keep-alive connection turns out to be closed before any response byte
// arrived. llama-server closes the connection after every streamed response
// without saying so, which otherwise fails 15-27 % of requests
// (docs/notes/real-servers.md §4.1); see net/http Transport's doc on
// Idempotency-Key.
//
// net/http does not resend it when the dead connection fails the write
// itself after part of the request went out (a body past its 4 KiB write
// buffer: "write: use of closed network connection", "broken pipe"), so
// PostStream does: a request whose write failed on a reused connection is
// sent again, on a new one, at most maxResends times. A server cannot
// have answered a request it did not get whole, on a socket it had closed.
// Any other failure is returned as it is: one on a fresh connection, and
// one after the request was written whole (a malformed response, say),
// which the server may have served and which is its own failure to count.
//
// A request that fits the write buffer whole (headers and body under
// 4 KiB) never fails its WroteRequest: the hook runs before net/http's
// write loop flushes the buffer. On a connection closed under it, the flush
// is all or nothing, and nothing written is resent by net/http itself for
// a body it can rewind (nothingWrittenError); a flush that went out meets
// the close on the read, before any response byte (EOF, a reset, "server
// closed idle connection"), which net/http resends because the request is
// replayable (transportReadFromServerError, errServerClosedIdle in its
// shouldRetryRequest). Measured (2026-12-04, a loopback server closing
// after each response, 0-300 µs late, FIN or RST): 0 failures in 18,000
// requests, about 90 % of them sent first on a connection already closed;
// without PostStream's own resend, requests under 4 KiB still 0 failures,
// those over it 3-7 %, every one a write error. That read-side resend
// trusts the server did not act on a request it closed the connection on
// without a byte of answer; net/http cannot tell that from the close
// crossing the request, and neither can PostStream.
// The failed attempt's microseconds stay in the request's time from its
// send.
//
// A transport error is wrapped as "send request: …", led by ctx's cause when
// ctx has ended (see WithCause); it may hold the API key, which the caller
// redacts. A redirect the client's CheckRedirect refused is its
// *HTTPError, so wrapped.
func PostStream(ctx context.Context, client *http.Client, url string, header http.Header, body []byte) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("new request: %w", err)
		}
		for k, vs := range header {
			req.Header[k] = vs
		}
		req.Header["X-Idempotency-Key"] = nil
		// Of the connection net/http used last (it may itself retry on
		// another): whether it was reused, and whether writing the request
		// on it failed. WroteRequest runs on the connection's writer
		// goroutine.
		var reused, writeFailed atomic.Bool
		req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			GotConn: func(c httptrace.GotConnInfo) { reused.Store(c.Reused); writeFailed.Store(false) },
			WroteRequest: func(w httptrace.WroteRequestInfo) {
				if w.Err != nil {
					writeFailed.Store(true)
				}
			},
		}))
		resp, err := client.Do(req)
		if err == nil {
			Responded(ctx, resp.StatusCode)
			resp.Body = FirstByteBody(ctx, resp.Body)
			return resp, nil
		}
		var he *HTTPError
		if reused.Load() && writeFailed.Load() && attempt < maxResends && ctx.Err() == nil && !errors.As(RefusedRedirect(err), &he) {
			continue
		}
		return nil, fmt.Errorf("send request: %w", WithCause(ctx, Plain(RefusedRedirect(err))))
	}
}

// maxResends bounds PostStream's resends of a request that a dead
// kept-alive connection failed: each takes another idle connection or
// dials, and a pool of connections the server closed at once (every
// stream of a level ended together) may hand out more than one.
const maxResends = 3

// FirstByteBody returns body wrapped so that its first read that yields
// bytes calls the hook ctx carries (WithFirstByte), or body itself when ctx
// carries none. PostStream applies it; an adapter that sends its requests
// otherwise (through an SDK) applies it to the response body it reads.
func FirstByteBody(ctx context.Context, body io.ReadCloser) io.ReadCloser {
	if f, ok := ctx.Value(firstByteKey{}).(func()); ok && f != nil {
		return &firstByteBody{ReadCloser: body, f: f}
	}
	return body
}

type firstByteKey struct{}

// WithFirstByte returns ctx carrying f, which PostStream's response body
// calls once, in the goroutine reading it, when a read first yields bytes:
// before any of them is decoded. The load generator stamps TTFB with it (a
// server that sends a comment or a ping first answers before its first
// event).
func WithFirstByte(ctx context.Context, f func()) context.Context {
	return context.WithValue(ctx, firstByteKey{}, f)
}

type responseKey struct{}

// WithResponse returns ctx carrying f, which PostStream calls with the
// status code of the response client.Do returned, in PostStream's
// goroutine, as Do returns and before the body is read; not when Do
// failed. That response is the final one: net/http reads 1xx interim
// responses (100 Continue, 103 Early Hints) itself, telling only an
// httptrace.ClientTrace's Got1xxResponse of them, and 101 Switching
// Protocols is final. The load generator records the server's status with
// it (a 2xx answer's status is in no error), and the time of the final
// response's headers when an interim response came first.
func WithResponse(ctx context.Context, f func(status int)) context.Context {
	return context.WithValue(ctx, responseKey{}, f)
}

// Responded calls ctx's WithResponse hook, if it carries one, with status:
// PostStream's call, for an adapter that gets its responses otherwise (an
// SDK's client, the calls of a protocol of several).
func Responded(ctx context.Context, status int) {
	if f, ok := ctx.Value(responseKey{}).(func(int)); ok && f != nil {
		f(status)
	}
}

// firstByteBody calls f on the first read that returns bytes.
type firstByteBody struct {
	io.ReadCloser
	f func()
}

func (b *firstByteBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 && b.f != nil {
		f := b.f
		b.f = nil
		f()
	}
	return n, err
}

// Drain reads what is left of a response body after the last event, at
// most DrainLimit bytes and for at most DrainWait, so that the connection
// can go back to the pool. cancel must abort the body's reads (it cancels
// the request's context); Drain calls it when DrainWait runs out.
func Drain(body io.Reader, cancel context.CancelFunc) {
	stop := time.AfterFunc(DrainWait, cancel)
	_, _ = io.Copy(io.Discard, io.LimitReader(body, DrainLimit))
	stop.Stop()
}

// WithCause returns err, or, when ctx has ended, err led by ctx's cause, so
// that the caller sees a timeout or a cancellation rather than whatever the
// transport made of it.
func WithCause(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		if cause := context.Cause(ctx); !errors.Is(err, cause) {
			return fmt.Errorf("%w: %w", cause, err)
		}
	}
	return err
}

// ReadHTTPError builds the error of a non-2xx response: its status, its
// retry hint (RetryAfter), and what decode makes of the first MaxErrorRead
// bytes of its body, read for at most ErrorReadWait. decode sets Code and
// Message (and any RetryAfter the body gives) as the server wrote them and
// reports whether the body was the protocol's error object; when it was
// not, the body itself is kept in Body (said to have stopped when the wait
// ran out), or what EncodingError says of a compressed body not asked for,
// which is not read; nor is a 1xx answer's. Code, Message and Body are
// redacted by r and then cut to MaxErrorBody bytes.
func ReadHTTPError(resp *http.Response, r Redactor, decode func(body []byte, he *HTTPError) bool) *HTTPError {
	he := &HTTPError{Status: resp.StatusCode, RetryAfter: RetryAfter(resp.Header, time.Now())}
	if msg := unaskedEncoding(resp); msg != "" {
		he.Body = msg // compressed bytes are no message
		return he
	}
	if resp.StatusCode < 200 {
		return he // 101: the body is the upgraded connection, unbounded by any deadline
	}
	// Closing the body ends a read blocked in it (net/http's bodies allow
	// it; the caller's own Close after is a no-op).
	cut := time.AfterFunc(ErrorReadWait, func() { resp.Body.Close() })
	b, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorRead))
	stalled := !cut.Stop()
	ok := decode(b, he)
	// Redact before cutting, so that no part of a key survives.
	he.Code = r.Clip(he.Code)
	he.Message = r.Clip(he.Message)
	if !ok {
		he.Body = r.Clip(string(bytes.TrimSpace(b)))
		if stalled {
			he.Body = Truncate(fmt.Sprintf("the body stopped coming, not read past %v: %s", ErrorReadWait, he.Body))
		}
	}
	return he
}

// Truncate keeps at most MaxErrorBody bytes of s (Printable), cut on a
// rune boundary: the bytes of a rune cut in two are dropped. It is the last
// step of every server text kept in an error.
func Truncate(s string) string {
	s = Printable(s)
	if len(s) <= MaxErrorBody {
		return s
	}
	s = s[:MaxErrorBody]
	// Drop the bytes of a rune cut in two (at most UTFMax-1 of them).
	for range utf8.UTFMax - 1 {
		if r, size := utf8.DecodeLastRuneInString(s); r != utf8.RuneError || size != 1 {
			break
		}
		s = s[:len(s)-1]
	}
	return s
}

// Printable returns s on one line with its control characters made
// visible: line breaks and tabs become spaces, the others (C0, DEL, C1)
// \xHH escapes and bidirectional controls \uHHHH ones. Text a server
// wrote reaches terminals, logs and reports through errors; an escape
// sequence in it could clear a screen or retitle a window, and a
// right-to-left override reorder what the line seems to say.
func Printable(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return isControl(r) || isBidi(r) }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case isControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case isBidi(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isControl reports whether r is a C0 or C1 control character or DEL.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) }

// isBidi reports whether r is a bidirectional control (Unicode's
// Bidi_Control property: the marks, embeddings, overrides and isolates).
func isBidi(r rune) bool { return unicode.Is(unicode.Bidi_Control, r) }

// Snippet is the start of an event or line (its first 120 bytes) for an
// error message, made printable: it quotes what a server sent, and `run`
// prints such errors on the terminal (the probe's warning), so an escape
// sequence in an undecodable event must show, not act (README "Security").
// Bytes that are not UTF-8 (a rune the cut split too) become U+FFFD.
func Snippet(s string) string {
	const n = 120
	more := ""
	if len(s) > n {
		s, more = s[:n], "…"
	}
	return Printable(strings.ToValidUTF8(s, "\uFFFD")) + more
}

// IsEventStream reports whether a Content-Type is text/event-stream. A
// missing Content-Type is given the benefit of the doubt: the stream's
// framing decides.
func IsEventStream(ct string) bool {
	if ct == "" {
		return true
	}
	mt, _, _ := strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "text/event-stream")
}

// NotStreaming is the error of a 2xx answer whose Content-Type is not the
// stream's (want, e.g. "text/event-stream"): the server did not stream.
func NotStreaming(resp *http.Response, want string) error {
	return &ProtocolError{Msg: fmt.Sprintf("HTTP %d with Content-Type %q, not %s: the server did not stream the response",
		resp.StatusCode, resp.Header.Get("Content-Type"), want)}
}

// A Redactor removes credentials (an API key, a token, a key given in the
// URL) from text and errors; its zero value has none and changes nothing.
type Redactor struct {
	keys []string // longest first, so that a key inside another goes with it
}

// NewRedactor returns a Redactor for keys ("" ones are skipped).
func NewRedactor(keys ...string) Redactor { return Redactor{}.With(keys...) }

// With returns a Redactor for r's keys and keys ("" ones are skipped); r is
// not changed.
func (r Redactor) With(keys ...string) Redactor {
	all := slices.Clone(r.keys)
	for _, k := range keys {
		if k != "" && !slices.Contains(all, k) {
			all = append(all, k)
		}
	}
	slices.SortStableFunc(all, func(a, b string) int { return len(b) - len(a) })
	return Redactor{keys: all}
}

// MinWordKey is the length from which a key is removed wherever it
// stands. A shorter one — a local server's placeholder, "x", "none",
// "test" — is removed where it stands alone, between characters that are
// not letters or digits (or the text's ends): removed from inside words,
// it made "context deadline exceeded" read "conte[REDACTED]t deadline
// e[REDACTED]ceeded". A real API key is tens of characters.
const MinWordKey = 8

// Redact returns s with every occurrence of each key replaced by
// [REDACTED] (a key under MinWordKey, every one that stands alone).
func (r Redactor) Redact(s string) string {
	for _, k := range r.keys {
		if len(k) >= MinWordKey {
			if strings.Contains(s, k) {
				s = strings.ReplaceAll(s, k, "[REDACTED]")
			}
			continue
		}
		var b strings.Builder
		rest := s
		for {
			i := wordIndex(rest, k)
			if i < 0 {
				break
			}
			b.WriteString(rest[:i])
			b.WriteString("[REDACTED]")
			rest = rest[i+len(k):]
		}
		if b.Len() > 0 {
			b.WriteString(rest)
			s = b.String()
		}
	}
	return s
}

// wordIndex is the index of the first k in s that stands alone (no letter
// or digit just before or after it), or -1.
func wordIndex(s, k string) int {
	for from := 0; ; {
		i := strings.Index(s[from:], k)
		if i < 0 {
			return -1
		}
		i += from
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+len(k):])
		if (i == 0 || !isWordRune(before)) && (i+len(k) == len(s) || !isWordRune(after)) {
			return i
		}
		from = i + 1
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// holds reports whether s contains any of r's keys (as Redact finds them).
func (r Redactor) holds(s string) bool {
	return slices.ContainsFunc(r.keys, func(k string) bool {
		if len(k) >= MinWordKey {
			return strings.Contains(s, k)
		}
		return wordIndex(s, k) >= 0
	})
}

// Clip is Truncate(Redact(s)): redacted before it is cut, so that no part
// of a key survives.
func (r Redactor) Clip(s string) string { return Truncate(r.Redact(s)) }

// Undecodable is the ProtocolError of a unit of a stream (what: "event 3",
// "line 0") whose JSON did not decode: err, then the unit's start
// (Snippet), its keys removed before it is cut, so that no part of one
// survives.
func (r Redactor) Undecodable(what string, err error, data []byte) error {
	return &ProtocolError{Msg: fmt.Sprintf("undecodable %s: %v: %s", what, err, Snippet(r.Redact(string(data))))}
}

// Err returns err, or an error with the same chain (errors.Is and errors.As
// see through it) whose message has the keys removed.
func (r Redactor) Err(err error) error {
	if err == nil || !r.holds(err.Error()) {
		return err
	}
	return &redactedError{msg: r.Redact(err.Error()), err: err}
}

// redactedError is an error whose message had the key removed.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
