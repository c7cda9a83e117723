package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunChecksWhatTheKindCanDoAfterItsFlags: what a scenario asks of its
// kind (server prompt sizing, an API) is refused at the file's line when
// the file asks it and names the kind, and at the flag when a flag does;
// a flag that changes the kind (--target vllm over the file's openai)
// decides, so the same file runs.
func TestRunChecksWhatTheKindCanDoAfterItsFlags(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "s.yaml")
	body := "name: s\ntarget:\n  kind: openai\n  url: http://127.0.0.1:1\n  model: m\nworkload:\n  prompt_sizing: server\nload:\n  concurrency: 1\n  requests: 1\n"
	if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string // in the error; "" for none of the kind's
	}{
		{nil, "s.yaml:7:18: workload.prompt_sizing: server: target openai has no tokenize endpoint"},
		{[]string{"--target", "vllm"}, ""},
		{[]string{"--target", "tgi", "--api", "responses"}, `--api: target tgi speaks native, chat, not "responses"`},
	} {
		args := append([]string{"run", "--scenario", f, "--out", filepath.Join(dir, "out"), "--timeout", "1s"}, c.args...)
		_, stderr, err := runApp(t, args...)
		msg := stderr
		if err != nil {
			msg += err.Error()
		}
		switch {
		case c.want != "" && !strings.Contains(msg, c.want):
			t.Errorf("%v: %s; want %q", c.args, msg, c.want)
		case c.want == "" && (strings.Contains(msg, "tokenize endpoint") || strings.Contains(msg, "speaks")):
			t.Errorf("%v: %s; want the flag's kind to decide", c.args, msg)
		}
	}
}
