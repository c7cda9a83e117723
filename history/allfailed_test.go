package history

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestAddWarnsOfARunThatAllFailed: a run in which every request failed
// (the server down, a key expired; run itself exits 1) was added without a
// word, as a night like any other, although it measured no latency and no
// throughput. README's first night adds it so (compare
// --allow-empty-baseline passes it): history add now says so, and that
// history: baselines leave it out at that level.
func TestAddWarnsOfARunThatAllFailed(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "down")
	writeRun(t, dir, "nightly", 50, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 1)
	var b bytes.Buffer
	for i := range 40 {
		sent := int64(i) * 50e6
		rec := rundir.Record{ID: uint64(i), Stage: rundir.StageMeasure, Level: 4, SentNS: sent, ScheduledNS: sent,
			EndNS: sent + 1e6, DoneNS: sent + 1e6, InputTokens: 100, Status: 500, ErrorClass: "http_5xx", Error: "http 500"}
		line, _ := json.Marshal(rec)
		b.Write(append(line, '\n'))
	}
	if err := os.WriteFile(filepath.Join(dir, rundir.RecordsFile), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := RunAdd(t.Context(), CommandOptions{Store: filepath.Join(t.TempDir(), "h.db"), Args: []string{dir}}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "added as #1") || !strings.Contains(stderr.String(), "every request failed at level 4 (40 of 40)") {
		t.Errorf("history add of a run whose every request failed: stdout %q, stderr %q; want it added, with a warning", stdout.String(), stderr.String())
	}
}
