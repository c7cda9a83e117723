package gemini_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/gemini"
	"github.com/inferbench/inferbench/targets/sse"
)

// TestTextAfterFinishIsNoToken: Gemini's stream has no terminator, so
// the candidate's finishReason ends the generation; text a server sends
// after it (tokens past the end, a second answer) is not counted as
// generated, while a later usage still is the server's count. Before,
// every later event was a token: 50 of them after a finished stream of 2.
func TestTextAfterFinishIsNoToken(t *testing.T) {
	body := data(`{"candidates":[{"content":{"parts":[{"text":"a"}],"role":"model"}}]}`) +
		data(`{"candidates":[{"content":{"parts":[{"text":"b"}],"role":"model"},"finishReason":"STOP"}]}`) +
		strings.Repeat(data(`{"candidates":[{"content":{"parts":[{"text":"zzz"}],"role":"model"}}]}`), 50) +
		data(`{"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2}}`)
	r, _ := replay(t, 200, sseHeader, body, nil)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	var tokens int
	for _, c := range r.Chunks {
		if c.HasToken() {
			tokens++
		}
	}
	if tokens != 2 {
		t.Errorf("%d token events; want 2 (none after finishReason STOP)", tokens)
	}
	want := targets.Final{Usage: &targets.Usage{PromptTokens: 4, CompletionTokens: 2}, FinishReason: "STOP"}
	if diff := cmp.Diff(want, r.Final); diff != "" {
		t.Errorf("final (-want +got):\n%s", diff)
	}
}

// TestArrayElementTooLarge: a JSON-array stream whose element never ends
// (an endless string) is refused once the element passes the SSE path's
// event limit, as a protocol error, instead of being buffered whole. Before,
// json.Decoder held the element as it grew: against a loopback server
// writing one string for 5 s, 2 streams held 2.3 GB of RSS, unbounded but
// by --timeout.
func TestArrayElementTooLarge(t *testing.T) {
	const total = 64 << 20 // what the server would write, 4 limits' worth
	var wrote atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		n, _ := io.WriteString(w, `[{"candidates":[{"content":{"parts":[{"text":"`)
		wrote.Add(int64(n))
		chunk := strings.Repeat("a", 1<<20)
		for wrote.Load() < total {
			n, err := io.WriteString(w, chunk)
			wrote.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	r := stream(t, gemini.Config{Conn: targets.Conn{BaseURL: srv.URL}}, targets.Request{Model: "m", Prompt: "p"})
	if got := loadgen.Classify(r.Err); got != rundir.Protocol || !strings.Contains(fmt.Sprint(r.Err), "too large") {
		t.Errorf("err %v (%s); want a protocol error saying the element is too large", r.Err, got)
	}
	srv.Close() // waits for the handler: its writes fail once the client is gone
	if w := wrote.Load(); w >= total {
		t.Errorf("the client read all %d bytes of one element; want it to stop past %d", w, sse.DefaultMaxEventSize)
	}
}
