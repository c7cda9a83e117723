package compare

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// closedLoopRun writes a closed-loop level of 4 workers, each sending 30
// identical requests back to back (TTFT 50 ms, then 64 tokens itlMS
// apart, done 1 ms after the last), the workers starting 0, 170, 340 and
// 510 ms in: the level's steady state (from the last worker's first send
// to the last send) cuts requests at both edges, which count in part.
// Every request holds its worker the same time for the same work, so the
// output rate of any resample of them is the same: the rate's interval is
// as wide as the edges' parts make it, no wider.
func closedLoopRun(t *testing.T, dir string, itlMS float64) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(map[string]any{"name": "edges", "load": map[string]any{"concurrency": 4}})
	m := &rundir.Manifest{Tool: "inferbench", Version: "v1", Host: rundir.Host{Name: "h"},
		Target: rundir.TargetInfo{Kind: "vllm", Model: "m"}, Scenario: raw, Start: time.Unix(1e9, 0).UTC(),
		ExitState: rundir.ExitComplete}
	if err := rundir.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	itl := int64(itlMS * 1e6)
	var b bytes.Buffer
	id := uint64(0)
	for w := range 4 {
		sent := int64(w) * 170e6
		for range 30 {
			rec := rundir.Record{ID: id, Worker: w, Stage: rundir.StageMeasure, Level: 4, ScheduledNS: sent, SentNS: sent,
				InputTokens: 100, OutputTokens: 64, OK: true, Status: 200}
			first := sent + 50e6
			for k := range int64(64) {
				rec.Chunks = append(rec.Chunks, [2]int64{first + k*itl, 1})
			}
			rec.FirstByteNS, rec.FirstTokenNS, rec.EndNS = first, first, first+63*itl
			rec.DoneNS = rec.EndNS + 1e6
			line, _ := json.Marshal(rec)
			b.Write(append(line, '\n'))
			id++
			sent = rec.DoneNS
		}
	}
	if err := os.WriteFile(filepath.Join(dir, rundir.RecordsFile), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRateIntervalOfIdenticalRequests: two runs of identical requests
// (closedLoopRun) read output tok/s [−4.6 %, +4.8 %] when a resample's window was scaled by its requests'
// whole busy times while their output counted only in part at the steady
// state's edges: a run 6.9 % slower (ITL 10.8 ms against 10) was "within
// noise" at the −5 % limit. Counting each request's time inside the
// window as its output is, the interval of identical runs is within
// ±1 % (only a TTFT cut by the window's start sets a part's rate apart),
// and the slower run is a regression.
func TestRateIntervalOfIdenticalRequests(t *testing.T) {
	root := t.TempDir()
	runs := map[string]*Run{}
	for name, itl := range map[string]float64{"base": 10, "same": 10, "slow": 10.8} {
		dir := filepath.Join(root, name)
		closedLoopRun(t, dir, itl)
		r, err := loadCandidate(dir)
		if err != nil {
			t.Fatal(err)
		}
		if st := r.Summary.Levels[0].Steady; st == nil || st.RampS <= 0 || st.DrainS <= 0 {
			t.Fatalf("%s: steady state %+v; want one cut at both edges", name, st)
		}
		runs[name] = r
	}
	res, err := Compare(RunBaseline(runs["base"]), runs["same"], Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := find(t, res, 4, "output_tokens_per_s"); r.Change != 0 || r.CILow < -0.01 || r.CIHigh > 0.01 {
		t.Errorf("identical runs: output tok/s %+.2f%% [%+.2f%%, %+.2f%%]; want 0 within ±1%%: no request's work per unit of time differs", 100*r.Change, 100*r.CILow, 100*r.CIHigh)
	}
	res, err = Compare(RunBaseline(runs["base"]), runs["slow"], Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := find(t, res, 4, "output_tokens_per_s")
	// A request holds its worker 50 + 63·ITL + 1 ms for its 64 tokens.
	if want := (51+63*10.0)/(51+63*10.8) - 1; math.Abs(r.Change-want) > 0.001 || r.Verdict != Regression {
		t.Errorf("ITL 10.8 ms against 10: output tok/s %+.2f%% [%+.2f%%, %+.2f%%], %s; want about %+.1f%%, a regression at the -5%% limit",
			100*r.Change, 100*r.CILow, 100*r.CIHigh, r.Verdict, 100*want)
	}
}
