package mock

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkFixedStreamTokens measures streamed tokens per second in fixed
// mode with TTFT and ITL 0, through a real loopback HTTP server and
// net/http clients (8 concurrent streams of 2,000 tokens per iteration);
// the client side reads every byte and counts the token events.
func BenchmarkFixedStreamTokens(b *testing.B) {
	const streams, tokens = 8, 2000
	s, err := New(Config{OutputTokens: tokens})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	client := ts.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = streams
	body := `{"messages":[{"role":"user","content":"hi"}],"stream":true}`
	marker := []byte(`"delta":{"content":`)
	total := 0
	start := time.Now()
	for b.Loop() {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for range streams {
			wg.Go(func() {
				resp, err := client.Post(ts.URL+"/v1/chat/completions", "application/json", strings.NewReader(body))
				if err != nil {
					b.Error(err)
					return
				}
				data, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					b.Error(err)
				}
				n := bytes.Count(data, marker)
				if n != tokens {
					b.Errorf("%d tokens, want %d", n, tokens)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "tokens/s")
}
