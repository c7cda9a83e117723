package history

import (
	"path/filepath"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

// TestOneRunBaselineReadsItsRunJSONOnce: a one-run baseline (history:latest,
// history:ID) read the run's run.json for its fingerprint, then again to
// load it request by request: the fingerprint was checked on other bytes
// than the run judged. And the candidate's run.json, read when the
// candidate was loaded, was read again for its fingerprint and hardware.
// The baseline's is read once, its fingerprint checked on the bytes
// loaded; the candidate's not at all.
func TestOneRunBaselineReadsItsRunJSONOnce(t *testing.T) {
	s, root := testStore(t), t.TempDir()
	night := dayRun(t, root, "night1", 1, nil)
	addRun(t, s, night)
	candDir := dayRun(t, root, "cand", 5, nil)
	cand, err := compare.LoadRun(candDir, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	nightFile, candFile := filepath.Join(night, rundir.ManifestFile), filepath.Join(candDir, rundir.ManifestFile)
	for _, spec := range []string{"latest", "1"} {
		o := watchOpens(t, nightFile, candFile)
		b, err := Baseline(t.Context(), s, spec, cand)
		if err != nil {
			t.Fatal(err)
		}
		if b.Run == nil {
			t.Fatalf("history:%s: baseline of summaries (%s); want the run, request by request", spec, b.Label)
		}
		n := o.take(t)
		if n[nightFile] != 1 || n[candFile] != 0 {
			t.Errorf("history:%s: the baseline's run.json read %d times, the candidate's %d; want once and not at all", spec, n[nightFile], n[candFile])
		}
	}
}

// TestHistoryAddReadsRunJSONOnce: history add reads a run's run.json once:
// the fingerprint stored is of the bytes the summary was made with. It
// read it twice (once to fingerprint it, once more to summarize), and a
// run.json rewritten between the two was stored under the other's
// fingerprint.
func TestHistoryAddReadsRunJSONOnce(t *testing.T) {
	dir := dayRun(t, t.TempDir(), "night1", 1, nil)
	file := filepath.Join(dir, rundir.ManifestFile)
	o := watchOpens(t, file)
	if _, _, err := NewEntry(dir, report.SLO{}); err != nil {
		t.Fatal(err)
	}
	if n := o.take(t)[file]; n != 1 {
		t.Errorf("history add read run.json %d times; want once", n)
	}
}
