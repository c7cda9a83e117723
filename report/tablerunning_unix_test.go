//go:build unix

package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/internal/proctest"
	"github.com/inferbench/inferbench/rundir"
)

// TestTableRunStillGoing: a run reported while its process still runs on
// this host is shown as still going, with the records so far, not as a run
// that did not finish ("killed?").
func TestTableRunStillGoing(t *testing.T) {
	host, alive := proctest.Host(t), proctest.Alive(t)
	s := NewSummarizer(SLO{})
	for i := range 7 {
		s.Add(&rundir.Record{ID: uint64(i), Stage: rundir.StageMeasure, Level: 1, SentNS: int64(i) * 1e6, FirstTokenNS: int64(i)*1e6 + 5e5,
			EndNS: int64(i)*1e6 + 9e5, DoneNS: int64(i)*1e6 + 9e5, OK: true, OutputTokens: 2, Chunks: [][2]int64{{int64(i)*1e6 + 5e5, 1}, {int64(i)*1e6 + 9e5, 1}}})
	}
	var b strings.Builder
	m := &rundir.Manifest{ExitState: rundir.ExitRunning, Host: rundir.Host{Name: host, PID: alive}}
	if err := WriteTable(&b, s.Close(), m); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, "still going") || !strings.Contains(out, "7 records so far") || strings.Contains(out, "killed") {
		t.Errorf("table:\n%s\nwant it to say the run is still going, with the 7 records so far", out)
	}
}
