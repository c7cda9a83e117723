package session

import (
	"os"
	"sync"
	"testing"

	"github.com/inferbench/inferbench/live"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// BenchmarkRecordPathObserver is the cost of one record on the run's record
// path (the sink: requests.jsonl's encoder and write, to /dev/null here so
// the disk does not blur it) with no observer and with the live view's
// (a live.State: the terminal progress, the page and /metrics read it).
// The record is a 256-token stream, one token a chunk. fanout-only is the
// observers' share alone: on a busy machine it is the steadier figure.
func BenchmarkRecordPathObserver(b *testing.B) {
	r := &rundir.Record{ID: 1, Stage: rundir.StageMeasure, Level: 64, ScheduledNS: 1e9, SentNS: 1e9, HeadersNS: 1.05e9,
		FirstByteNS: 1.06e9, FirstTokenNS: 1.1e9, OK: true, Status: 200, OutputTokens: 256, InputTokens: 128,
		OutputTokensSource: rundir.SourceServer, InputTokensSource: rundir.SourceServer}
	for i := range int64(256) {
		r.Chunks = append(r.Chunks, [2]int64{r.FirstTokenNS + i*20e6, 1})
	}
	r.EndNS = r.Chunks[255][0]
	r.DoneNS = r.EndNS
	for _, c := range []struct {
		name string
		obs  func() []Observer
	}{
		{"observers=0", func() []Observer { return nil }},
		{"observers=1", func() []Observer {
			st := live.New(live.Options{})
			st.LevelStarted(live.LevelPlan{Level: 64})
			return []Observer{Live(st)}
		}},
	} {
		b.Run("fanout-only/"+c.name, func(b *testing.B) { // the observers' part alone, no encoding or write
			obs := observers(c.obs())
			b.ReportAllocs()
			for b.Loop() {
				obs.record(r)
			}
		})
		b.Run(c.name, func(b *testing.B) {
			f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
			if err != nil {
				b.Fatal(err)
			}
			s := &session{rw: rundir.NewRecordWriter(f)}
			defer s.rw.Close()
			var mu sync.Mutex
			sink := s.recordSink(c.obs(), false, &mu, report.NewSummarizer(report.SLO{}))
			b.ReportAllocs()
			for b.Loop() {
				if err := sink(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
