package main

import (
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/mock"
)

func mockCommand() *cli.Command {
	var cfg mock.Config
	var listen, faults string
	return &cli.Command{
		Name:      "mock",
		Usage:     "serve the simulated LLM server (every protocol; fixed timing or a simulated GPU)",
		UsageText: "inferbench mock [--listen ADDR] [--ttft D] [--itl D] [--output-tokens N]\n   inferbench mock --gpu a100-80gb|h100-sxm|... [--gpus N] [--model llama-3-8b] [--fault-rate KIND=RATE,...]\n   inferbench mock --list",
		Description: `Serves the OpenAI/vLLM, Groq, TGI, Ollama, llama.cpp (/completion), Anthropic and Gemini protocols, and
those of the cloud kinds (OpenAI Responses, Azure OpenAI, Bedrock's AWS event stream, Vertex AI,
OpenRouter, Replicate, Triton; docs/backends.md), GET /v1/models, /health, /metrics (vLLM names) and /dcgm/metrics until
interrupted. Prints "listening on http://ADDR" once it listens.

Without --gpu, token k of every response is due at receipt + --ttft + k·--itl
(a token sent late is followed by the due ones at once, so the schedule holds)
and the length is exact: --output-tokens (the simulated end of sequence; the
request's max_tokens when 0), at most the request's max_tokens and at least
its min_tokens, as vLLM keeps generating past end of sequence until min_tokens
(run --target vllm with --ignore-eos, the default, sends min_tokens =
max_tokens: --ignore-eos=false for --output-tokens' length).
With --gpu, a simulated continuous-batching engine for that GPU profile and
--model decides the timing; --list shows the profiles.
Faults: --fault-rate 429=0.01,stall=0.02 (kinds: 429, 500, 503, slow-headers,
error-event, disconnect, stall, malformed, oversized), or per request with the
header "X-Mock-Fault: KIND[; after=N][; for=D][; retry-after=D]".`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:8000", Destination: &listen, Usage: "address to listen on (port 0 picks a free port)"},
			&cli.DurationFlag{Name: "ttft", Value: 50 * time.Millisecond, Destination: &cfg.TTFT, Usage: "time to first token"},
			&cli.DurationFlag{Name: "itl", Value: 10 * time.Millisecond, Destination: &cfg.ITL, Usage: "interval between tokens"},
			&cli.IntFlag{Name: "output-tokens", Destination: &cfg.OutputTokens, Usage: "tokens per response; 0 takes the request's max_tokens (16 if absent)"},
			&cli.StringFlag{Name: "gpu", Destination: &cfg.GPU, Usage: "GPU profile: simulate a continuous-batching engine on it (see --list)"},
			&cli.IntFlag{Name: "gpus", Value: 1, Destination: &cfg.GPUs, Usage: "GPUs in tensor parallel (with --gpu)"},
			&cli.StringFlag{Name: "model", Destination: &cfg.Model, Usage: "model profile with --gpu (default llama-3-8b); served model name otherwise"},
			&cli.IntFlag{Name: "max-seqs", Destination: &cfg.MaxSeqs, Usage: "max sequences in the running batch (0: 256)"},
			&cli.BoolFlag{Name: "chunked-prefill", Destination: &cfg.ChunkedPrefill, Usage: "chunked prefill"},
			&cli.BoolFlag{Name: "no-prefix-cache", Destination: &cfg.NoPrefixCache, Usage: "turn the engine's prefix cache off (vLLM's --no-enable-prefix-caching)"},
			&cli.Int64Flag{Name: "seed", Destination: &cfg.Seed, Usage: "seed for every random choice"},
			&cli.Float64Flag{Name: "jitter", Destination: &cfg.StepJitter, Usage: "relative standard deviation of engine step times"},
			&cli.StringFlag{Name: "fault-rate", Destination: &faults, Usage: "fault rates, KIND=RATE[,KIND=RATE...]"},
			&cli.IntFlag{Name: "fault-after", Destination: &cfg.FaultAfterTokens, Usage: "tokens sent before a mid-stream fault"},
			&cli.DurationFlag{Name: "fault-duration", Value: time.Second, Destination: &cfg.FaultDuration, Usage: "duration of stall and slow-headers faults"},
			&cli.BoolFlag{Name: "list", Usage: "list the GPU and model profiles and exit"},
			&cli.StringFlag{Name: "chat-stream", Value: mock.ChatStreamVLLM, Destination: &cfg.ChatStream, Usage: "shape of the vLLM chat stream: vllm (role chunk with the first token, finish_reason on the last token's chunk, as current vLLM) or early-role (role chunk on receipt, a separate finish chunk)"},
		},
		Action: func(c *cli.Context) error {
			if err := cmdline.NoArgs(c, "mock"); err != nil {
				return err
			}
			if c.Bool("list") {
				return mock.WriteProfiles(c.App.Writer)
			}
			if c.IsSet("gpus") && cfg.GPU == "" {
				return usagef("--gpus needs --gpu")
			}
			fr, err := mock.ParseFaultRates(faults)
			if err != nil {
				return usagef("--fault-rate: %v", err)
			}
			cfg.Faults = fr
			if cfg.GPUs < 1 {
				return usagef("--gpus must be at least 1, got %d", cfg.GPUs)
			}
			// mock.New says what is wrong with the flags, one line each.
			if _, err := mock.New(cfg); err != nil {
				return usagef("%v", err)
			}
			if err := mock.CheckListen(listen); err != nil {
				return usagef("--listen %v", err)
			}
			return mock.Serve(c.Context, listen, cfg, c.App.Writer)
		},
	}
}
