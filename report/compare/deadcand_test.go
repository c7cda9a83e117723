package compare

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// deadCandidate writes a run whose every measured request of its highest
// level (8) failed, as against a server that is down.
func deadCandidate(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	spec := rendertest.A100()
	spec.FailEvery = 1
	if err := rendertest.WriteRun(dir, spec); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestGateDoesNotPassARunThatMeasuredNothing: README's nightly script
// with the server down on its first night (every request failed: run
// exits 1, which the script lets through to the gate) passed the gate,
// exit 0, its JUnit case skipped ("no baseline"), and the run joined the
// history; every later night of the server down passed too, gated
// against that run: error rate 100 % against 100 %, within noise, every
// latency not measured. A CI job stayed green on a server that answered
// nothing. Where nothing else fails the gate, a level whose every
// measured request failed is a gate that could not judge (exit 2, the
// JUnit case in error), on the first night and against such a baseline.
func TestGateDoesNotPassARunThatMeasuredNothing(t *testing.T) {
	cand := deadCandidate(t)
	junit := filepath.Join(t.TempDir(), "compare.xml")
	errEmpty := errors.New("no baseline in the history")
	o := GateOptions{Baseline: "history:median-of-7", Candidate: cand, JUnit: junit, AllowEmptyBaseline: true, Resamples: 50,
		Resolve: func(string, *Run) (Baseline, error) { return Baseline{}, errEmpty }, ErrEmpty: errEmpty}
	err := Gate(o, io.Discard, io.Discard)
	var regression *RegressionError
	if err == nil || errors.As(err, &regression) || !strings.Contains(err.Error(), "every measured request failed at level 8") {
		t.Errorf("first night, every request of level 8 failed: %v; want the gate unable to judge it", err)
	}
	if b, _ := os.ReadFile(junit); !strings.Contains(string(b), "<error ") {
		t.Errorf("JUnit:\n%s\nwant its case in error", b)
	}
	// Against earlier runs that measured nothing there either.
	dead := func() *report.Summary {
		c, err := loadCandidate(cand)
		if err != nil {
			t.Fatal(err)
		}
		return c.Summary
	}
	o.AllowEmptyBaseline, o.ErrEmpty = false, nil
	o.Resolve = func(_ string, c *Run) (Baseline, error) {
		return Baseline{Label: "h", Meta: c.Meta, Summaries: []*report.Summary{dead(), dead(), dead()}}, nil
	}
	err = Gate(o, io.Discard, io.Discard)
	if err == nil || errors.As(err, &regression) || !strings.Contains(err.Error(), "every measured request failed at level 8") {
		t.Errorf("every request of level 8 failed, as in three earlier runs: %v; want the gate unable to judge it", err)
	}
}
