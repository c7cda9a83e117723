package targets

import (
	"fmt"
	"net/http"
	"strings"
)

// EncodingError returns the error of a response whose body is compressed
// (Content-Encoding gzip, deflate, br, …) although the request did not ask
// for it, nil otherwise. Its bytes are not the protocol's text, and they
// are never inflated: a decompression bomb stays a small body. A body the
// transport asked for and inflated itself (net/http removes the header)
// passes.
func EncodingError(resp *http.Response) error {
	if msg := unaskedEncoding(resp); msg != "" {
		return &ProtocolError{Msg: fmt.Sprintf("HTTP %d %s", resp.StatusCode, msg)}
	}
	return nil
}

// unaskedEncoding says what EncodingError reports of resp's body, "" when
// the body is not encoded.
func unaskedEncoding(resp *http.Response) string {
	ce := strings.TrimSpace(resp.Header.Get("Content-Encoding"))
	if ce == "" || strings.EqualFold(ce, "identity") {
		return ""
	}
	return fmt.Sprintf("body has Content-Encoding %s, which was not asked for: not read", Snippet(Printable(ce)))
}
