package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCompareAppliesScenarioGate (issue #20 item 14): a run's scenario
// carries its gate (nightly: TTFT at p50 and p90, p95 off); compare
// applies it without --thresholds, so TTFT 50 → 80 ms is named at p50,
// not p95; --thresholds replaces it with the file's limits over the
// defaults.
func TestCompareAppliesScenarioGate(t *testing.T) {
	dir := t.TempDir()
	sc := filepath.Join(dir, "gated.yaml")
	if err := os.WriteFile(sc, []byte("name: gated\nload: {concurrency: 4, requests: 80}\ngate:\n  ttft_p50: 10%\n  ttft_p95: \"off\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	base, cand := filepath.Join(dir, "base"), filepath.Join(dir, "cand")
	mockRun(t, fixedMock(50*time.Millisecond), base, "--scenario", sc)
	mockRun(t, fixedMock(80*time.Millisecond), cand, "--scenario", sc)
	stdout, stderr, code := gateApp(t, "compare", "--format", "json", base, cand)
	if code != 1 || !strings.Contains(stderr, "TTFT p50 50.00 → 80.00 ms") || strings.Contains(stderr, "TTFT p95") {
		t.Fatalf("compare under the scenario's gate: exit %d; want 1 naming TTFT p50, not p95\n%s", code, stderr)
	}
	var res struct {
		Thresholds map[string]float64 `json:"thresholds"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if _, p95 := res.Thresholds["ttft_p95"]; p95 || res.Thresholds["ttft_p50"] != 0.10 || res.Thresholds["tpot_p95"] != 0.10 {
		t.Errorf("thresholds %v; want the gate's (ttft_p50 10 %%, no ttft_p95) over the defaults", res.Thresholds)
	}
	th := filepath.Join(dir, "th.yaml")
	if err := os.WriteFile(th, []byte("metrics:\n  ttft_p99: 20%\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = gateApp(t, "compare", "--thresholds", th, base, cand)
	if code != 1 || !strings.Contains(stderr, "TTFT p95 50.00 → 80.00 ms") || strings.Contains(stderr, "TTFT p50") {
		t.Errorf("compare --thresholds: exit %d; want 1 naming TTFT p95 (the defaults), not p50\n%s", code, stderr)
	}
}
