package loadgen

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
)

// TestHeadersStampOfATimedOutRequest: the transport's read loop stamps the
// response headers (httptrace GotFirstResponseByte) on its own goroutine,
// and can do so after the request timed out and its record was built. The
// stamp went into the record directly, and the race detector flagged it in
// session's TestDiskFullSaysItOnce under `make test`. Here 400 responses
// come around the 2 ms timeout: under -race the old code was flagged in 3
// runs of 3. Without -race it checks only that every request is recorded.
func TestHeadersStampOfATimedOutRequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(rand.IntN(4000)) * time.Microsecond)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n")
	}))
	defer srv.Close()
	target, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 400
	r, err := New(target, Workload{Model: "m", PromptTokens: 4, MaxTokens: 4}, Requests(n), Concurrency(8), Timeout(2*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	var c collect
	if _, err := run(context.Background(), r, c.add); err != nil {
		t.Fatal(err)
	}
	if len(c.recs) < n {
		t.Fatalf("%d records, want %d", len(c.recs), n)
	}
}
