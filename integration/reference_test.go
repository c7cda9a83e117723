//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// refOverheads is the reference client's part of TestClientVsServerLlamaCpp:
// the least a Go client can do to time a streamed completion, to stand
// beside inferbench on the same server and the same machine. It sends n
// streamed /v1/completions requests (64 tokens out, ignore_eos, a prompt
// of its own each so that no prefix is cached) conc at a time, takes the
// time of the first data line whose text is not empty, reads the last
// chunk's timings.prompt_ms, and returns each request's client TTFT minus
// prompt_ms in ms: the overhead as TestClientVsServerLlamaCpp defines it
// for inferbench. It does nothing per chunk but find the first text (one
// substring test) and keep the last line.
func refOverheads(t *testing.T, url string, conc, n int, round int) []float64 {
	t.Helper()
	// A connection a request: llama-server closes a streamed response's
	// connection (TestLlamaCppKeepAlive), so inferbench dials anew too.
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{DisableKeepAlives: true}}
	var (
		mu   sync.Mutex
		over []float64
		errs []string
		wg   sync.WaitGroup
	)
	next := make(chan int)
	for range conc {
		wg.Go(func() {
			for i := range next {
				d, err := refRequest(client, url, fmt.Sprintf("reference %d.%d: %s", round, i, strings.Repeat(fmt.Sprintf("w%d ", i), 30)))
				mu.Lock()
				if err != nil {
					errs = append(errs, err.Error())
				} else {
					over = append(over, d)
				}
				mu.Unlock()
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("reference client: %d of %d requests failed, the first: %s", len(errs), n, errs[0])
	}
	return over
}

// refRequest is one reference request: its TTFT minus the server's
// prompt_ms, in ms.
func refRequest(client *http.Client, url, prompt string) (float64, error) {
	body, err := json.Marshal(map[string]any{"model": "tiny", "prompt": prompt, "max_tokens": 64, "stream": true, "ignore_eos": true})
	if err != nil {
		return 0, err
	}
	sent := time.Now()
	resp, err := client.Post(url+"/v1/completions", "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	var first time.Time
	var last []byte
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.HasPrefix(line, []byte("data: {")) {
			continue
		}
		if first.IsZero() && !bytes.Contains(line, []byte(`"text":""`)) && bytes.Contains(line, []byte(`"text":"`)) {
			first = time.Now()
		}
		last = append(last[:0], line...)
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	var end struct {
		Timings struct {
			PromptMS float64 `json:"prompt_ms"`
		} `json:"timings"`
	}
	if err := json.Unmarshal(bytes.TrimPrefix(last, []byte("data: ")), &end); err != nil {
		return 0, fmt.Errorf("last chunk %.200q: %v", last, err)
	}
	if first.IsZero() || end.Timings.PromptMS <= 0 {
		return 0, fmt.Errorf("no text (%v) or no prompt_ms (%.3f) in the stream", first.IsZero(), end.Timings.PromptMS)
	}
	return float64(first.Sub(sent).Microseconds())/1e3 - end.Timings.PromptMS, nil
}
