package compare

import (
	"math"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// TestSampleRatesOverTheLevelsWindow: a level with no steady state (an
// open level at 0.0001 req/s that ran 8 s and sent one 1.32 s request)
// has its comparison rates over the level's window, as the summary's
// (report.LevelWindow): 128 output tokens over 8 s, 16 tok/s, where over
// the request's own send→done they read 97.
func TestSampleRatesOverTheLevelsWindow(t *testing.T) {
	rec := &rundir.Record{Stage: rundir.StageMeasure, Level: 0.0001, SentNS: 1e6, FirstTokenNS: 51e6, DoneNS: 1321e6, EndNS: 1321e6,
		OK: true, Status: 200, InputTokens: 128, OutputTokens: 128}
	for k := range int64(128) {
		rec.Chunks = append(rec.Chunks, [2]int64{51e6 + k*10e6, 1})
	}
	s := report.NewSummarizer(report.SLO{})
	s.AddSpan(rundir.LevelSpan{Level: 0.0001, Open: true, StartNS: 0, EndNS: 8e9})
	s.Add(rec)
	sum := s.Close()
	c := NewCollector(report.SLO{})
	c.Add(rec)
	sample := c.Levels(sum)[0.0001]
	st := newSideStats(nil)
	sample.stats(nil, st)
	if got, want := st.rates[rateOutputTPS], sum.Levels[0].OutputTokensPerS; math.Abs(got-16) > 1e-9 || math.Abs(got-want) > 1e-9 {
		t.Errorf("sample %v out tok/s, summary %v; want both 16", got, want)
	}
}
