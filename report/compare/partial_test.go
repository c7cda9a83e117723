package compare

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// TestCompareWarnsOfAnInterruptedRun: a nightly run stopped by SIGINT (a
// cancelled CI job) is reportable, and the gate still judges it, but on the
// requests it finished (113 of 416 in the measured case), so the result
// says so for either side. Before, compare passed such a candidate with no
// word of it.
func TestCompareWarnsOfAnInterruptedRun(t *testing.T) {
	root := t.TempDir()
	base, cand := filepath.Join(root, "base"), filepath.Join(root, "cand")
	for _, dir := range []string{base, cand} {
		if err := rendertest.WriteRun(dir, rendertest.A100()); err != nil {
			t.Fatal(err)
		}
	}
	rundirtest.EditManifest(t, cand, func(m *rundir.Manifest) {
		m.ExitState, m.ExitReason = rundir.ExitInterrupted, "interrupted by signal"
	})
	b, err := loadCandidate(base)
	if err != nil {
		t.Fatal(err)
	}
	c, err := loadCandidate(cand)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		base Baseline
		cand *Run
		want string
	}{{"candidate", RunBaseline(b), c, "candidate run was interrupted by signal after"},
		{"baseline", RunBaseline(c), b, "baseline run was interrupted by signal after"}} {
		res, err := Compare(tc.base, tc.cand, Options{Resamples: 50})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(res.Warnings, "\n"), tc.want) {
			t.Errorf("%s interrupted: warnings %q; want %q", tc.name, res.Warnings, tc.want)
		}
	}
	res, err := Compare(RunBaseline(b), b, Options{Resamples: 50})
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(res.Warnings, "\n"); strings.Contains(w, "interrupted") {
		t.Errorf("two complete runs: warnings %q", w)
	}
}

// TestMetaOfSaysHowARunEnded: Ended reads after "the run was", the reason
// said once ("interrupted (interrupted by signal)" before).
func TestMetaOfSaysHowARunEnded(t *testing.T) {
	for _, tc := range []struct {
		state  rundir.ExitState
		reason string
		want   string
	}{
		{rundir.ExitInterrupted, "interrupted by signal", "interrupted by signal after 113 records"},
		{rundir.ExitInterrupted, "", "interrupted after 113 records"},
		{rundir.ExitInterrupted, "deadline", "interrupted (deadline) after 113 records"},
		{rundir.ExitFailed, "write requests.jsonl: no space left on device", "stopped by a failure (write requests.jsonl: no space left on device) after 113 records"},
		{rundir.ExitComplete, "", ""},
	} {
		m := &rundir.Manifest{ExitState: tc.state, ExitReason: tc.reason, Records: 113}
		if got := MetaOf(m).Ended; got != tc.want {
			t.Errorf("MetaOf(%s, %q).Ended = %q; want %q", tc.state, tc.reason, got, tc.want)
		}
	}
}
