package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
)

// TestPrecisionSaysRequestsDoNotBound: with --precision, --requests does
// not bound a level (--min-requests and --max-requests do): a run given
// both says so; it sent 51 requests for -n 20 without a word.
func TestPrecisionSaysRequestsDoNotBound(t *testing.T) {
	url := liveMock(t, mock.Config{TTFT: 2 * time.Millisecond, ITL: time.Millisecond, OutputTokens: 4})
	_, stderr, err := runApp(t, "run", "--target", "vllm", "--url", url, "--model", "m", "-c", "2", "-n", "20", "--max-tokens", "4",
		"--precision", "20%", "--max-requests", "60", "--gpu-backend", "none", "--progress", "off", "--out", filepath.Join(t.TempDir(), "run"))
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "inferbench: note: with --precision, --requests does not bound a level") {
		t.Errorf("no note on --requests:\n%s", stderr)
	}
}
