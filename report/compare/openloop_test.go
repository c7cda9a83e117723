package compare

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// openLoopRun writes an open-loop run (profile rate) of 300 requests at
// 12 req/s sent on schedule, each asking for 16–256 output tokens drawn
// from seed, at TTFT 50 ms and 10 ms a token: a request's time is its
// output's, as a decode-bound server's, so every request's tokens over its
// time are the same, and the run's output tokens/s is the rate times its
// mean output (the schedule is normalized: loadgen.Stream).
func openLoopRun(t testing.TB, seed uint64) *Run {
	return openLoopRunBy(t, seed, nil)
}

// openLoopRunBy is openLoopRun with each record passed through edit (when
// not nil) before it is written.
func openLoopRunBy(t testing.TB, seed uint64, edit func(*rundir.Record)) *Run {
	t.Helper()
	dir := filepath.Join(t.TempDir(), fmt.Sprintf("ol-%d", seed))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(map[string]any{"name": "ol", "load": map[string]any{"rate": 12}})
	m := &rundir.Manifest{Tool: "inferbench", Version: "v1", Host: rundir.Host{Name: "h"},
		Target: rundir.TargetInfo{Kind: "vllm", Model: "m"}, Scenario: raw, Start: time.Unix(1e9, 0).UTC(),
		ExitState: rundir.ExitComplete}
	m.Load.Profile, m.Load.Seed = "rate", int64(seed)
	if err := rundir.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	var b bytes.Buffer
	for i := range 300 {
		sent := int64(i) * 1e9 / 12
		out := 16 + rng.IntN(241)
		first := sent + 50e6
		rec := rundir.Record{ID: uint64(i), Stage: rundir.StageMeasure, Level: 12, SentNS: sent, ScheduledNS: sent,
			FirstByteNS: first, FirstTokenNS: first, OK: true, Status: 200, OutputTokens: out, InputTokens: 100}
		for k := range int64(out) {
			rec.Chunks = append(rec.Chunks, [2]int64{first + k*10e6, 1})
		}
		rec.EndNS = first + int64(out-1)*10e6
		rec.DoneNS = rec.EndNS
		if edit != nil {
			edit(&rec)
		}
		line, _ := json.Marshal(rec)
		b.Write(append(line, '\n'))
	}
	if err := os.WriteFile(filepath.Join(dir, rundir.RecordsFile), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := loadCandidate(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestOpenLoopThroughputIntervalCovers: two open-loop runs of one rate
// and lengths drawn alike from other seeds differ in output tokens/s by
// their draws of lengths alone (the same server, the same schedule). The
// 95 % interval of their ratio must hold 1 for about 95 % of such pairs.
// Scaling a resample's window by its requests' held time (Little's law,
// right for a closed loop) made it the requests' own tokens over their
// own time, the same for every request here: an interval of ±0.0 % that
// held 1 in none of the pairs, and a nightly gate that called a run of
// another seed a throughput regression. An open loop's window is set by
// its schedule, so its rates are resampled over the window as it is.
func TestOpenLoopThroughputIntervalCovers(t *testing.T) {
	const pairs = 30
	covered := 0
	for k := range uint64(pairs) {
		a, b := openLoopRun(t, 2*k+1), openLoopRun(t, 2*k+2)
		if !a.levels[12].open || !b.levels[12].open {
			t.Fatal("a rate profile's level is not taken for open")
		}
		rs := Ratios(a.levels[12], b.levels[12], []Metric{OutputTokensPerS()}, 0.05, 500, 1, "ol")
		if len(rs) != 1 {
			t.Fatalf("pair %d: no ratio", k)
		}
		if rs[0].Low <= 1 && 1 <= rs[0].High {
			covered++
		}
	}
	t.Logf("covered %d of %d", covered, pairs)
	if covered < 24 {
		t.Errorf("the interval held the true ratio 1 in %d of %d pairs; want about 95 %% (at least 24)", covered, pairs)
	}
}

// TestOpenLevelsFromRunJSON: a level run.json marks open
// (rundir.LevelSpan.Open) is an open loop whatever the load profile; a
// profile of rate or trace makes every level one.
func TestOpenLevelsFromRunJSON(t *testing.T) {
	m := &rundir.Manifest{Levels: []rundir.LevelSpan{{Level: 12, Open: true}, {Level: 4}}}
	c := NewCollector(report.SLO{}).For(m)
	if c.open || !c.openAt[12] || c.openAt[4] {
		t.Errorf("profile %q, spans %+v: open %v, levels %v; want level 12 alone", m.Load.Profile, m.Levels, c.open, c.openAt)
	}
	for _, p := range []string{"rate", "trace"} {
		m.Load.Profile = p
		if !NewCollector(report.SLO{}).For(m).open {
			t.Errorf("profile %s not taken for open", p)
		}
	}
}

// TestSamplesTakeBoundedCounts: a record whose server said fewer output
// tokens than the events that carried them is counted by its events in the
// summary (rundir.Record.BoundOutputTokens), and compare's samples take it
// so too: their output tokens/s is the summary's. They took the server's
// word while the summary bounded it.
func TestSamplesTakeBoundedCounts(t *testing.T) {
	r := openLoopRunBy(t, 1, func(rec *rundir.Record) {
		if rec.ID%10 == 0 {
			rec.OutputTokens, rec.OutputTokensSource = 1, rundir.SourceServer // usage 1 for a stream of 16 or more events
		}
	})
	l := r.Summary.Levels[0]
	st := newSideStats([]Metric{OutputTokensPerS()})
	r.levels[l.Level].stats(nil, st)
	if got, want := st.rates[rateOutputTPS], l.OutputTokensPerS; !near(got, want, 1e-9*want) {
		t.Errorf("sample's output tok/s %.6g; summary's %.6g", got, want)
	}
}
