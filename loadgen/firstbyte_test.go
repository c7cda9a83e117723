package loadgen

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
)

// TestFirstByteIsTheBodysFirstByte: a server that opens its stream with an
// SSE comment and sends its first token 60 ms later has a TTFB of the
// comment, not of the first event; headers come before both.
//
// The server paces itself on the client's reads, not on sleeps, so that a
// loaded machine cannot merge the three into one read: it sends the comment
// once the client reads the body, and starts its 60 ms wait only when the
// client asks for more after the comment's bytes — by then the runner has
// stamped the first byte (the stamp is taken in the read that returned
// them). So the first token is stamped at least 60 ms after the first byte
// however late either read is scheduled.
func TestFirstByteIsTheBodysFirstByte(t *testing.T) {
	const gap = 60 * time.Millisecond
	gate := &readGate{reading: make(chan struct{}), readAgain: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		if !gate.wait(r.Context(), gate.reading) {
			return
		}
		fmt.Fprint(w, ": ping\n\n")
		w.(http.Flusher).Flush()
		if !gate.wait(r.Context(), gate.readAgain) {
			return
		}
		time.Sleep(gap)
		fmt.Fprint(w, `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi"}}]}`+"\n\n")
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	defer srv.Close()
	client := &http.Client{Transport: gate.wrap(srv.Client().Transport)}
	rec := oneChatRequestWith(t, srv.URL, client)
	if !rec.OK {
		t.Fatalf("record %+v", rec)
	}
	if !(rec.SentNS <= rec.HeadersNS && rec.HeadersNS < rec.FirstByteNS && rec.FirstByteNS < rec.FirstTokenNS) {
		t.Errorf("sent %d headers %d first byte %d first token %d: want them in that order", rec.SentNS, rec.HeadersNS, rec.FirstByteNS, rec.FirstTokenNS)
	}
	if d := time.Duration(rec.FirstTokenNS - rec.FirstByteNS); d < gap {
		t.Errorf("first byte %v before the first token; the server waited %v after the client had read its comment", d, gap)
	}
}

// readGate wraps a transport so that a server can wait on its client's
// reads of a response body: reading is closed at the body's first Read
// call, readAgain at the first Read call after one that returned bytes.
type readGate struct {
	base               http.RoundTripper
	reading, readAgain chan struct{}
	once1, once2       sync.Once
}

func (g *readGate) wrap(base http.RoundTripper) http.RoundTripper {
	g.base = base
	return g
}

func (g *readGate) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := g.base.RoundTrip(req)
	if err == nil {
		resp.Body = &gatedBody{ReadCloser: resp.Body, g: g}
	}
	return resp, err
}

// wait waits for ch, or reports false when the request ends first.
func (g *readGate) wait(ctx context.Context, ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	case <-ctx.Done():
		return false
	}
}

type gatedBody struct {
	io.ReadCloser
	g   *readGate
	got bool
}

func (b *gatedBody) Read(p []byte) (int, error) {
	b.g.once1.Do(func() { close(b.g.reading) })
	if b.got {
		b.g.once2.Do(func() { close(b.g.readAgain) })
	}
	n, err := b.ReadCloser.Read(p)
	b.got = b.got || n > 0
	return n, err
}

// oneChatRequest sends one OpenAI chat request to the server at base through
// a Runner and returns its record.
func oneChatRequest(t *testing.T, base string) *rundir.Record {
	t.Helper()
	return oneChatRequestWith(t, base, nil)
}

// oneChatRequestWith is oneChatRequest through client (nil: the adapter's
// own).
func oneChatRequestWith(t *testing.T, base string, client *http.Client) *rundir.Record {
	t.Helper()
	target, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: base, Client: client}})
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
