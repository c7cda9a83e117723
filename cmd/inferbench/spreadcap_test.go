package main

import (
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/rundir"
)

// TestSpreadCappedNotTimeout (issue 20 item 18): the Ollama run,
// -c 2 -n 2 --timeout 90s against a server 15 s to its first token, in
// virtual time. The probe is cut at 10 s and the spread capped there (and
// the log says so), never the 90 s timeout; both measured requests run at
// concurrency 2, the second started 5 s after the first, so the run takes
// about 10 + 5 + 15 s, not 180.
func TestSpreadCappedNotTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m, err := mock.New(mock.Config{TTFT: 15 * time.Second, ITL: time.Millisecond, OutputTokens: 2})
		if err != nil {
			t.Fatal(err)
		}
		pn := serveOnPipe(t, m)
		dir := filepath.Join(t.TempDir(), "run")
		start := time.Now()
		_, stderr, err := runOnPipe(t.Context(), pn, "--url", "http://mock", "--model", "m", "-c", "2", "-n", "2", "--warmup", "0",
			"--timeout", "90s", "--max-tokens", "2", "--no-probe", "--gpu-backend", "none", "--server-metrics", "off", "--out", dir, "-q")
		if err != nil {
			t.Fatalf("run: %v\n%s", err, stderr)
		}
		if d := time.Since(start); d > 31*time.Second {
			t.Errorf("run took %v; want about 30 s (10 s probe cap + 5 s stagger + 15 s)", d)
		}
		if !strings.Contains(stderr, "the spread probe took 10s or more; the start spread is capped there") {
			t.Errorf("log does not say the spread was capped:\n%s", stderr)
		}
		man, err := rundir.ReadManifest(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(man.Load.StartSpread, "2: 10s") {
			t.Errorf("start spread %q; want 10s at level 2", man.Load.StartSpread)
		}
		var sent []int64
		for _, r := range readRecords(t, dir) {
			if r.Stage == rundir.StageMeasure {
				if !r.OK {
					t.Errorf("measured request %d: %s %s", r.ID, r.ErrorClass, r.Error)
				}
				sent = append(sent, r.SentNS)
			}
		}
		// Both measured, overlapping: level 2 ran at concurrency 2.
		if len(sent) != 2 || max(sent[0], sent[1])-min(sent[0], sent[1]) != (5*time.Second).Nanoseconds() {
			t.Errorf("measured sends %v; want 2, 5 s apart (the 10 s spread over 2 workers)", sent)
		}
	})
}
