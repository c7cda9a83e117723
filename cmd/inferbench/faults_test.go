package main

import (
	"fmt"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// TestFaultMatrix is every fault the mock injects × every protocol adapter,
// through the whole `run` command: no panic, no hang (the per-request
// timeout ends stalls), one record per request with the fault's class, the
// summary counts them, and the run finishes. It runs in virtual time, so a
// 2 s stall costs nothing.
func TestFaultMatrix(t *testing.T) {
	kinds := []struct{ kind, api, path string }{
		{"vllm", "chat", ""}, {"vllm", "completions", ""}, {"tgi", "native", ""},
		{"ollama", "chat", ""}, {"ollama", "completions", ""}, {"anthropic", "chat", ""}, {"gemini", "chat", ""},
	}
	// want is the class each fault must produce; "" means the request
	// succeeds (a 1 MiB token event is big, not wrong: the line limit is 16 MiB).
	want := map[mock.FaultKind]rundir.ErrorClass{
		mock.Fault429:         rundir.RateLimited,
		mock.Fault500:         rundir.HTTP5xx,
		mock.Fault503:         rundir.HTTP5xx,
		mock.FaultSlowHeaders: rundir.Timeout,
		mock.FaultErrorEvent:  rundir.StreamErr,
		mock.FaultDisconnect:  rundir.Connection,
		mock.FaultStall:       rundir.Timeout,
		mock.FaultMalformed:   rundir.Protocol,
		mock.FaultOversized:   "",
	}
	for _, k := range kinds {
		for _, fault := range mock.FaultKinds() {
			name := fmt.Sprintf("%s-%s/%s", k.kind, k.api, fault)
			t.Run(name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					m, err := mock.New(mock.Config{TTFT: 10 * time.Millisecond, ITL: 5 * time.Millisecond, OutputTokens: 8,
						Faults: mock.FaultRates{fault: 1}, FaultAfterTokens: 2, FaultDuration: 2 * time.Second})
					if err != nil {
						t.Fatal(err)
					}
					pn := serveOnPipe(t, m)
					dir := filepath.Join(t.TempDir(), "run")
					_, stderr, err := runOnPipe(t.Context(), pn, "--target", k.kind, "--api", k.api, "--url", "http://mock"+k.path,
						"--model", "llama-3-8b", "--requests", "3", "--max-tokens", "8", "--timeout", "500ms", "--spread", "0",
						"--no-probe", "--gpu-backend", "none", "--server-metrics", "off", "--out", dir, "-q")
					if err != nil && !(want[fault] != "" && allFailed(err)) {
						t.Fatalf("run: %v\n%s", err, stderr)
					}
					recs := readRecords(t, dir)
					if len(recs) != 3 {
						t.Fatalf("records = %d; want 3", len(recs))
					}
					for _, r := range recs {
						if r.ErrorClass != want[fault] || r.OK != (want[fault] == "") {
							t.Errorf("record %d: ok %v class %q (%s); want class %q", r.ID, r.OK, r.ErrorClass, r.Error, want[fault])
						}
					}
					sum, _, err := report.SummarizeRun(dir, report.SLO{})
					if err != nil {
						t.Fatal(err)
					}
					if w := want[fault]; w != "" && sum.Levels[0].Errors[w] != 3 {
						t.Errorf("summary errors = %v; want %s 3", sum.Levels[0].Errors, w)
					}
				})
			})
		}
	}
}
