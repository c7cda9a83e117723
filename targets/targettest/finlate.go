package targettest

import (
	"context"
	"net"
	"strings"
	"sync"
	"sync/atomic"
)

// A FINLateDialer dials connections of which the first holds back the end
// of the connection the server has closed (the EOF or reset its reads
// return) until the client has written its next request, and holds that
// request's write until the server has closed: the peer's FIN crossing
// the client's next request in flight, which is how llama-server's close
// after a streamed response (docs/notes/real-servers.md §4.1) meets a
// client quick to reuse the connection. Without the hold, net/http's read
// loop sees the EOF on the idle connection and drops it from the pool
// before it is reused. Dials counts the connections dialed.
type FINLateDialer struct {
	// ServerClosed is closed by the test's server once it has closed its
	// end of the first connection.
	ServerClosed <-chan struct{}
	Dials        atomic.Int64
}

// DialContext is an http.Transport's DialContext.
func (d *FINLateDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil || d.Dials.Add(1) > 1 {
		return c, err
	}
	return &finLateConn{Conn: c, serverClosed: d.ServerClosed, nextWritten: make(chan struct{})}, nil
}

type finLateConn struct {
	net.Conn
	serverClosed <-chan struct{}
	mu           sync.Mutex
	requests     int           // writes that began a request ("POST ")
	nextWritten  chan struct{} // closed once a write of the second request returned
}

func (c *finLateConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	if strings.HasPrefix(string(b), "POST ") {
		c.requests++
	}
	second := c.requests >= 2
	c.mu.Unlock()
	if !second {
		return c.Conn.Write(b)
	}
	<-c.serverClosed
	n, err := c.Conn.Write(b)
	c.mu.Lock()
	select {
	case <-c.nextWritten:
	default:
		close(c.nextWritten)
	}
	c.mu.Unlock()
	return n, err
}

func (c *finLateConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if err != nil {
		<-c.nextWritten
	}
	return n, err
}
