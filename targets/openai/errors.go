package openai

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"github.com/inferbench/inferbench/targets"
)

// httpError builds the error of a non-2xx response: its status, its retry
// hint, and the code and message of its body in any of the shapes
// decodeError knows; a body that does not decode (text/plain, HTML) is kept,
// up to targets.MaxErrorBody bytes.
func (t *Target) httpError(resp *http.Response) error {
	he := &targets.HTTPError{
		Status:     resp.StatusCode,
		RetryAfter: targets.RetryAfter(resp.Header, time.Now()),
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorRead))
	if info, ok := decodeError(b); ok {
		he.Code = info.code
		if he.Code == "" {
			he.Code = info.typ
		}
		// Redact before cutting, so that no part of a key survives.
		he.Code = truncate(t.redact(he.Code))
		he.Message = truncate(t.redact(info.message))
	} else {
		he.Body = truncate(t.redact(string(bytes.TrimSpace(b))))
	}
	return he
}
