package targets_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/inferbench/inferbench/targets"
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
