package main

import (
	"math"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// TestAccuracyEarlyRoleChunkIsNotTTFT: against the mock's early-role chat stream
// (--chat-stream early-role: the role chunk on receipt, as servers that
// answer early send it) the first body byte comes at once, yet TTFT is
// still the first token's 50 ms: the role-only chunk is never a token.
func TestAccuracyEarlyRoleChunkIsNotTTFT(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time streaming")
	}
	if raceEnabled {
		t.Skip("wall-clock latencies are checked without -race")
	}
	m, err := mock.New(mock.Config{TTFT: 50 * time.Millisecond, ITL: time.Millisecond, OutputTokens: 8, ChatStream: mock.ChatStreamEarlyRole})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "run")
	if _, stderr, err := runApp(t, "run", "--target", "vllm", "--url", srv.URL, "--model", "mock",
		"--concurrency", "4", "--requests", "40", "--max-tokens", "8", "--out", dir); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	sum, err := report.ReadSummary(filepath.Join(dir, rundir.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	l := sum.Levels[0]
	if l.TTFBMS.P50 > 25 || math.Abs(l.TTFTMS.P50-50) > 5 {
		t.Errorf("TTFB p50 %.3f ms, TTFT p50 %.3f ms; want the role chunk well under TTFT and TTFT 50 ± 5", l.TTFBMS.P50, l.TTFTMS.P50)
	}
}
