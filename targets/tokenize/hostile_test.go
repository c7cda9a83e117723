package tokenize

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
)

// TestHostileResponses: a negative count is no count, and a body
// compressed though not asked for is named; each is a ProtocolError that
// says so. Before, a count of -5 was taken as no count, and the text
// counted 0 tokens; a gzip body failed as "invalid character '\x1f'".
func TestHostileResponses(t *testing.T) {
	for _, c := range []struct {
		name, encoding, body, want string
	}{
		{"negative count", "", `{"count": -5}`, "count -5"},
		{"gzip", "gzip", "\x1f\x8b\x08\x00garbage", "Content-Encoding gzip"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if c.encoding != "" {
				w.Header().Set("Content-Encoding", c.encoding)
			}
			io.WriteString(w, c.body)
		}))
		cl, _ := New(Config{BaseURL: srv.URL, Kind: VLLM})
		n, err := cl.CountTokens(t.Context(), "x")
		var pe *targets.ProtocolError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %d, %v; want a protocol error saying %q", c.name, n, err, c.want)
		}
		srv.Close()
	}
}
