package replicate_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/replicate"
)

// TestCompressedStreamIsRefused: a prediction stream compressed though not
// asked for is a ProtocolError naming the encoding (targets.EncodingError),
// as the other adapters' streams are. Before, its bytes went to the SSE
// reader and the stream failed with no word of the encoding.
func TestCompressedStreamIsRefused(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("event: output\ndata: a\n\nevent: done\ndata: {}\n\n"))
	zw.Close()
	api := newFakeAPI(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz.Bytes())
	}))
	tg, _ := replicate.New(replicate.Config{Conn: targets.Conn{BaseURL: api.URL}})
	_, err := tg.Stream(t.Context(), targets.Request{Model: "o/m", Prompt: "p"}, func(targets.Chunk) {})
	var pe *targets.ProtocolError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "Content-Encoding gzip") {
		t.Errorf("err %v; want a ProtocolError naming Content-Encoding gzip", err)
	}
}
