package loadgen

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/targettest"
)

// chatRequest sends one chat request of a prompt of promptTokens through
// the OpenAI adapter on client and returns its record.
func chatRequest(t *testing.T, base string, client *http.Client, promptTokens int) *rundir.Record {
	t.Helper()
	target, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: base, Client: client}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(target, Workload{Model: "m", PromptTokens: promptTokens, MaxTokens: 4}, Requests(1))
	if err != nil {
		t.Fatal(err)
	}
	var c collect
	if _, err := run(t.Context(), r, c.add); err != nil {
		t.Fatal(err)
	}
	if len(c.recs) != 1 {
		t.Fatalf("%d records, want 1", len(c.recs))
	}
	return c.recs[0]
}

// TestResentHTTP2RefusedStream: a stream the server refuses (RST_STREAM
// REFUSED_STREAM), which net/http sends again itself, is recorded as a
// resend of the one attempt, and its TTFT holds the refused send (here
// refused after 60 ms).
func TestResentHTTP2RefusedStream(t *testing.T) {
	const late = 60 * time.Millisecond
	srv := rawH2Server(t, func(s *h2Stream) bool {
		if s.id == 1 {
			time.Sleep(late)
			s.fr.WriteRSTStream(s.id, http2.ErrCodeRefusedStream)
			return true
		}
		s.answer()
		return true
	})
	rec := resentOK(t, srv, 1)
	if ttft := time.Duration(rec.FirstTokenNS - rec.SentNS); ttft < late {
		t.Errorf("TTFT %v; want the refused send's %v in it", ttft, late)
	}
}

// TestResentHTTP2GoAwayBeforeTheStream: a server that answers a stream
// with GOAWAY naming no stream it processed (LastStreamID 0) and closes
// the connection has the request sent again by net/http on a new one:
// one successful attempt, resent once, its connection wait both dials.
func TestResentHTTP2GoAwayBeforeTheStream(t *testing.T) {
	var streams atomic.Int64
	srv := rawH2Server(t, func(s *h2Stream) bool {
		if streams.Add(1) == 1 {
			s.fr.WriteGoAway(0, http2.ErrCodeNo, nil)
			return false
		}
		s.answer()
		return true
	})
	resentOK(t, srv, 1)
	if n := streams.Load(); n != 2 {
		t.Errorf("the server got %d streams; want 2 (the test's premise)", n)
	}
}

// answeringServers are an HTTP/1.1 and an HTTP/2 server answering every
// chat request with events token events and [DONE], the HTTP/2 one's
// client, and the handler for a server of the test's own.
func answeringServers(t *testing.T, events int) (answer http.HandlerFunc, h1, h2 *httptest.Server, h2c *http.Client) {
	t.Helper()
	answer = func(w http.ResponseWriter, r *http.Request) {
		h2Events(w, events)
		fmt.Fprint(w, "data: [DONE]\n\n")
	}
	h1 = httptest.NewServer(answer)
	t.Cleanup(h1.Close)
	h2 = h2TLSServer(t, onlyH2(answer))
	var proto atomic.Value
	return answer, h1, h2, h2Client(h2, &proto)
}

// TestResentNone: a request sent once, over HTTP/1.1 or HTTP/2, or sent
// twice to follow a 307 redirect (each send answered), records no resend,
// and its line has no resent key.
func TestResentNone(t *testing.T) {
	answer, h1, h2, h2c := answeringServers(t, 1)
	var redirects atomic.Int64
	redirected := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/chat/completions" {
			redirects.Add(1)
			http.Redirect(w, r, "/v2/chat/completions", http.StatusTemporaryRedirect)
			return
		}
		answer(w, r)
	}))
	defer redirected.Close()
	for _, c := range []struct {
		name   string
		base   string
		client *http.Client
	}{
		{"HTTP/1.1", h1.URL, h1.Client()},
		{"HTTP/2", h2.URL, h2c},
		{"HTTP/1.1 redirected (307)", redirected.URL, redirected.Client()},
	} {
		rec := oneChatRequestWith(t, c.base, c.client)
		dir := t.TempDir()
		w, err := rundir.CreateRecordWriter(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := errors.Join(w.Write(rec), w.Close()); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, rundir.RecordsFile))
		if err != nil {
			t.Fatal(err)
		}
		line := string(b)
		if !rec.OK || rec.Resent != 0 || strings.Contains(line, `"resent"`) {
			t.Errorf("%s: ok %v, resent %d (error %q), line has resent: %v; want one send, no resent key", c.name, rec.OK, rec.Resent, rec.Error, strings.Contains(line, `"resent"`))
		}
	}
	if n := redirects.Load(); n != 1 {
		t.Errorf("%d redirects sent; want 1 (the test's premise)", n)
	}
}

// TestResentNoneUnderLoad: 8 streams at once for 64 requests, on kept
// HTTP/1.1 connections or sharing one HTTP/2 connection (whose first
// requests race to open it), record no resend.
func TestResentNoneUnderLoad(t *testing.T) {
	_, h1, h2, h2c := answeringServers(t, 2)
	for _, c := range []struct {
		name   string
		base   string
		client *http.Client
	}{{"HTTP/1.1", h1.URL, h1.Client()}, {"HTTP/2", h2.URL, h2c}} {
		target, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: c.base, Client: c.client}})
		if err != nil {
			t.Fatal(err)
		}
		r, err := New(target, Workload{Model: "m", PromptTokens: 8, MaxTokens: 4}, Requests(64), Concurrency(8))
		if err != nil {
			t.Fatal(err)
		}
		var col collect
		if _, err := run(t.Context(), r, col.add); err != nil {
			t.Fatal(err)
		}
		resent, failed := 0, 0
		for _, rec := range col.recs {
			resent += rec.Resent
			if !rec.OK {
				failed++
			}
		}
		if resent != 0 || failed != 0 || len(col.recs) < 64 {
			t.Errorf("%s: %d resends, %d failed in %d records; want none of 64", c.name, resent, failed, len(col.recs))
		}
	}
}

// TestResentHTTP1ClosedKeptAliveConnection: over HTTP/1.1, a server that
// closes the connection after its response without Connection: close, and
// a next request that meets the dead socket, is sent again on a new
// connection by the client (net/http for a request that fits its write
// buffer, targets.PostStream for one past it): the request succeeds and
// its record says it was resent once. The first request, sent once,
// records none.
func TestResentHTTP1ClosedKeptAliveConnection(t *testing.T) {
	for _, c := range []struct {
		name   string
		prompt int
	}{{"small request (net/http resends)", 8}, {"request past 4 KiB (PostStream resends)", 4000}} {
		t.Run(c.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			firstClosed := make(chan struct{})
			var conns, served atomic.Int64
			go func() {
				for {
					conn, err := ln.Accept()
					if err != nil {
						return
					}
					first := conns.Add(1) == 1
					go func() {
						defer conn.Close()
						br := bufio.NewReader(conn)
						for {
							req, err := http.ReadRequest(br)
							if err != nil {
								return
							}
							if _, err := io.Copy(io.Discard, req.Body); err != nil {
								return
							}
							served.Add(1)
							body := h2Event + "data: [DONE]\n\n"
							fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n", len(body), body)
							if first {
								conn.Close() // no Connection: close said
								close(firstClosed)
								return
							}
						}
					}()
				}
			}()
			dialer := &targettest.FINLateDialer{ServerClosed: firstClosed}
			tr := targets.NewTransport()
			tr.DialContext = dialer.DialContext
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			base := "http://" + ln.Addr().String()
			if rec := chatRequest(t, base, client, c.prompt); !rec.OK || rec.Resent != 0 {
				t.Fatalf("first request: ok %v, resent %d (error %q); want one send", rec.OK, rec.Resent, rec.Error)
			}
			rec := chatRequest(t, base, client, c.prompt)
			if !rec.OK || rec.Attempt != 0 || rec.Resent != 1 {
				t.Errorf("request on the closed connection: ok %v, attempt %d, resent %d (error %q); want it served, resent once", rec.OK, rec.Attempt, rec.Resent, rec.Error)
			}
			if d, s := dialer.Dials.Load(), served.Load(); d != 2 || s != 2 {
				t.Errorf("%d connections dialed, %d requests served; want 2 and 2 (the test's premise: the second met the closed one)", d, s)
			}
		})
	}
}
