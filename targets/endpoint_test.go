package targets_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/sse"
)

// TestNewEndpointKeyHeader: the key goes as a bearer token in Authorization,
// as itself in any other header, and nowhere when empty; Accept is the
// stream's type and the extra headers are kept.
func TestNewEndpointKeyHeader(t *testing.T) {
	extra := http.Header{"X-Extra": {"1"}}
	for _, c := range []struct{ keyHeader, key, name, want string }{
		{"Authorization", "sk-1", "Authorization", "Bearer sk-1"},
		{"X-Api-Key", "sk-1", "X-Api-Key", "sk-1"},
		{"Authorization", "", "Authorization", ""},
	} {
		e := targets.NewEndpoint("x", nil, extra, "application/x-ndjson", c.keyHeader, c.key)
		if got := e.Header.Get(c.name); got != c.want {
			t.Errorf("%s %q: %s = %q, want %q", c.keyHeader, c.key, c.name, got, c.want)
		}
		if e.Header.Get("Accept") != "application/x-ndjson" || e.Header.Get("X-Extra") != "1" || e.Client == nil {
			t.Errorf("%s %q: header %v, client %v", c.keyHeader, c.key, e.Header, e.Client)
		}
	}
	if extra.Get("Accept") != "" {
		t.Error("NewEndpoint changed the configuration's header")
	}
}

// TestEndpointOpen: a 2xx stream is returned; a non-2xx answer is
// httpError's; a 2xx of another Content-Type is a ProtocolError naming the
// Accept type; a transport error is led by the name and has no key.
func TestEndpointOpen(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "data: 1\n\n")
		case "/json":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, "{}")
		default:
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	e := targets.NewEndpoint("x", nil, nil, "text/event-stream", "Authorization", "sk-secret")
	errHTTP := errors.New("http error")
	httpError := func(resp *http.Response) error {
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("httpError given status %d", resp.StatusCode)
		}
		return errHTTP
	}
	ctx := context.Background()
	resp, err := e.Open(ctx, srv.URL+"/ok", []byte("{}"), httpError, nil)
	if err != nil {
		t.Fatalf("Open of a stream: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "data: 1\n\n" {
		t.Errorf("body %q", b)
	}
	if _, err := e.Open(ctx, srv.URL+"/busy", nil, httpError, nil); err != errHTTP {
		t.Errorf("Open of a 503: %v, want httpError's", err)
	}
	var pe *targets.ProtocolError
	if _, err := e.Open(ctx, srv.URL+"/json", nil, httpError, nil); !errors.As(err, &pe) || !strings.Contains(err.Error(), "not text/event-stream") {
		t.Errorf("Open of a JSON answer: %v, want a ProtocolError naming text/event-stream", err)
	}
	isJSON := func(ct string) bool { return ct == "application/json" }
	if _, err := e.Open(ctx, srv.URL+"/json", nil, httpError, isJSON); err != nil {
		t.Errorf("Open of a JSON answer with isStream accepting it: %v", err)
	}
	_, err = e.Open(ctx, "http://sk-secret@127.0.0.1:1/", nil, httpError, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "x: ") || strings.Contains(err.Error(), "sk-secret") {
		t.Errorf("Open of a closed port: %v, want an error led by x: without the key", err)
	}
	cctx, cancel := context.WithCancelCause(ctx)
	cancel(errors.New("stopped"))
	if err := e.ReadErr(cctx, errors.New("sk-secret eof")); err.Error() != "x: read stream: stopped: [REDACTED] eof" {
		t.Errorf("ReadErr = %q", err)
	}
}

// TestEndpointStream: read is handed the opened response and the request's
// ctx, and its answer comes back; the body is closed once read returns; an
// Open error comes back with a zero Final, read not called.
func TestEndpointStream(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ok" {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: 1\n\n")
	}))
	defer srv.Close()
	e := targets.NewEndpoint("x", nil, nil, "text/event-stream", "Authorization", "")
	errHTTP, errRead := errors.New("http error"), errors.New("read error")
	httpError := func(*http.Response) error { return errHTTP }
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "request")
	var kept *http.Response
	read := func(rctx context.Context, resp *http.Response, cancel context.CancelFunc, onChunk func(targets.Chunk)) (targets.Final, error) {
		if rctx.Value(key{}) != "request" || cancel == nil {
			t.Error("read not handed the request's ctx and a cancel func")
		}
		if b, _ := io.ReadAll(resp.Body); string(b) != "data: 1\n\n" {
			t.Errorf("read got body %q", b)
		}
		kept = resp
		onChunk(targets.Chunk{Content: "c"})
		return targets.Final{FinishReason: "stop"}, errRead
	}
	var chunks []string
	onChunk := func(c targets.Chunk) { chunks = append(chunks, c.Content) }
	f, err := e.Stream(ctx, srv.URL+"/ok", nil, httpError, nil, read, onChunk)
	if f.FinishReason != "stop" || err != errRead || len(chunks) != 1 {
		t.Errorf("Stream = %+v, %v with chunks %q; want read's answer and its one chunk", f, err, chunks)
	}
	if _, err := kept.Body.Read(make([]byte, 1)); err == nil || err == io.EOF {
		t.Errorf("body read after Stream returned: %v, want the error of a closed body", err)
	}
	kept = nil
	f, err = e.Stream(ctx, srv.URL+"/busy", nil, httpError, nil, read, onChunk)
	if f != (targets.Final{}) || err != errHTTP || kept != nil {
		t.Errorf("Stream of a 503 = %+v, %v (read called: %v); want a zero Final and httpError's", f, err, kept != nil)
	}
}

// TestErrReader: a body that ends leaves Err nil; one cut by the transport
// keeps the transport's error, though the reader above sees only an end.
func TestErrReader(t *testing.T) {
	br := &targets.ErrReader{R: strings.NewReader("abc")}
	if b, err := io.ReadAll(br); err != nil || string(b) != "abc" || br.Err != nil {
		t.Errorf("ReadAll = %q, %v; Err %v", b, err, br.Err)
	}
	cut := errors.New("connection reset")
	br = &targets.ErrReader{R: io.MultiReader(strings.NewReader("ab"), iotest.ErrReader(cut))}
	if _, err := io.ReadAll(br); err != cut || br.Err != cut {
		t.Errorf("ReadAll error %v; Err %v, want %v", err, br.Err, cut)
	}
}

// TestNextEvent: events, then io.EOF; an event over the size limit is a
// ProtocolError; a transport error is led by the name and ctx's cause.
func TestNextEvent(t *testing.T) {
	e := targets.NewEndpoint("x", nil, nil, "text/event-stream", "Authorization", "")
	ctx := context.Background()
	rd := sse.NewReader(strings.NewReader("data: 1\n\n"))
	if ev, err := e.NextEvent(ctx, rd); err != nil || string(ev.Data) != "1" {
		t.Errorf("first event %q, %v", ev.Data, err)
	}
	if _, err := e.NextEvent(ctx, rd); err != io.EOF {
		t.Errorf("at the end: %v, want io.EOF", err)
	}
	rd = sse.NewReader(strings.NewReader("data: " + strings.Repeat("a", 100) + "\n\n"))
	rd.SetMaxEventSize(10)
	var pe *targets.ProtocolError
	if _, err := e.NextEvent(ctx, rd); !errors.As(err, &pe) {
		t.Errorf("an event over the limit: %v, want a ProtocolError", err)
	}
	rd = sse.NewReader(io.MultiReader(strings.NewReader("data: 1"), iotest.ErrReader(errors.New("reset"))))
	if _, err := e.NextEvent(ctx, rd); err == nil || err.Error() != "x: read stream: reset" {
		t.Errorf("a cut stream: %v", err)
	}
}

// TestScalar: strings unquoted, numbers as written, anything else "".
func TestScalar(t *testing.T) {
	for raw, want := range map[string]string{
		` "a\u00e9" `: "aé", `429`: "429", `-1.5`: "-1.5", `null`: "", `{"a":1}`: "", `[1]`: "", `"bad`: "", ``: "", `true`: "",
	} {
		if got := targets.Scalar([]byte(raw)); got != want {
			t.Errorf("Scalar(%s) = %q, want %q", raw, got, want)
		}
	}
}

// TestJSONText: strings unquoted, other values as written, absent and
// null not there.
func TestJSONText(t *testing.T) {
	type text struct {
		s  string
		ok bool
	}
	for raw, want := range map[string]text{
		` "a\u00e9" `: {"aé", true}, `""`: {"", true}, `429`: {"429", true}, ` {"a": 1} `: {`{"a": 1}`, true},
		`[1]`: {"[1]", true}, `"bad`: {`"bad`, true}, `true`: {"true", true}, ` null `: {"", false}, ``: {"", false}, ` `: {"", false},
	} {
		if s, ok := targets.JSONText([]byte(raw)); s != want.s || ok != want.ok {
			t.Errorf("JSONText(%s) = %q, %t; want %q, %t", raw, s, ok, want.s, want.ok)
		}
	}
}

// TestReadEvents: the events reach the handler in order; the one that ends
// the stream stops the loop and the rest of the body is drained; a
// handler's error is returned; a stream that ends first is io.EOF.
func TestReadEvents(t *testing.T) {
	e := targets.NewEndpoint("x", nil, nil, "text/event-stream", "", "")
	// The comment lines after the last event outgrow the reader's buffer:
	// only the drain reads them.
	stream := "data: a\n\ndata: end\n\ndata: after\n\n" + strings.Repeat(": padding\n", 3000)
	run := func(stop string, fail error) ([]string, error, int) {
		body := strings.NewReader(stream)
		var seen []string
		err := e.ReadEvents(context.Background(), sse.NewReader(body), body, func() {}, func(ev sse.Event) (bool, error) {
			seen = append(seen, string(ev.Data))
			if string(ev.Data) == "end" && fail != nil {
				return false, fail
			}
			return string(ev.Data) == stop, nil
		})
		return seen, err, body.Len()
	}
	if seen, err, left := run("end", nil); err != nil || strings.Join(seen, ",") != "a,end" || left != 0 {
		t.Errorf("ended by an event: %v %v, %d bytes left", seen, err, left)
	}
	boom := errors.New("boom")
	if seen, err, _ := run("end", boom); err != boom || strings.Join(seen, ",") != "a,end" {
		t.Errorf("handler error: %v %v", seen, err)
	}
	if seen, err, _ := run("never", nil); err != io.EOF || strings.Join(seen, ",") != "a,end,after" {
		t.Errorf("no ending event: %v %v", seen, err)
	}
}
