package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestMockServesAndShutsDown starts `inferbench mock` on a free port, reads
// the address it prints, streams one request, then interrupts it.
func TestMockServesAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		err := newApp(pw, &stderr).RunContext(ctx, []string{"inferbench", "mock",
			"--listen", "127.0.0.1:0", "--ttft", "1ms", "--itl", "0s", "--output-tokens", "3"})
		pw.CloseWithError(errors.New("mock returned"))
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the address line: %v (stderr %q)", err, stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasSuffix(url, ":0") {
		t.Fatalf("address line %q", line)
	}
	resp, err := http.Post(url+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"messages":[{"role":"user","content":"hi"}],"stream":true}`))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(body), `"delta":{"content":`); got != 3 || !strings.HasSuffix(string(body), "data: [DONE]\n\n") {
		t.Errorf("stream has %d token events:\n%s", got, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("mock returned %v after interrupt, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("mock did not shut down after interrupt")
	}
}

func TestMockList(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := newApp(&stdout, &stderr).RunContext(t.Context(), []string{"inferbench", "mock", "--list"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"a100-80gb", "h100-sxm", "h200", "a10g", "rtx-4090", "mi300x", "l40s", "a100-40gb", "llama-3-8b", "llama-3-70b", "codellama-34b-int4", "2039 GB/s"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("--list lacks %q:\n%s", want, stdout.String())
		}
	}
}

func TestMockBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--ttft", "-1s"}, "ttft -1s is negative"},
		{[]string{"--itl", "-5ms"}, "itl -5ms is negative"},
		{[]string{"--output-tokens", "-2"}, "output tokens -2 is negative"},
		{[]string{"extra"}, "mock takes no arguments"},
		{[]string{"--listen", "127.0.0.1:99999"}, "mock: listen tcp"},
		{[]string{"--listen", "8032"}, "--listen 8032: want HOST:PORT, e.g. 127.0.0.1:8032"},
		{[]string{"--gpu", "b200"}, `unknown GPU "b200"`},
		{[]string{"--gpu", "h100-sxm", "--model", "llama-3-70b"}, "needs 145.9 GB"},
		{[]string{"--gpu", "h100-sxm", "--gpus", "0"}, "--gpus must be at least 1"},
		{[]string{"--gpus", "2"}, "--gpus needs --gpu"},
		{[]string{"--fault-rate", "429=-0.1"}, "--fault-rate: fault rate 429=-0.1 is outside [0, 1]"},
		{[]string{"--fault-rate", "teapot=0.1"}, `unknown fault kind "teapot"`},
		{[]string{"--jitter", "2"}, "step jitter 2 is outside [0, 1]"},
		{[]string{"--chat-stream", "late"}, `chat stream "late" is not vllm or early-role`},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		err := newApp(&stdout, &stderr).RunContext(t.Context(), append([]string{"inferbench", "mock"}, tt.args...))
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("mock %v: error %v, want one line containing %q", tt.args, err, tt.want)
		}
	}
}
