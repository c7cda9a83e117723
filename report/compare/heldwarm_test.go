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

// TestHeldTimeIsTheSummarysInFlight: the time a level's requests held
// their workers inside its steady state, which scales a resampled rate's
// window, is the summary's: Steady.MeanInFlight × the window, warm-ups
// included whatever their outcome (report.SteadyAcc counts every busy
// span). A failed warm-up's time was left out of the sample's (3 workers,
// each a warm-up first, worker 2's failing after 400 ms, then 12 requests
// of 300 ms: the steady state starts at worker 2's first send).
func TestHeldTimeIsTheSummarysInFlight(t *testing.T) {
	dir := t.TempDir()
	raw, _ := json.Marshal(map[string]any{"name": "warm", "load": map[string]any{"concurrency": 3, "warmup": 3}})
	m := &rundir.Manifest{Tool: "inferbench", Version: "v1", Host: rundir.Host{Name: "h"},
		Target: rundir.TargetInfo{Kind: "vllm", Model: "m"}, Scenario: raw, Start: time.Unix(1e9, 0).UTC(),
		ExitState: rundir.ExitComplete}
	if err := rundir.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	id := uint64(0)
	put := func(rec rundir.Record) {
		rec.ID = id
		id++
		line, _ := json.Marshal(rec)
		b.Write(append(line, '\n'))
	}
	for w := range 3 {
		sent := int64(w) * 100e6
		warm := rundir.Record{Worker: w, Stage: rundir.StageWarmup, Level: 3, ScheduledNS: sent, SentNS: sent, DoneNS: sent + 400e6, EndNS: sent + 400e6}
		if w == 2 {
			warm.ErrorClass, warm.Error, warm.Status = rundir.HTTP5xx, "boom", 503
		} else {
			warm.OK, warm.Status, warm.OutputTokens, warm.FirstTokenNS = true, 200, 8, sent+50e6
			for k := range int64(8) {
				warm.Chunks = append(warm.Chunks, [2]int64{sent + 50e6 + k*50e6, 1})
			}
		}
		put(warm)
		sent += 400e6
		for range 12 {
			rec := rundir.Record{Worker: w, Stage: rundir.StageMeasure, Level: 3, ScheduledNS: sent, SentNS: sent,
				FirstTokenNS: sent + 20e6, DoneNS: sent + 300e6, EndNS: sent + 300e6, OK: true, Status: 200, OutputTokens: 8, InputTokens: 10}
			for k := range int64(8) {
				rec.Chunks = append(rec.Chunks, [2]int64{sent + 20e6 + k*40e6, 1})
			}
			put(rec)
			sent += 300e6
		}
	}
	if err := os.WriteFile(filepath.Join(dir, rundir.RecordsFile), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := loadCandidate(dir)
	if err != nil {
		t.Fatal(err)
	}
	st := r.Summary.Levels[0].Steady
	if st == nil {
		t.Fatal("no steady state")
	}
	want := st.MeanInFlight * st.WindowS * 1e3
	if got := r.levels[3].heldMS; math.Abs(got-want) > 1e-6*want {
		t.Errorf("held time in the steady state %.3f ms; want the summary's %.3f (mean in flight %.4f × %.3f s)", got, want, st.MeanInFlight, st.WindowS)
	}
}
