package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/targets/mock"
)

// Flag names of `mock`.
const (
	flagMockListen       = "listen"
	flagMockTTFT         = "ttft"
	flagMockITL          = "itl"
	flagMockOutputTokens = "output-tokens"
)

// mockShutdownGrace is how long `mock` waits for connections to close after
// an interrupt before it closes them.
const mockShutdownGrace = 5 * time.Second

// mockOptions is what `mock` needs.
type mockOptions struct {
	Listen string
	Config mock.Config
}

func mockCommand() *cli.Command {
	return &cli.Command{
		Name:      "mock",
		Usage:     "serve the simulated LLM server (OpenAI-compatible, fixed timing)",
		UsageText: "inferbench mock [--listen ADDR] [--ttft D] [--itl D] [--output-tokens N]",
		Description: `Serves POST /v1/chat/completions and /v1/completions (streaming and not),
GET /v1/models and GET /health until interrupted. Every response has an exact
time to first token (--ttft, from receipt to the first token event), an exact
gap between token events (--itl) and an exact length (--output-tokens, or the
request's max_tokens when 0). Prints "listening on http://ADDR" once it listens.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: flagMockListen, Value: "127.0.0.1:8000", Usage: "address to listen on (port 0 picks a free port)"},
			&cli.DurationFlag{Name: flagMockTTFT, Value: 50 * time.Millisecond, Usage: "time to first token"},
			&cli.DurationFlag{Name: flagMockITL, Value: 10 * time.Millisecond, Usage: "interval between tokens"},
			&cli.IntFlag{Name: flagMockOutputTokens, Usage: "tokens per response; 0 takes the request's max_tokens (16 if absent)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usagef("mock takes no arguments, got %q", c.Args().First())
			}
			o := &mockOptions{
				Listen: c.String(flagMockListen),
				Config: mock.Config{
					TTFT:         c.Duration(flagMockTTFT),
					ITL:          c.Duration(flagMockITL),
					OutputTokens: c.Int(flagMockOutputTokens),
				},
			}
			if err := o.validate(); err != nil {
				return err
			}
			return runMock(c.Context, o, c.App.Writer)
		},
	}
}

// validate checks the flags, one clear line per problem.
func (o *mockOptions) validate() error {
	switch {
	case o.Config.TTFT < 0:
		return usagef("--%s must not be negative, got %v", flagMockTTFT, o.Config.TTFT)
	case o.Config.ITL < 0:
		return usagef("--%s must not be negative, got %v", flagMockITL, o.Config.ITL)
	case o.Config.OutputTokens < 0:
		return usagef("--%s must not be negative, got %d", flagMockOutputTokens, o.Config.OutputTokens)
	}
	return nil
}

// runMock serves the mock until ctx is done, then shuts down gracefully.
func runMock(ctx context.Context, o *mockOptions, stdout io.Writer) error {
	srv, err := mock.New(o.Config)
	if err != nil {
		return err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", o.Listen)
	if err != nil {
		return fmt.Errorf("mock: %w", err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		// Request contexts derive from ctx, so an interrupt ends the
		// streams in flight and Shutdown does not wait for them.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("mock: serving: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), mockShutdownGrace)
	defer cancel()
	err = hs.Shutdown(sctx)
	if serr := <-served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("mock: shutting down: %w", err)
	}
	return nil
}
