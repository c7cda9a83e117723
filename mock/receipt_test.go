package mock_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/registry"
)

// lateBody is a request body whose first read waits: the body arrives after
// the headers, as a large prompt over a slow link would.
type lateBody struct {
	io.ReadCloser
	delay time.Duration
	read  bool
}

func (b *lateBody) Read(p []byte) (int, error) {
	if !b.read {
		b.read = true
		time.Sleep(b.delay)
	}
	return b.ReadCloser.Read(p)
}

// TestServerTimingFromReceipt: the latencies a protocol reports for the
// server (Bedrock's invocation metrics, Ollama's durations, Groq's x_groq
// times, llama.cpp's timings) run from the request's receipt, the origin
// the mock paces its tokens from, so a body that arrives 100 ms after the
// headers is in them.
// The bound is causal: the body's wait comes after the receipt, so no
// scheduling delay can make a correct server report less. (A clock started
// once the body was parsed reported ~1 ms: the tokens, overdue by then, went
// out at once. On a loaded host a pause between receipt and parse did the
// same and failed TestBedrockAgainstMock.)
func TestServerTimingFromReceipt(t *testing.T) {
	setCloudEnv(t)
	const delay = 100 * time.Millisecond
	m, err := mock.New(mock.Config{OutputTokens: 3, TTFT: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = &lateBody{ReadCloser: r.Body, delay: delay}
		m.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		kind, api, path, model string
		// fromReceipt names the reported latencies that run from receipt.
		fromReceipt func(targets.ServerTiming) map[string]time.Duration
	}{
		{"bedrock", "chat", "", "us.amazon.nova-micro-v1:0", func(s targets.ServerTiming) map[string]time.Duration {
			return map[string]time.Duration{"total": s.Total}
		}},
		{"bedrock", "native", "", "meta.llama3-1-8b-instruct-v1:0", func(s targets.ServerTiming) map[string]time.Duration {
			return map[string]time.Duration{"total": s.Total, "TTFT": s.TTFT}
		}},
		{"ollama", "chat", "", "m", func(s targets.ServerTiming) map[string]time.Duration {
			return map[string]time.Duration{"total": s.Total, "prompt": s.Prompt}
		}},
		{"groq", "chat", "/openai/v1", "m", func(s targets.ServerTiming) map[string]time.Duration {
			return map[string]time.Duration{"prompt": s.Prompt}
		}},
		{"llamacpp", "native", "", "m", func(s targets.ServerTiming) map[string]time.Duration {
			return map[string]time.Duration{"prompt": s.Prompt}
		}},
	} {
		t.Run(tc.kind+"/"+tc.api, func(t *testing.T) {
			tg, err := registry.New(tc.kind, registry.Options{URL: srv.URL + tc.path, API: tc.api, APIKey: "k"})
			if err != nil {
				t.Fatal(err)
			}
			final, err := tg.Stream(t.Context(), targets.Request{Model: tc.model, Prompt: "a b c", MaxTokens: 16}, func(targets.Chunk) {})
			if err != nil {
				t.Fatal(err)
			}
			if final.Server == nil {
				t.Fatal("no server timing")
			}
			for name, d := range tc.fromReceipt(*final.Server) {
				if d < delay {
					t.Errorf("server %s %v, less than the %v the body took to arrive after the headers: %+v", name, d, delay, *final.Server)
				}
			}
		})
	}
}
