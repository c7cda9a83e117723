package targets_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/targettest"
)

// dyingConn is a kept-alive connection that the server has closed and the
// client does not know it yet: on the request after the first, one write
// goes through (the headers and the start of the body fill the client's
// buffer) and the next fails as writing to a closed socket does. That is
// llama-server's way (docs/notes/real-servers.md §4.1), caught in the
// integration run as "readfrom tcp …: write …: use of closed network
// connection": net/http resends a replayable POST only when nothing was
// written or the read failed, not on this write error.
type dyingConn struct {
	net.Conn
	mu       sync.Mutex
	requests int // writes that began a request ("POST ")
	writes   int // writes since the current request began
}

func (c *dyingConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	if strings.HasPrefix(string(b), "POST ") {
		c.requests++
		c.writes = 0
	}
	c.writes++
	dying := c.requests >= 2 && c.writes >= 2
	c.mu.Unlock()
	if dying {
		c.Conn.Close()
		return 0, net.ErrClosed
	}
	return c.Conn.Write(b)
}

// TestPostStreamResendsOnADeadKeptAliveConnection: a POST that fails while
// being written on a reused connection is sent again on a new one, and the
// server answers it once; a failure on a fresh connection is not resent.
func TestPostStreamResendsOnADeadKeptAliveConnection(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			return // the cut request: its body ends short of its length
		}
		served.Add(1)
		io.WriteString(w, "data: ok\n\n")
	}))
	defer srv.Close()
	var dials atomic.Int64
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if dials.Add(1) == 1 {
			return &dyingConn{Conn: c}, nil // only the first connection dies
		}
		return c, nil
	}}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	body := []byte(`{"prompt":"` + strings.Repeat("x", 16<<10) + `"}`) // past the 4 KiB write buffer
	for i := range 2 {
		resp, err := targets.PostStream(t.Context(), client, srv.URL, http.Header{}, body)
		if err != nil {
			t.Fatalf("request %d: %v; want it resent on a new connection", i+1, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if n := served.Load(); n != 2 {
		t.Errorf("the server answered %d requests; want 2", n)
	}
	if n := dials.Load(); n != 2 {
		t.Errorf("%d connections dialed; want 2 (the dead one, then a new one)", n)
	}
}

// TestPostStreamDoesNotResendOnAFreshConnection: a connection refused, or
// one that fails on its first request, is the server's failure: returned at
// once, not hidden by a resend.
func TestPostStreamDoesNotResendOnAFreshConnection(t *testing.T) {
	var dials atomic.Int64
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		a, b := net.Pipe()
		go func() { // a server that reads the request and hangs up
			buf := make([]byte, 1024)
			b.Read(buf)
			b.Close()
		}()
		return a, nil
	}}
	defer tr.CloseIdleConnections()
	_, err := targets.PostStream(t.Context(), &http.Client{Transport: tr}, "http://127.0.0.1:9/v1/completions", http.Header{}, []byte(`{}`))
	if err == nil {
		t.Fatal("want the hang-up returned")
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("%d connections dialed; want 1: a fresh connection's failure is not resent", n)
	}
}

// TestPostStreamDoesNotResendAfterAWholeWrite: a request written whole on a
// reused connection that then fails (here a malformed response, which
// net/http does not retry) may have been served: it is the server's
// failure, returned, not sent again. The server answers a connection's
// first request and garbles its second; a resend on a new connection was
// answered, hiding the failure and serving the request twice.
func TestPostStreamDoesNotResendAfterAWholeWrite(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var received atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for i := 0; ; i++ {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					io.Copy(io.Discard, req.Body)
					received.Add(1)
					if i == 1 {
						io.WriteString(c, "garbage\r\n\r\n")
						return
					}
					io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 10\r\n\r\ndata: ok\n\n")
				}
			}()
		}
	}()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	url := "http://" + ln.Addr().String() + "/v1/completions"
	resp, err := targets.PostStream(t.Context(), client, url, http.Header{}, []byte(`{}`))
	if err != nil {
		t.Fatalf("first request: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp, err := targets.PostStream(t.Context(), client, url, http.Header{}, []byte(`{}`)); err == nil {
		resp.Body.Close()
		t.Errorf("second request answered; want the malformed response returned (the server got it %d times)", received.Load()-1)
	}
	if n := received.Load(); n != 2 {
		t.Errorf("the server received %d requests; want 2: the garbled one is not sent again", n)
	}
}

// TestPostStreamResendsASmallRequestOnAConnectionClosedUnderIt: a request
// small enough to sit whole in the transport's 4 KiB write buffer, on a
// kept-alive connection the server closed after its response, before the
// request reached it. Its write "succeeds" as far as httptrace's
// WroteRequest can tell (the hook runs before the buffer is flushed), so
// PostStream's own resend does not apply; the failure shows on the flush
// (reset: nothing written) or on the read (EOF before any response byte),
// and net/http resends it on a new connection itself, because the request
// is replayable (the X-Idempotency-Key PostStream sets) and the connection
// was reused (shouldRetryRequest: nothingWrittenError,
// transportReadFromServerError). The server gets it once, whole, on the
// second connection.
func TestPostStreamResendsASmallRequestOnAConnectionClosedUnderIt(t *testing.T) {
	for _, reset := range []bool{false, true} {
		name := "fin"
		if reset {
			name = "reset" // the server closes with SO_LINGER 0: an RST, no FIN
		}
		t.Run(name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			var received, bodies atomic.Int64
			firstClosed := make(chan struct{})
			var conns atomic.Int64
			go func() {
				for {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					first := conns.Add(1) == 1
					go func() {
						br := bufio.NewReader(c)
						for {
							req, err := http.ReadRequest(br)
							if err != nil {
								c.Close()
								return
							}
							received.Add(1)
							if b, err := io.ReadAll(req.Body); err == nil && string(b) == `{"n":1}` {
								bodies.Add(1)
							}
							io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\na\r\ndata: ok\n\n\r\n0\r\n\r\n")
							if first {
								// llama-server's way: the response ends, the
								// connection is closed without a word.
								if reset {
									c.(*net.TCPConn).SetLinger(0)
								}
								c.Close()
								close(firstClosed)
								return
							}
						}
					}()
				}
			}()
			dialer := &targettest.FINLateDialer{ServerClosed: firstClosed}
			tr := &http.Transport{DialContext: dialer.DialContext}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			url := "http://" + ln.Addr().String() + "/v1/completions"
			var reused, wroteOK atomic.Int64
			for i := range 2 {
				ctx := httptrace.WithClientTrace(t.Context(), &httptrace.ClientTrace{
					GotConn: func(c httptrace.GotConnInfo) {
						if c.Reused {
							reused.Add(1)
						}
					},
					WroteRequest: func(w httptrace.WroteRequestInfo) {
						if w.Err == nil {
							wroteOK.Add(1)
						}
					},
				})
				resp, err := targets.PostStream(ctx, client, url, http.Header{}, []byte(`{"n":1}`))
				if err != nil {
					t.Fatalf("request %d: %v; want it resent on a new connection", i+1, err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			if n := reused.Load(); n != 1 {
				t.Errorf("%d requests went out on a reused connection; want 1 (the test's premise: the closed one was reused)", n)
			}
			if n := wroteOK.Load(); n != 3 {
				t.Errorf("WroteRequest reported %d whole writes; want 3 (the stale one among them)", n)
			}
			if n := dialer.Dials.Load(); n != 2 {
				t.Errorf("%d connections dialed; want 2 (the closed one, then a new one)", n)
			}
			if n, b := received.Load(), bodies.Load(); n != 2 || b != 2 {
				t.Errorf("the server received %d requests (%d whole); want 2, each once", n, b)
			}
		})
	}
}
