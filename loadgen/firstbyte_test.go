package loadgen

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
)

// TestFirstByteIsTheBodysFirstByte: a server that opens its stream with an
// SSE comment and sends its first token 60 ms later has a TTFB of the
// comment, not of the first event; headers come before both.
func TestFirstByteIsTheBodysFirstByte(t *testing.T) {
	const gap = 60 * time.Millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		time.Sleep(10 * time.Millisecond)
		fmt.Fprint(w, ": ping\n\n")
		w.(http.Flusher).Flush()
		time.Sleep(gap)
		fmt.Fprint(w, `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi"}}]}`+"\n\n")
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	defer srv.Close()
	rec := oneChatRequest(t, srv.URL)
	if !rec.OK {
		t.Fatalf("record %+v", rec)
	}
	if !(rec.SentNS <= rec.HeadersNS && rec.HeadersNS < rec.FirstByteNS && rec.FirstByteNS < rec.FirstTokenNS) {
		t.Errorf("sent %d headers %d first byte %d first token %d: want them in that order", rec.SentNS, rec.HeadersNS, rec.FirstByteNS, rec.FirstTokenNS)
	}
	if d := time.Duration(rec.FirstTokenNS - rec.FirstByteNS); d < gap {
		t.Errorf("first byte %v before the first token; the server waited %v after its comment", d, gap)
	}
}

// oneChatRequest sends one OpenAI chat request to the server at base through
// a Runner and returns its record.
func oneChatRequest(t *testing.T, base string) *rundir.Record {
	t.Helper()
	target, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: base}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(target, Workload{Model: "m", PromptTokens: 8, MaxTokens: 4}, Requests(1))
	if err != nil {
		t.Fatal(err)
	}
	var c collect
	if _, err := run(context.Background(), r, c.add); err != nil {
		t.Fatal(err)
	}
	if len(c.recs) != 1 {
		t.Fatalf("%d records, want 1", len(c.recs))
	}
	return c.recs[0]
}
