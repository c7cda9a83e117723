package main

import (
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
	flagMockNoPxCache    = "no-prefix-cache"
	flagMockSeed         = "seed"
	flagMockJitter       = "jitter"
	flagMockFaultRate    = "fault-rate"
	flagMockFaultAfter   = "fault-after"
	flagMockFaultFor     = "fault-duration"
	flagMockList         = "list"
	flagMockChatStream   = "chat-stream"
)

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
			&cli.BoolFlag{Name: flagMockNoPxCache, Usage: "turn the engine's prefix cache off (vLLM's --no-enable-prefix-caching)"},
			&cli.Int64Flag{Name: flagMockSeed, Usage: "seed for every random choice"},
			&cli.Float64Flag{Name: flagMockJitter, Usage: "relative standard deviation of engine step times"},
			&cli.StringFlag{Name: flagMockFaultRate, Usage: "fault rates, KIND=RATE[,KIND=RATE...]"},
			&cli.IntFlag{Name: flagMockFaultAfter, Usage: "tokens sent before a mid-stream fault"},
			&cli.DurationFlag{Name: flagMockFaultFor, Value: time.Second, Usage: "duration of stall and slow-headers faults"},
			&cli.BoolFlag{Name: flagMockList, Usage: "list the GPU and model profiles and exit"},
			&cli.StringFlag{Name: flagMockChatStream, Value: mock.ChatStreamVLLM, Usage: "shape of the vLLM chat stream: vllm (role chunk with the first token, finish_reason on the last token's chunk, as current vLLM) or early-role (role chunk on receipt, a separate finish chunk)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usagef("mock takes no arguments, got %q", c.Args().First())
			}
			if c.Bool(flagMockList) {
				return mock.WriteProfiles(c.App.Writer)
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
					NoPrefixCache:    c.Bool(flagMockNoPxCache),
					Seed:             c.Int64(flagMockSeed),
					StepJitter:       c.Float64(flagMockJitter),
					FaultAfterTokens: c.Int(flagMockFaultAfter),
					FaultDuration:    c.Duration(flagMockFaultFor),
					ChatStream:       c.String(flagMockChatStream),
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
			return mock.Serve(c.Context, o.Listen, o.Config, c.App.Writer)
		},
	}
}

// validate checks the flags: mock.New says what is wrong, one line each.
func (o *mockOptions) validate() error {
	if o.Config.GPUs < 1 {
		return usagef("--%s must be at least 1, got %d", flagMockGPUs, o.Config.GPUs)
	}
	if _, err := mock.New(o.Config); err != nil {
		return usagef("%v", err)
	}
	return nil
}
