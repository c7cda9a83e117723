package live

import (
	"path/filepath"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// TestFollowLeavesOutARepeatedLine: a requests.jsonl whose second line is
// written again at line 4 and its third at line 6, each repeat read by a
// later poll than its original, is followed as report reads it: 3 ok and 1
// failed (not 4 and 2), with report's one warning naming line 4 and line 2.
// Before, watch counted each repeated line twice.
func TestFollowLeavesOutARepeatedLine(t *testing.T) {
	d := newRunDir(t, scenarios.SLO{}, 4)
	recs := []*rundir.Record{rec(1, 0, ms, ms, 2), rec(1, 10*ms, ms, ms, 2), failed(1, 20*ms, ms, rundir.HTTP5xx), rec(1, 30*ms, ms, ms, 2)}
	for i, r := range recs {
		r.ID = uint64(i)
	}
	var warned []string
	f, err := NewFollower(t.Context(), d.dir, FollowOptions{Warn: func(s string) { warned = append(warned, s) }})
	if err != nil {
		t.Fatal(err)
	}
	for _, batch := range [][]*rundir.Record{{recs[0], recs[1], recs[2]}, {recs[1], recs[3], recs[2]}} {
		for _, r := range batch {
			d.write(d.record(r))
		}
		if _, err := f.poll(); err != nil {
			t.Fatal(err)
		}
	}
	d.m.ExitState, d.m.Records = rundir.ExitComplete, 4
	d.writeManifest()
	if err := f.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	snap := f.State().Snapshot()
	if snap.OK != 3 || snap.Failed != 1 || len(snap.Levels) != 1 || snap.Levels[0].Done != 4 {
		t.Errorf("watch counted %d ok, %d failed (levels %+v); want 3 ok, 1 failed, 4 done", snap.OK, snap.Failed, snap.Levels)
	}
	sum, _, err := report.SummarizeRun(d.dir, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	if rq := sum.Levels[0].Requests; int64(rq.OK) != snap.OK || int64(rq.Failed) != snap.Failed {
		t.Errorf("report counts %d ok, %d failed; watch %d, %d", rq.OK, rq.Failed, snap.OK, snap.Failed)
	}
	want := filepath.Join(d.dir, rundir.RecordsFile) + ":4: record id 1 repeats line 2 (a line written twice): left out, and 1 more repeated records"
	if len(warned) != 1 || warned[0] != want {
		t.Errorf("warnings %q; want one: %q", warned, want)
	}
}
