// Package pipetest is a test's in-memory network: a listener whose
// connections are net.Pipe pairs made by its Dial. Pipes block on
// channels, which a testing/synctest bubble sees as durable blocking, so a
// whole run — client, HTTP, the mock server and its engine — executes on
// the bubble's fake clock: timings are exact and a two-minute sweep takes
// seconds.
package pipetest

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
)

// Net is the listener and its dialer.
type Net struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

// New returns a Net with no server; serve it with http.Server.Serve.
func New() *Net { return &Net{conns: make(chan net.Conn), done: make(chan struct{})} }

// Serve serves h on a new Net until the test ends, and returns it: its
// Dial is the client's dialer (Options.Dial, a transport's DialContext).
func Serve(t testing.TB, h http.Handler) *Net {
	t.Helper()
	n := New()
	srv := &http.Server{Handler: h}
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(n) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return n
}

// Accept waits for a connection Dial made, or the Net's Close.
func (n *Net) Accept() (net.Conn, error) {
	select {
	case c := <-n.conns:
		return c, nil
	case <-n.done:
		return nil, net.ErrClosed
	}
}

// Close stops Accept and Dial; it may be called more than once.
func (n *Net) Close() error { n.once.Do(func() { close(n.done) }); return nil }

// Addr is the Net's one address, "pipe".
func (n *Net) Addr() net.Addr { return addr{} }

// Dial connects to the Net's server, whatever network and address it is
// given: one end of a new pipe is the client's, the other Accept's.
func (n *Net) Dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case n.conns <- server:
		return client, nil
	case <-n.done:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type addr struct{}

func (addr) Network() string { return "pipe" }
func (addr) String() string  { return "pipe" }
