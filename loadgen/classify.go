package loadgen

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/http2"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// errRequestTimeout is the cause set on a request's context when its own
// deadline (Runner.Timeout) expires, to tell it apart from the run ending.
var errRequestTimeout = errors.New("request timed out")

// causedError is a request's error once its context ended: err, and the
// cause that ended the context. It is both (errors.Is), and its text says
// the cause once: net/http's errors already carry it ("interrupted by
// signal interrupt: vllm: read stream: interrupted by signal interrupt").
type causedError struct{ cause, err error }

func (e causedError) Error() string {
	if msg := e.err.Error(); strings.Contains(msg, e.cause.Error()) {
		return msg
	}
	return e.cause.Error() + ": " + e.err.Error()
}

func (e causedError) Unwrap() []error { return []error{e.cause, e.err} }

// Classify returns the class of an error returned by Target.Stream. It is the
// one place where errors become classes. It goes by type and value, and by
// text only for net/http's errors of a response that broke HTTP/1.1's or
// HTTP/2's framing that net/http exports neither as a value nor as a type
// (httpViolation, http2Violation).
func Classify(err error) rundir.ErrorClass {
	if err == nil {
		return ""
	}
	var he *targets.HTTPError
	var se *targets.StreamError
	var pe *targets.ProtocolError
	var re *targets.RequestError
	switch {
	case errors.Is(err, errRequestTimeout), errors.Is(err, context.DeadlineExceeded):
		return rundir.Timeout
	case errors.Is(err, context.Canceled):
		return rundir.Canceled
	case errors.As(err, &he):
		switch {
		case he.Status == 429:
			return rundir.RateLimited
		case he.Status >= 500:
			return rundir.HTTP5xx
		default:
			return rundir.HTTP4xx
		}
	case errors.As(err, &se):
		if se.Status == 429 || isRateLimitCode(se.Code) || isRateLimitCode(se.Type) {
			return rundir.RateLimited
		}
		return rundir.StreamErr
	case errors.As(err, &pe):
		return rundir.Protocol
	case errors.As(err, &re):
		return rundir.Request
	}
	if httpViolation(err) || http2Violation(err) {
		return rundir.Protocol
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return rundir.Timeout
	}
	// Everything else is the connection's: a transport error (url.Error,
	// net.OpError: refused, reset, TLS), a connection closed before the
	// response or mid-body (io.EOF, io.ErrUnexpectedEOF); over HTTP/2 a
	// stream the server reset (RST_STREAM INTERNAL_ERROR, CANCEL,
	// REFUSED_STREAM once net/http stopped sending it again), a
	// connection closed after a GOAWAY or without one.
	return rundir.Connection
}

// httpViolation reports whether err is net/http's word that the response
// broke HTTP/1.1 itself: its status line, its headers or trailers, its
// lengths or its chunked encoding. Such a server answered, wrongly; it is
// no transport failure, and sending again meets the same bytes.
//
// textproto.ProtocolError (a header or trailer line net/textproto cannot
// read) and http.ErrLineTooLong (a chunk-size line over 4 KiB) are
// exported; the rest are plain errors.New or fmt.Errorf values (or
// unexported types) inside net/http, matched by the start of their text
// (httpViolations) at a leaf of err's chain, where net/http's own words
// begin: the wrappers before them ("openai: read stream: ", url.Error's
// "Post …: ", the transport's "net/http: HTTP/1.x transport connection
// broken: ") are not looked at. A connection closed inside a header name
// reads as such a header ("malformed MIME header: missing colon"), and one
// closed inside the trailer as a trailer too long: net/http does not tell
// them from a server that wrote one.
func httpViolation(err error) bool {
	var pe textproto.ProtocolError
	if errors.As(err, &pe) || errors.Is(err, http.ErrLineTooLong) {
		return true
	}
	return anyLeaf(err, func(leaf error) bool {
		msg := leaf.Error()
		return slices.ContainsFunc(httpViolations, func(p string) bool { return strings.HasPrefix(msg, p) })
	})
}

// httpViolations are the starts of net/http's errors (Go 1.26) of a
// response that broke HTTP/1.1, where it exports no value or type for
// them. TestClassifyFraming has a server make each class of them.
var httpViolations = []string{
	// net/http/response.go, ReadResponse: the status line.
	"malformed HTTP response ",
	"malformed HTTP status code ",
	"malformed HTTP version ",
	// net/http/transport.go, persistConn.readLoop: headers past
	// Transport.MaxResponseHeaderBytes (10 MiB by default).
	"net/http: server response headers exceeded ",
	// net/http/transfer.go: lengths and encodings (readTransfer,
	// fixLength, parseContentLength, transferReader.parseTransferEncoding
	// (unsupportedTEError), fixTrailer, body.readTrailer).
	"bad Content-Length ",
	"invalid empty Content-Length ",
	"http: message cannot contain multiple Content-Length headers",
	"unsupported transfer encoding: ",
	"too many transfer encodings: ",
	"bad trailer key ",
	"http: suspiciously long trailer after chunked body",
	// net/http/internal/chunked.go, chunkedReader: the chunked encoding
	// (its ErrLineTooLong is http.ErrLineTooLong, matched by value).
	"malformed chunked encoding",
	"chunked encoding contains too much non-data",
	"chunked line ends with bare LF",
	"invalid CR in chunked line",
	"empty hex number for chunk length",
	"invalid byte in chunk length",
	"http chunk length too large",
}

// http2Violation reports whether err is net/http's HTTP/2 client's word
// that the exchange broke HTTP/2 itself, as httpViolation's are of
// HTTP/1.1: a response without a valid :status, a header field HTTP/2
// forbids, DATA out of place or past the response's content-length, a flow
// control window past 2^31-1, a frame of a wrong or too large size, a
// header block HPACK cannot decode. Sending again meets the same frames.
//
// A stream error is typed: net/http's bundled http2StreamError converts to
// x/net's http2.StreamError by errors.As (its As method, net/http's
// h2_error.go). It counts by its code whichever side detected it: a server
// that resets a stream with PROTOCOL_ERROR says the exchange broke HTTP/2
// (before the response, net/http has sent the request again 7 times, over
// a minute, before it returns one: h2_bundle.go's RoundTripOpt and
// canRetryError). A connection error (h2_bundle.go's http2ConnectionError,
// a uint32 without an As method) and the rest are matched by their words
// at a leaf (http2Violations).
func http2Violation(err error) bool {
	var se http2.StreamError
	if errors.As(err, &se) {
		return slices.Contains(http2ViolationCodes, se.Code)
	}
	return anyLeaf(err, func(leaf error) bool {
		msg := leaf.Error()
		if code, ok := strings.CutPrefix(msg, "connection error: "); ok {
			return slices.ContainsFunc(http2ViolationCodes, func(c http2.ErrCode) bool { return code == c.String() })
		}
		return slices.ContainsFunc(http2Violations, func(p string) bool { return strings.HasPrefix(msg, p) })
	})
}

// http2ViolationCodes are the HTTP/2 error codes (RFC 9113 section 7)
// that say the frames broke HTTP/2. The others (INTERNAL_ERROR, CANCEL,
// REFUSED_STREAM, ENHANCE_YOUR_CALM, …) are a server that gave up on the
// stream or the connection: a cut.
var http2ViolationCodes = []http2.ErrCode{http2.ErrCodeProtocol, http2.ErrCodeFlowControl, http2.ErrCodeFrameSize, http2.ErrCodeCompression}

// http2Violations are the starts of net/http's HTTP/2 client's errors (Go
// 1.26, net/http/h2_bundle.go) of a response that broke HTTP/2 beyond a
// stream or connection error code, where it exports no value or type for
// them. TestClassifyHTTP2 has a server make each of them, and each
// connection error http2Violation reads.
var http2Violations = []string{
	// http2ErrFrameTooLarge: a frame over the client's read bound
	// (http2defaultMaxReadFrameSize, 1 MiB), which the read loop returns
	// as it is.
	"http2: frame too large",
	// http2transportResponseBody.Read: DATA past the response's
	// content-length.
	"net/http: server replied with more than declared Content-Length; truncated",
}

// anyLeaf reports whether f holds for an error at a leaf of err's tree: one
// that wraps nothing.
func anyLeaf(err error, f func(error) bool) bool {
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if inner := u.Unwrap(); inner != nil {
			return anyLeaf(inner, f)
		}
	case interface{ Unwrap() []error }:
		return slices.ContainsFunc(u.Unwrap(), func(e error) bool { return e != nil && anyLeaf(e, f) })
	}
	return f(err)
}

// isRateLimitCode reports whether an in-stream error code or type names a
// rate limit: "429" (LiteLLM writes the status as a string),
// "rate_limit_exceeded" (OpenAI, Groq), "rate_limit_error" (Anthropic),
// "RESOURCE_EXHAUSTED" (Gemini).
func isRateLimitCode(s string) bool {
	if s == "" {
		return false
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n == 429
	}
	s = strings.ToLower(s)
	return strings.HasPrefix(s, "rate_limit") || s == "resource_exhausted" || s == "too_many_requests"
}

// failedStatus is the status of a failed request's record and its retry
// hint in milliseconds: an HTTPError's, else the status of the response
// the target's client got (status: targets.WithResponse's, 0 when none
// came or the target does not say: a 2xx or 101 answer whose stream then
// failed is its own status), else, for a target that does not say, 200
// when bytes came and net/http made a response of them (the stream failed
// later), else none: bytes that were no HTTP response (a status line that
// is not HTTP) are no status, and neither are those of a request that was
// never sent (a targets.RequestError: an SDK's credential fetch on the
// request's context is the bytes its trace saw).
func failedStatus(err error, status int, bytesCame bool) (int, int64) {
	var he *targets.HTTPError
	if errors.As(err, &he) {
		return he.Status, he.RetryAfter.Milliseconds()
	}
	if _, unsent := errors.AsType[*targets.RequestError](err); unsent {
		return 0, 0
	}
	if status != 0 {
		return status, 0
	}
	var ue *url.Error // net/http's Do failed: there was no response
	if bytesCame && !errors.As(err, &ue) {
		return 200, 0
	}
	return 0, 0
}
