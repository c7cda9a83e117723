package session

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// TestRecordSinkSummarizesAsTheFile: a bisecting run's in-memory summary
// (recordSink's summarizer) counts a record's output tokens, and what
// bounding them found, as report does reading requests.jsonl: a server
// saying 1 token for 5 events is 5 tokens, "the first said 1 for 5
// events". Fed the record it had bounded in place, the summarizer saw
// neither the server's count nor the events it was judged against.
func TestRecordSinkSummarizesAsTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "requests.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	s := &session{rw: rundir.NewRecordWriter(f)}
	r := &rundir.Record{ID: 1, Stage: rundir.StageMeasure, Level: 2, ScheduledNS: 1e9, SentNS: 1e9, FirstTokenNS: 1.01e9,
		OK: true, Status: 200, OutputTokens: 1, OutputTokensSource: rundir.SourceServer, InputTokens: 10, InputTokensSource: rundir.SourceServer}
	for i := range int64(5) {
		r.Chunks = append(r.Chunks, [2]int64{1.01e9 + i*1e7, 1})
	}
	r.EndNS, r.DoneNS = r.Chunks[4][0], r.Chunks[4][0]
	var mu sync.Mutex
	mem := report.NewSummarizer(report.SLO{})
	if err := s.recordSink(nil, true, &mu, mem)(r); err != nil {
		t.Fatal(err)
	}
	if err := s.rw.Close(); err != nil {
		t.Fatal(err)
	}
	if r.OutputTokens != 5 || r.OutputTokensSource != rundir.SourceEvents {
		t.Fatalf("the sink left the record %d tokens (%s); want it bounded in place, 5 (events)", r.OutputTokens, r.OutputTokensSource)
	}
	file := report.NewSummarizer(report.SLO{})
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	n := 0
	for rec, err := range rundir.ReadRecords(in) {
		if err != nil {
			t.Fatal(err)
		}
		if rec.OutputTokens != 1 {
			t.Fatalf("requests.jsonl: %d output tokens; want the record as the server said it, 1", rec.OutputTokens)
		}
		file.Add(rec)
		n++
	}
	if n != 1 {
		t.Fatalf("requests.jsonl holds %d records; want 1", n)
	}
	got, want := mem.Close().Levels[0], file.Close().Levels[0]
	if got.UsageChecks != want.UsageChecks || got.OutputTokens != want.OutputTokens || got.TPOTMS != want.TPOTMS {
		t.Errorf("in memory: usage %+v, %d tokens, TPOT %+v\nfrom the file: usage %+v, %d tokens, TPOT %+v",
			got.UsageChecks, got.OutputTokens, got.TPOTMS, want.UsageChecks, want.OutputTokens, want.TPOTMS)
	}
	if want.UsageChecks.BelowEvents != 1 || want.UsageChecks.BelowUsage != 1 || want.UsageChecks.BelowOf != 5 {
		t.Errorf("from the file: usage %+v; want 1 below, the first said 1 for 5 events", want.UsageChecks)
	}
}
