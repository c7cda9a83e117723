package bedrock_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/bedrock"
)

// TestErrorBodyIsBounded: of a 500 whose body is 256 MiB of one JSON
// message, the client reads a bounded part (targets.MaxErrorRead, and what
// socket buffers take) and the record is still an HTTP 500. Before, the
// SDK copied the whole error body into memory to decode it.
func TestErrorBodyIsBounded(t *testing.T) {
	const size = 256 << 20
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-Errortype", "InternalServerException")
		w.WriteHeader(http.StatusInternalServerError)
		n, _ := io.WriteString(w, `{"message":"`)
		written.Add(int64(n))
		chunk := strings.Repeat("x", 64<<10)
		for written.Load() < size {
			n, err := io.WriteString(w, chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
		io.WriteString(w, `"}`)
	}))
	defer srv.Close()
	for _, api := range []bedrock.API{bedrock.Chat, bedrock.Native} {
		written.Store(0)
		r := stream(t, newTarget(t, bedrock.Config{Endpoint: srv.URL, API: api}), t.Context(), targets.Request{Model: "meta.llama3-8b-instruct-v1:0", Prompt: "p"})
		var he *targets.HTTPError
		if !errors.As(r.Err, &he) || he.Status != 500 {
			t.Errorf("%s: err %v; want an HTTP 500", api, r.Err)
		}
		srv.CloseClientConnections()
		if n := written.Load(); n >= 32<<20 {
			t.Errorf("%s: the server wrote %d MiB before the client let go; want a bounded read (%d KiB kept)", api, n>>20, targets.MaxErrorRead>>10)
		}
	}
}
