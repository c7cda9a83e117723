package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestTableOneRecord: a run of one record says "1 record", in each of the
// header's three states: it said "1 records" (a run Ctrl-C'd during its
// first request).
func TestTableOneRecord(t *testing.T) {
	s := NewSummarizer(SLO{})
	s.Add(&rundir.Record{ID: 0, Stage: rundir.StageMeasure, Level: 1, SentNS: 1e6, FirstTokenNS: 2e6, EndNS: 3e6, DoneNS: 3e6,
		OK: true, OutputTokens: 2, Chunks: [][2]int64{{2e6, 1}, {3e6, 1}}})
	sum := s.Close()
	for _, c := range []struct {
		m    *rundir.Manifest
		want string
	}{
		{&rundir.Manifest{ExitState: rundir.ExitInterrupted, Records: 1}, "run     interrupted, 1 record, started"},
		{&rundir.Manifest{ExitState: rundir.ExitRunning, Host: rundir.Host{Name: "elsewhere.invalid", PID: 1}}, "killed?), 1 record found"},
	} {
		var b strings.Builder
		if err := WriteTable(&b, sum, c.m); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), c.want) {
			t.Errorf("table:\n%s\nwant %q", b.String(), c.want)
		}
	}
}
