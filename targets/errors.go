package targets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxErrorBody is how much of an error response body an error keeps.
const MaxErrorBody = 512

// HTTPError is returned by Stream when the server answered with a non-2xx status.
type HTTPError struct {
	// Status is the HTTP status code.
	Status int
	// RetryAfter is the server's retry hint (Retry-After-Ms or Retry-After), 0 if absent.
	RetryAfter time.Duration
	// Code and Message are the error code and message decoded from the body, if any.
	Code, Message string
	// Body is the first MaxErrorBody bytes of the body, for bodies that did not decode.
	Body string
}

func (e *HTTPError) Error() string {
	msg, page := e.Message, ""
	if msg == "" {
		msg = strings.TrimSpace(e.Body)
		if isHTMLPage(msg) {
			// A gateway's error page (nginx, a load balancer): its words,
			// not its markup, which buried them ("<html><head><title>…").
			msg, page = htmlText(msg), " (HTML page)"
		}
	}
	if msg == "" {
		return fmt.Sprintf("http %d %s%s", e.Status, http.StatusText(e.Status), page)
	}
	return fmt.Sprintf("http %d: %s%s", e.Status, msg, page)
}

// StreamError is an error the server reported inside a stream that had
// started with a success status (an in-band error event).
type StreamError struct {
	// Status is the HTTP-like status the event carried (e.g. 429, 500), 0 if none.
	Status int
	// Code and Type are the error's code and type as the server wrote them.
	Code, Type string
	// Message is the server's message.
	Message string
}

func (e *StreamError) Error() string {
	var b strings.Builder
	b.WriteString("stream error")
	if e.Status != 0 {
		fmt.Fprintf(&b, " %d", e.Status)
	}
	if e.Type != "" {
		fmt.Fprintf(&b, " (%s)", e.Type)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// ProtocolError is a response that breaks its protocol: undecodable JSON, a
// stream cut before its terminator, a body that is not a stream.
type ProtocolError struct {
	Msg string
}

func (e *ProtocolError) Error() string { return "protocol: " + e.Msg }

// RequestError is a request the adapter cannot build from what it was
// given — a model name the API has no place for, a missing deployment — so
// nothing was sent, and every request with the same settings fails alike.
// Its message is the adapter's, whole.
type RequestError struct {
	Msg string
}

func (e *RequestError) Error() string { return e.Msg }

// RequestErrorf is a RequestError with a formatted message.
func RequestErrorf(format string, a ...any) error {
	return &RequestError{Msg: fmt.Sprintf(format, a...)}
}

// MaxRetryAfter bounds a server's retry hint: a longer one (a date
// decades ahead, "Retry-After: 1e308", which would overflow a Duration) is
// kept as MaxRetryAfter, already past any wait the load generator makes.
const MaxRetryAfter = 24 * time.Hour

// RetryAfter reads the retry hint of a response: Retry-After-Ms (milliseconds)
// first, then Retry-After in seconds or as an HTTP date. It returns 0 when
// there is none, it does not parse or it is not ahead, and at most
// MaxRetryAfter.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return retryHint(ms / 1e3)
		}
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		return retryHint(s)
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), MaxRetryAfter)
	}
	return 0
}

// retryHint is a hint of s seconds as a Duration: 0 unless positive and
// finite (NaN and Inf are garbage), at most MaxRetryAfter, converted only
// once bounded.
func retryHint(s float64) time.Duration {
	if !(s > 0) || math.IsInf(s, 1) {
		return 0
	}
	if s >= MaxRetryAfter.Seconds() {
		return MaxRetryAfter
	}
	return time.Duration(s * float64(time.Second))
}

// DecodeEngineError is ReadHTTPError's decode for the error bodies of
// serving engines and exporters: OpenAI's nested
// {"error": {"message", "type", "code"}}, vLLM's and SGLang's flat
// {"message", "type"}, TGI's {"error": "…", "error_type"}, FastAPI's
// {"detail": "…"}. The tokenize client and the metrics scrapers read
// theirs with it.
func DecodeEngineError(b []byte, he *HTTPError) bool {
	var e struct {
		Error     json.RawMessage `json:"error"`
		ErrorType string          `json:"error_type"`
		Message   string          `json:"message"`
		Type      string          `json:"type"`
		Detail    json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(bytes.TrimSpace(b), &e) != nil {
		return false
	}
	var s string
	var nested struct {
		Message string `json:"message"`
		Type    string `json:"type"`
	}
	switch {
	case len(e.Error) > 0 && json.Unmarshal(e.Error, &s) == nil:
		he.Message, he.Code = s, e.ErrorType
	case len(e.Error) > 0 && json.Unmarshal(e.Error, &nested) == nil && nested.Message != "":
		he.Message, he.Code = nested.Message, nested.Type
	case e.Message != "":
		he.Message, he.Code = e.Message, e.Type
	case len(e.Detail) > 0:
		if json.Unmarshal(e.Detail, &s) == nil {
			he.Message = s
		} else {
			he.Message = string(e.Detail)
		}
	default:
		return false
	}
	return true
}
