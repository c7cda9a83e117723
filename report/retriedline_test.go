package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestTableSaysWhenAttemptsWereRetried: the terminal table of a level whose
// failed attempts --retries sent again says how many, by class: it showed
// "200 ok, 0 failed" and nothing of the 29 attempts that had failed.
func TestTableSaysWhenAttemptsWereRetried(t *testing.T) {
	const ms = int64(1e6)
	s := NewSummarizer(SLO{})
	okRec := func(id uint64, sent int64, attempt int) *rundir.Record {
		return &rundir.Record{ID: id, Stage: rundir.StageMeasure, Level: 1, ScheduledNS: 0, SentNS: sent, FirstTokenNS: sent + 2*ms,
			EndNS: sent + 3*ms, DoneNS: sent + 3*ms, OK: true, OutputTokens: 2, Chunks: [][2]int64{{sent + 2*ms, 1}, {sent + 3*ms, 1}}, Attempt: attempt}
	}
	s.Add(&rundir.Record{ID: 0, Stage: rundir.StageMeasure, Level: 1, SentNS: ms, EndNS: 2 * ms, DoneNS: 2 * ms,
		Status: 500, ErrorClass: rundir.ErrorClass("http_5xx"), Retried: true})
	s.Add(okRec(0, 500*ms, 1))
	s.Add(okRec(1, 600*ms, 0))
	sum := s.Close()
	var b strings.Builder
	if err := WriteTable(&b, sum, &rundir.Manifest{ExitState: rundir.ExitComplete}); err != nil {
		t.Fatal(err)
	}
	want := "level 1: 1 failed attempt was sent again (--retries): http_5xx 1; it is not in failed, and a retried request's latencies count from its last attempt's send (its goodput from its schedule)"
	if !strings.Contains(b.String(), want+"\n") {
		t.Errorf("table:\n%s\nwant the line %q", b.String(), want)
	}
}
