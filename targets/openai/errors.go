package openai

import (
	"net/http"

	"github.com/inferbench/inferbench/targets"
)

// httpError builds the error of a non-2xx response: its status, its retry
// hint, and the code and message of its body in any of the shapes
// decodeError knows; a body that does not decode (text/plain, HTML) is kept,
// up to targets.MaxErrorBody bytes.
func (t *Target) httpError(resp *http.Response) error {
	return targets.ReadHTTPError(resp, t.ep.Redact, func(b []byte, he *targets.HTTPError) bool {
		info, ok := decodeError(b)
		he.Code, he.Message = info.code, info.message
		if he.Code == "" {
			he.Code = info.typ
		}
		return ok
	})
}
