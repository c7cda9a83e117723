//go:build linux

package main

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/internal/ptytest"
	"github.com/inferbench/inferbench/mock"
)

// TestRunProgressOnPTY: `run` with its stderr on a pseudo-terminal (the
// default --progress auto) redraws the level's live line in place, showing
// at least three distinct done/total values before the level ends, then the
// level's result line; stdout stays free of control characters.
func TestRunProgressOnPTY(t *testing.T) {
	t.Setenv("TERM", "xterm") // the test's own terminal type must not decide it
	term := ptytest.Open(t, 100)
	url := liveMock(t, mock.Config{TTFT: 20 * time.Millisecond, ITL: 10 * time.Millisecond, OutputTokens: 8})
	var stdout bytes.Buffer
	err := newApp(&stdout, term.TTY).RunContext(t.Context(), []string{"inferbench", "run", "--target", "vllm", "--url", url,
		"--model", "m", "-c", "1", "-n", "40", "--max-tokens", "8", "--gpu-backend", "none", "--out", filepath.Join(t.TempDir(), "run")})
	if err != nil {
		t.Fatal(err)
	}
	text := term.Close()
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`level 1 stream  (\d+)/40`).FindAllStringSubmatch(text, -1) {
		seen[m[1]] = true
	}
	if len(seen) < 3 {
		t.Errorf("%d distinct done/total values on the terminal: %v; want at least 3\n%q", len(seen), seen, text)
	}
	if !strings.Contains(text, "\x1b[1A\r\x1b[J") {
		t.Errorf("no redraw in place:\n%q", text)
	}
	if !regexp.MustCompile(`(?m)^\s+1\s+40\s+0\s`).MatchString(text) {
		t.Errorf("no result line for level 1:\n%q", text)
	}
	if strings.Contains(stdout.String(), "\x1b") || !strings.Contains(stdout.String(), "goodput req/s") {
		t.Errorf("stdout: want the results table and no control character:\n%q", stdout.String())
	}
}
