package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"sync"
	"testing"

	"github.com/urfave/cli/v2"
)

// pipeNet is an in-memory network: a listener whose connections are
// net.Pipe pairs made by its Dial. Pipes block on channels, which a
// testing/synctest bubble sees as durable blocking, so a whole run — client,
// mock server, engine — can execute under the bubble's fake clock: timings
// are exact and a two-minute sweep takes seconds.
type pipeNet struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newPipeNet() *pipeNet { return &pipeNet{conns: make(chan net.Conn), done: make(chan struct{})} }

func (p *pipeNet) Accept() (net.Conn, error) {
	select {
	case c := <-p.conns:
		return c, nil
	case <-p.done:
		return nil, net.ErrClosed
	}
}

func (p *pipeNet) Close() error { p.once.Do(func() { close(p.done) }); return nil }

func (p *pipeNet) Addr() net.Addr { return pipeAddr{} }

func (p *pipeNet) Dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case p.conns <- server:
		return client, nil
	case <-p.done:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

// serveOnPipe serves h on a new in-memory network until the test ends.
func serveOnPipe(t *testing.T, h http.Handler) *pipeNet {
	pn := newPipeNet()
	srv := &http.Server{Handler: h}
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(pn) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return pn
}

// runOnPipe runs `inferbench run ARGS…` with every connection going to pn.
func runOnPipe(ctx context.Context, pn *pipeNet, args ...string) (stdout, stderr string, err error) {
	var out, errw bytes.Buffer
	cmd := runCommand(nil)
	cmd.Action = func(c *cli.Context) error {
		o, err := runOptionsFrom(c)
		if err != nil {
			return err
		}
		o.Dial = pn.Dial
		return runRun(c.Context, c.Context, o, c.Bool(flagQuiet), c.App.Writer, c.App.ErrWriter)
	}
	app := &cli.App{Name: "inferbench", Writer: &out, ErrWriter: &errw, Commands: []*cli.Command{cmd},
		ExitErrHandler: func(*cli.Context, error) {}}
	err = app.RunContext(ctx, append([]string{"inferbench", "run"}, args...))
	return out.String(), errw.String(), err
}
