package openai_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/targettest"
)

// streamBody is a vLLM-shaped chat stream of n one-token content chunks
// between a role chunk, a finish chunk and a usage chunk.
func streamBody(n int) []byte {
	var b strings.Builder
	chunk := func(choice string) {
		fmt.Fprintf(&b, `data: {"id":"chatcmpl-b1","object":"chat.completion.chunk","created":1755691077,"model":"meta-llama/Llama-3.1-8B-Instruct","choices":[%s]}`+"\n\n", choice)
	}
	chunk(`{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}`)
	for i := range n {
		chunk(fmt.Sprintf(`{"index":0,"delta":{"content":" tok%d"},"logprobs":null,"finish_reason":null}`, i))
	}
	chunk(`{"index":0,"delta":{},"logprobs":null,"finish_reason":"length","stop_reason":null}`)
	fmt.Fprintf(&b, `data: {"id":"chatcmpl-b1","object":"chat.completion.chunk","created":1755691077,"model":"m","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":%d,"total_tokens":%d}}`+"\n\n", n, n+10)
	b.WriteString("data: [DONE]\n\n")
	return []byte(b.String())
}

type memTransport struct{ body []byte }

func (m memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	return &http.Response{
		StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}},
		Body: io.NopCloser(bytes.NewReader(m.body)), Request: req,
	}, nil
}

// BenchmarkStream decodes a replayed 1,000-token stream (1,003 data
// events). "memory" serves it from an in-process transport, so it measures
// the adapter alone; "http" serves it over loopback from an httptest server
// in the same process, so its allocations include the server's.
func BenchmarkStream(b *testing.B) {
	const tokens = 1000
	body := streamBody(tokens)
	run := func(b *testing.B, client *http.Client, url string) {
		tg, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: url, Client: client}})
		if err != nil {
			b.Fatal(err)
		}
		chunks := 0
		onChunk := func(targets.Chunk) { chunks++ }
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		mallocs := ms.Mallocs
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			final, err := tg.Stream(context.Background(), targets.Request{Model: "m", Prompt: "p", MaxTokens: tokens}, onChunk)
			if err != nil || final.Usage.CompletionTokens != tokens {
				b.Fatalf("%v %+v", err, final)
			}
		}
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(chunks)/b.Elapsed().Seconds(), "chunks/s")
		b.ReportMetric(float64(ms.Mallocs-mallocs)/float64(chunks), "allocs/chunk")
	}
	b.Run("memory", func(b *testing.B) {
		run(b, &http.Client{Transport: memTransport{body}}, "http://replay.invalid")
	})
	b.Run("http", func(b *testing.B) {
		srv := targettest.NewServer(b, targettest.Replay{Response: &targettest.Response{
			Status: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: body}, Split: targettest.Whole})
		run(b, nil, srv.URL)
	})
}

// usageStreamBody is a vLLM chat stream with continuous_usage_stats: n
// content chunks each carrying the cumulative usage, whose text is tok
// (escaped: "\n", which sends every chunk to encoding/json).
func usageStreamBody(n int, tok string) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `data: {"id":"chatcmpl-b1","object":"chat.completion.chunk","created":1755691077,"model":"m","choices":[{"index":0,"delta":{"content":%q},"logprobs":null,"finish_reason":null}],"usage":{"prompt_tokens":10,"total_tokens":%d,"completion_tokens":%d,"prompt_tokens_details":{"cached_tokens":4}}}`+"\n\n", tok, i+11, i+1)
	}
	fmt.Fprintf(&b, `data: {"id":"chatcmpl-b1","object":"chat.completion.chunk","created":1755691077,"model":"m","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}],"usage":{"prompt_tokens":10,"total_tokens":%d,"completion_tokens":%d}}`+"\n\n", n+10, n)
	b.WriteString("data: [DONE]\n\n")
	return []byte(b.String())
}

// BenchmarkUsageStream decodes a 1,000-token stream whose every chunk
// carries a usage (vLLM's continuous_usage_stats), served from memory:
// "plain" text takes the hand-written decoder, "escaped" text encoding/json.
func BenchmarkUsageStream(b *testing.B) {
	const tokens = 1000
	for _, tc := range []struct{ name, tok string }{{"plain", " tok"}, {"escaped", "\n"}} {
		b.Run(tc.name, func(b *testing.B) {
			body := usageStreamBody(tokens, tc.tok)
			tg, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: "http://replay.invalid", Client: &http.Client{Transport: memTransport{body}}}})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				final, err := tg.Stream(context.Background(), targets.Request{Model: "m", Prompt: "p", MaxTokens: tokens}, func(targets.Chunk) {})
				if err != nil || final.Usage.CompletionTokens != tokens || final.CachedTokens != 4 {
					b.Fatalf("%v %+v", err, final)
				}
			}
		})
	}
}

// stopReasonStreamBody is a vLLM completions stream of n one-token chunks
// that each carry "stop_reason":null, as vLLM writes every choice, ending
// at the stop sequence stop, which the finish chunk names.
func stopReasonStreamBody(n int, stop string) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `data: {"id":"cmpl-b1","object":"text_completion","created":1755691077,"model":"m","choices":[{"index":0,"text":" tok%d","logprobs":null,"finish_reason":null,"stop_reason":null}],"usage":null}`+"\n\n", i)
	}
	q, _ := json.Marshal(stop)
	fmt.Fprintf(&b, `data: {"id":"cmpl-b1","object":"text_completion","created":1755691077,"model":"m","choices":[{"index":0,"text":"","logprobs":null,"finish_reason":"stop","stop_reason":%s}],"usage":null}`+"\n\n", q)
	fmt.Fprintf(&b, `data: {"id":"cmpl-b1","object":"text_completion","created":1755691077,"model":"m","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":%d,"total_tokens":%d}}`+"\n\n", n+1, n+11)
	b.WriteString("data: [DONE]\n\n")
	return []byte(b.String())
}

// BenchmarkStopReasonStream decodes a 1,000-token vLLM completions stream
// whose every chunk carries stop_reason (null, then the stop sequence
// "\n\nUser:", escaped, on the finish chunk), served from memory.
func BenchmarkStopReasonStream(b *testing.B) {
	const tokens = 1000
	stop := "\n\nUser:"
	body := stopReasonStreamBody(tokens, stop)
	tg, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: "http://replay.invalid", Client: &http.Client{Transport: memTransport{body}}}, API: openai.Completions, Flavor: openai.FlavorVLLM})
	if err != nil {
		b.Fatal(err)
	}
	req := targets.Request{Model: "m", Prompt: "p", MaxTokens: 2 * tokens, Stop: []string{"###", stop}}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		final, err := tg.Stream(context.Background(), req, func(targets.Chunk) {})
		if err != nil || final.Usage.CompletionTokens != tokens+1 || !final.StoppedBySequence {
			b.Fatalf("%v %+v", err, final)
		}
	}
}
