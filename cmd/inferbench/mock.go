package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/mock"
)

// Flag names of `mock`.
const (
	flagMockListen       = "listen"
	flagMockTTFT         = "ttft"
	flagMockITL          = "itl"
	flagMockOutputTokens = "output-tokens"
	flagMockGPU          = "gpu"
	flagMockGPUs         = "gpus"
	flagMockModel        = "model"
	flagMockMaxSeqs      = "max-seqs"
	flagMockChunked      = "chunked-prefill"
	flagMockSeed         = "seed"
	flagMockJitter       = "jitter"
	flagMockFaultRate    = "fault-rate"
	flagMockFaultAfter   = "fault-after"
	flagMockFaultFor     = "fault-duration"
	flagMockList         = "list"
)

// mockShutdownGrace is how long `mock` waits for connections to close after
// an interrupt before it closes them. Streams in flight end with the
// interrupt; what remains are idle keep-alive connections, which Shutdown
// closes at once, and connections a client's pool dialled but never used,
// which net/http counts as busy until they are 5 s old: waiting for those
// held every `calibrate` step 3 s, so the mock closes them after this.
const mockShutdownGrace = 300 * time.Millisecond

// mockOptions is what `mock` needs.
type mockOptions struct {
	Listen string
	Config mock.Config
}

func mockCommand() *cli.Command {
	return &cli.Command{
		Name:      "mock",
		Usage:     "serve the simulated LLM server (every protocol; fixed timing or a simulated GPU)",
		UsageText: "inferbench mock [--listen ADDR] [--ttft D] [--itl D] [--output-tokens N]\n   inferbench mock --gpu a100-80gb|h100-sxm|... [--gpus N] [--model llama-3-8b] [--fault-rate KIND=RATE,...]\n   inferbench mock --list",
		Description: `Serves the OpenAI/vLLM, Groq, TGI, Ollama, Anthropic and Gemini protocols, and
those of the cloud kinds (OpenAI Responses, Azure OpenAI, Bedrock's AWS event stream, Vertex AI,
OpenRouter, Replicate, Triton; docs/backends.md), GET /v1/models, /health, /metrics (vLLM names) and /dcgm/metrics until
interrupted. Prints "listening on http://ADDR" once it listens.

Without --gpu, every response has an exact time to first token (--ttft, from
receipt to the first token event), an exact gap between token events (--itl)
and an exact length (--output-tokens, or the request's max_tokens when 0).
With --gpu, a simulated continuous-batching engine for that GPU profile and
--model decides the timing; --list shows the profiles.
Faults: --fault-rate 429=0.01,stall=0.02 (kinds: 429, 500, 503, slow-headers,
error-event, disconnect, stall, malformed, oversized), or per request with the
header "X-Mock-Fault: KIND[; after=N][; for=D][; retry-after=D]".`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: flagMockListen, Value: "127.0.0.1:8000", Usage: "address to listen on (port 0 picks a free port)"},
			&cli.DurationFlag{Name: flagMockTTFT, Value: 50 * time.Millisecond, Usage: "time to first token"},
			&cli.DurationFlag{Name: flagMockITL, Value: 10 * time.Millisecond, Usage: "interval between tokens"},
			&cli.IntFlag{Name: flagMockOutputTokens, Usage: "tokens per response; 0 takes the request's max_tokens (16 if absent)"},
			&cli.StringFlag{Name: flagMockGPU, Usage: "GPU profile: simulate a continuous-batching engine on it (see --list)"},
			&cli.IntFlag{Name: flagMockGPUs, Value: 1, Usage: "GPUs in tensor parallel (with --gpu)"},
			&cli.StringFlag{Name: flagMockModel, Usage: "model profile with --gpu (default llama-3-8b); served model name otherwise"},
			&cli.IntFlag{Name: flagMockMaxSeqs, Usage: "max sequences in the running batch (0: 256)"},
			&cli.BoolFlag{Name: flagMockChunked, Usage: "chunked prefill"},
			&cli.Int64Flag{Name: flagMockSeed, Usage: "seed for every random choice"},
			&cli.Float64Flag{Name: flagMockJitter, Usage: "relative standard deviation of engine step times"},
			&cli.StringFlag{Name: flagMockFaultRate, Usage: "fault rates, KIND=RATE[,KIND=RATE...]"},
			&cli.IntFlag{Name: flagMockFaultAfter, Usage: "tokens sent before a mid-stream fault"},
			&cli.DurationFlag{Name: flagMockFaultFor, Value: time.Second, Usage: "duration of stall and slow-headers faults"},
			&cli.BoolFlag{Name: flagMockList, Usage: "list the GPU and model profiles and exit"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usagef("mock takes no arguments, got %q", c.Args().First())
			}
			if c.Bool(flagMockList) {
				return listMockProfiles(c.App.Writer)
			}
			o := &mockOptions{
				Listen: c.String(flagMockListen),
				Config: mock.Config{
					TTFT:             c.Duration(flagMockTTFT),
					ITL:              c.Duration(flagMockITL),
					OutputTokens:     c.Int(flagMockOutputTokens),
					Model:            c.String(flagMockModel),
					GPU:              c.String(flagMockGPU),
					GPUs:             c.Int(flagMockGPUs),
					MaxSeqs:          c.Int(flagMockMaxSeqs),
					ChunkedPrefill:   c.Bool(flagMockChunked),
					Seed:             c.Int64(flagMockSeed),
					StepJitter:       c.Float64(flagMockJitter),
					FaultAfterTokens: c.Int(flagMockFaultAfter),
					FaultDuration:    c.Duration(flagMockFaultFor),
				},
			}
			if c.IsSet(flagMockGPUs) && o.Config.GPU == "" {
				return usagef("--%s needs --%s", flagMockGPUs, flagMockGPU)
			}
			fr, err := mock.ParseFaultRates(c.String(flagMockFaultRate))
			if err != nil {
				return usagef("--%s: %v", flagMockFaultRate, err)
			}
			o.Config.Faults = fr
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
	case o.Config.GPUs < 1:
		return usagef("--%s must be at least 1, got %d", flagMockGPUs, o.Config.GPUs)
	case o.Config.MaxSeqs < 0:
		return usagef("--%s must not be negative, got %d", flagMockMaxSeqs, o.Config.MaxSeqs)
	case o.Config.FaultAfterTokens < 0:
		return usagef("--%s must not be negative, got %d", flagMockFaultAfter, o.Config.FaultAfterTokens)
	case o.Config.FaultDuration < 0:
		return usagef("--%s must not be negative, got %v", flagMockFaultFor, o.Config.FaultDuration)
	case o.Config.StepJitter < 0 || o.Config.StepJitter > 1:
		return usagef("--%s must be within [0, 1], got %v", flagMockJitter, o.Config.StepJitter)
	}
	if _, err := mock.New(o.Config); err != nil {
		return usagef("%v", err)
	}
	return nil
}

// listMockProfiles prints the GPU and model profiles.
func listMockProfiles(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "GPU\tMEMORY\tBANDWIDTH\tBF16 DENSE\tTDP\tDEVICE NAME")
	for _, g := range mock.GPUProfiles() {
		fmt.Fprintf(tw, "%s\t%d MiB\t%.0f GB/s\t%.0f TFLOP/s\t%.0f W\t%s\n", g.Name, g.MemoryMiB, g.BandwidthBps/1e9, g.FLOPS/1e12, g.TDPW, g.ModelName)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "MODEL\tPARAMS\tWEIGHTS\tKV/TOKEN\tLAYERS\tCONTEXT")
	for _, m := range mock.ModelProfiles() {
		fmt.Fprintf(tw, "%s\t%.1f B\t%.1f GB\t%d KiB\t%d\t%d\n", m.Name, m.Params/1e9, m.WeightBytes()/1e9, m.KVBytesPerToken()/1024, m.Layers, m.MaxModelLen)
	}
	return tw.Flush()
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
	if errors.Is(err, context.DeadlineExceeded) {
		err = hs.Close()
	}
	if serr := <-served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("mock: shutting down: %w", err)
	}
	return nil
}
