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

func TestMockBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--ttft", "-1s"}, "--ttft must not be negative"},
		{[]string{"--itl", "-5ms"}, "--itl must not be negative"},
		{[]string{"--output-tokens", "-2"}, "--output-tokens must not be negative"},
		{[]string{"extra"}, "mock takes no arguments"},
		{[]string{"--listen", "127.0.0.1:99999"}, "mock: listen tcp"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		err := newApp(&stdout, &stderr).RunContext(t.Context(), append([]string{"inferbench", "mock"}, tt.args...))
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("mock %v: error %v, want one line containing %q", tt.args, err, tt.want)
		}
	}
}
