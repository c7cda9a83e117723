package main

import (
	"io"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// TestRunTurnsFlags: --turns 3 --think-time 20ms gives records of whole
// 3-turn sessions, turn 2 due 20 ms after turn 1 ended, and a sessions
// view in summary.json.
func TestRunTurnsFlags(t *testing.T) {
	m, err := mock.New(mock.Config{TTFT: 5 * time.Millisecond, ITL: time.Millisecond, OutputTokens: 4})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "run")
	_, stderr, err := runApp(t, "run", "--target", "vllm", "--url", srv.URL, "--model", "mock", "--no-probe", "--spread", "0",
		"--concurrency", "2", "--requests", "12", "--turns", "3", "--think-time", "20ms", "--out", dir, "-q")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	bySession := map[uint64][]*rundir.Record{}
	for _, r := range readRecords(t, dir) {
		bySession[r.Session] = append(bySession[r.Session], r)
	}
	if len(bySession) != 4 {
		t.Fatalf("%d sessions, want 4 of 3 turns", len(bySession))
	}
	for s, rs := range bySession {
		if len(rs) != 3 || rs[0].Turn != 1 || rs[1].Turn != 2 || rs[2].Turn != 3 {
			t.Fatalf("session %d: %d records, turns %d…", s, len(rs), rs[0].Turn)
		}
		if rs[1].ScheduledNS != rs[0].DoneNS+20e6 {
			t.Errorf("session %d: turn 2 due %d, want turn 1's end %d + 20 ms", s, rs[1].ScheduledNS, rs[0].DoneNS)
		}
	}
	sum, err := report.ReadSummary(filepath.Join(dir, rundir.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if ss := sum.Levels[0].Sessions; ss == nil || ss.Sessions != 4 || ss.LaterTurnsTTFTMS.N != 8 {
		t.Errorf("sessions view %+v; want 4 sessions, 8 later turns", ss)
	}
}

// TestRunTurnsUsageErrors: bad --turns and --think-time values are one-line
// usage errors (exit 2).
func TestRunTurnsUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--turns", "0"}, {"--turns", "{dist: empirical, file: x}"}, {"--turns", "2", "--think-time", "5"},
		{"--think-time", "1s"}, {"--turns", "2", "--think-time", "{dist: exponential}"},
	} {
		_, _, err := runApp(t, append([]string{"run", "--url", "http://127.0.0.1:9", "--model", "m", "--out", t.TempDir() + "/r"}, args...)...)
		if code := exitCode(err, io.Discard); code != exitUsage || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: exit %d, error %q; want a one-line usage error", args, code, err)
		}
	}
}
