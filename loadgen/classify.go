package loadgen

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/inferbench/inferbench/targets"
)

// ErrorClass says why a request failed. The zero value means it did not.
type ErrorClass string

// The error classes of DESIGN.md.
const (
	// RateLimited: HTTP 429, or an in-stream error that says so.
	RateLimited ErrorClass = "rate_limited"
	// HTTP4xx: any other 4xx answer (bad request, auth, not found).
	HTTP4xx ErrorClass = "http_4xx"
	// HTTP5xx: a 5xx answer (server error, overloaded, unavailable).
	HTTP5xx ErrorClass = "http_5xx"
	// StreamErr: an error event inside a stream that began with 200.
	StreamErr ErrorClass = "stream_error"
	// Timeout: the request ran past its deadline (--timeout).
	Timeout ErrorClass = "timeout"
	// Connection: the transport failed: refused, reset, cut mid-body.
	Connection ErrorClass = "connection"
	// Protocol: the response broke its protocol (bad JSON, a stream cut
	// before its terminator, no token at all).
	Protocol ErrorClass = "protocol"
	// Canceled: the run was stopped (Ctrl-C) while the request was in flight.
	Canceled ErrorClass = "canceled"
)

// errRequestTimeout is the cause set on a request's context when its own
// deadline (Runner.Timeout) expires, to tell it apart from the run ending.
var errRequestTimeout = errors.New("request timed out")

// Classify returns the class of an error returned by Target.Stream. It is the
// one place where errors become classes; it never matches message text.
func Classify(err error) ErrorClass {
	if err == nil {
		return ""
	}
	var he *targets.HTTPError
	var se *targets.StreamError
	var pe *targets.ProtocolError
	switch {
	case errors.Is(err, errRequestTimeout), errors.Is(err, context.DeadlineExceeded):
		return Timeout
	case errors.Is(err, context.Canceled):
		return Canceled
	case errors.As(err, &he):
		switch {
		case he.Status == 429:
			return RateLimited
		case he.Status >= 500:
			return HTTP5xx
		default:
			return HTTP4xx
		}
	case errors.As(err, &se):
		if se.Status == 429 || isRateLimitCode(se.Code) || isRateLimitCode(se.Type) {
			return RateLimited
		}
		return StreamErr
	case errors.As(err, &pe):
		return Protocol
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return Timeout
	}
	var ue *url.Error
	var oe *net.OpError
	if errors.As(err, &ue) || errors.As(err, &oe) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return Connection
	}
	return Connection
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
