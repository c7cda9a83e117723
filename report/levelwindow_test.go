package report

import (
	"math"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// oneRequest is a successful record of 128 prompt and 128 output tokens,
// due and sent at sent, first token 50 ms later, done 1.32 s after sent.
func oneRequest(id uint64, stage rundir.Stage, level float64, sent int64) *rundir.Record {
	r := &rundir.Record{ID: id, Stage: stage, Level: level, ScheduledNS: sent, SentNS: sent,
		FirstTokenNS: sent + 50e6, DoneNS: sent + 1320e6, OK: true, Status: 200, InputTokens: 128, OutputTokens: 128}
	for i := range int64(128) {
		r.Chunks = append(r.Chunks, [2]int64{sent + 50e6 + i*10e6, 1})
	}
	return r
}

// TestOpenLevelWindowIsTheLevelsTime: an open level at 0.0001 req/s that
// ran 8 s sent one request of 1.32 s. Over that request's own send→done it
// read 1/1.32 = 0.758 req/s and 128/1.32 = 97 output tok/s; the level ran
// from 0.0026 s to 8.0027 s (run.json's levels), so its window is that:
// 1/8.0001 req/s, 128/8.0001 = 16.0 tok/s, and the one request in flight
// 1.32 of the 8.0001 s (0.165). A run.json without levels keeps the
// records' span.
func TestOpenLevelWindowIsTheLevelsTime(t *testing.T) {
	const sent = int64(2_700_000)
	span := rundir.LevelSpan{Level: 0.0001, Open: true, StartNS: 2_600_000, EndNS: 8_002_700_000}
	s := NewSummarizer(SLO{})
	s.AddSpan(span)
	s.Add(oneRequest(0, rundir.StageMeasure, 0.0001, sent))
	l := s.Close().Levels[0]
	w := float64(span.EndNS-span.StartNS) / 1e9
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"window_s", l.WindowS, w}, {"requests_per_s", l.RequestsPerS, 1 / w}, {"output_tokens_per_s", l.OutputTokensPerS, 128 / w},
		{"total_tokens_per_s", l.TotalTokensPerS, 256 / w}, {"mean_in_flight", l.MeanInFlight, 1.32 / w}} {
		if math.Abs(c.got-c.want) > 1e-9*c.want {
			t.Errorf("%s = %v; want %v", c.name, c.got, c.want)
		}
	}
	if l.StartNS != span.StartNS || l.EndNS != span.EndNS {
		t.Errorf("window [%d, %d]; want the level's [%d, %d]", l.StartNS, l.EndNS, span.StartNS, span.EndNS)
	}
	old := NewSummarizer(SLO{})
	old.Add(oneRequest(0, rundir.StageMeasure, 0.0001, sent))
	if l := old.Close().Levels[0]; l.StartNS != sent || l.EndNS != sent+1320e6 {
		t.Errorf("without levels in run.json: window [%d, %d]; want the records' [%d, %d]", l.StartNS, l.EndNS, sent, sent+1320e6)
	}
}

// TestLevelWindow: the window by hand. An open level's warm-ups are its
// schedule's first arrivals, so its measured part starts at the last
// warm-up's due time (1 s), not the level's start (0.5 s); a closed loop
// starts at its first measured send whatever the level's start; both end
// at the later of the last completion and the level's end.
func TestLevelWindow(t *testing.T) {
	sp := Span{FirstSentNS: 3e9, LastDoneNS: 7e9, n: 2}
	for _, c := range []struct {
		name       string
		ls         *rundir.LevelSpan
		lastDue    int64
		start, end int64
	}{
		{"unknown", nil, 0, 3e9, 7e9},
		{"open", &rundir.LevelSpan{Open: true, StartNS: 0.5e9, EndNS: 9e9}, 0, 0.5e9, 9e9},
		{"open after warm-ups", &rundir.LevelSpan{Open: true, StartNS: 0.5e9, EndNS: 9e9}, 1e9, 1e9, 9e9},
		{"open, drained after its end", &rundir.LevelSpan{Open: true, StartNS: 0.5e9, EndNS: 6e9}, 0, 0.5e9, 7e9},
		{"closed", &rundir.LevelSpan{StartNS: 0.5e9, EndNS: 9e9}, 0, 3e9, 9e9},
		{"ends before it starts", &rundir.LevelSpan{Open: true, StartNS: 2e9, EndNS: 1e9}, 0, 3e9, 7e9},
		{"starts before the run", &rundir.LevelSpan{Open: true, StartNS: -1e9, EndNS: 9e9}, 0, 3e9, 7e9},
	} {
		if start, end := LevelWindow(sp, c.ls, c.lastDue); start != c.start || end != c.end {
			t.Errorf("%s: [%g, %g] s; want [%g, %g]", c.name, float64(start)/1e9, float64(end)/1e9, float64(c.start)/1e9, float64(c.end)/1e9)
		}
	}
}

// TestWarmupsOpenTheMeasuredSchedule: an open level with a warm-up due at
// 1 s and measured requests at 3 s and 5 s, in a level that ran 0.5–9 s:
// its window is 1–9 s, 8 s for two requests.
func TestWarmupsOpenTheMeasuredSchedule(t *testing.T) {
	s := NewSummarizer(SLO{})
	s.AddSpan(rundir.LevelSpan{Level: 2, Open: true, StartNS: 0.5e9, EndNS: 9e9})
	s.Add(oneRequest(0, rundir.StageWarmup, 2, 1e9))
	s.Add(oneRequest(1, rundir.StageMeasure, 2, 3e9))
	s.Add(oneRequest(2, rundir.StageMeasure, 2, 5e9))
	l := s.Close().Levels[0]
	if l.WindowS != 8 || math.Abs(l.WindowRequestsPerS-0.25) > 1e-12 {
		t.Errorf("window %v s, %v req/s; want 8 s, 0.25 req/s", l.WindowS, l.WindowRequestsPerS)
	}
}
