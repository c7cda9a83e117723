package loadgen

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"

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
// one place where errors become classes; it never matches message text.
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
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return rundir.Timeout
	}
	// Everything else is the connection's: a transport error (url.Error,
	// net.OpError), a stream cut short (io.ErrUnexpectedEOF).
	return rundir.Connection
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
// is not HTTP) are no status.
func failedStatus(err error, status int, bytesCame bool) (int, int64) {
	var he *targets.HTTPError
	if errors.As(err, &he) {
		return he.Status, he.RetryAfter.Milliseconds()
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
