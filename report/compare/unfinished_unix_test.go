//go:build unix

package compare

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/internal/proctest"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// TestGateRefusesARunStillGoing: a candidate whose process is still
// writing it on this host (a CI step that gates before the run has ended)
// was judged on the records written so far, 121 of 417 in the measured
// case, and passed or failed the gate with only a line on stderr; history
// add refuses such a run. The gate refuses it too, naming the pid, on
// either side.
func TestGateRefusesARunStillGoing(t *testing.T) {
	host, alive := proctest.Host(t), proctest.Alive(t)
	base, cand := gateRuns(t)
	rundirtest.EditManifest(t, cand, func(m *rundir.Manifest) {
		m.ExitState, m.Host.Name, m.Host.PID, m.Records = rundir.ExitRunning, host, alive, 0
	})
	for _, tc := range []struct{ name, base, cand string }{{"candidate", base, cand}, {"baseline", cand, base}} {
		err, out, _, _ := runGate(t, tc.base, tc.cand)
		if err == nil || !strings.Contains(err.Error(), "is still going (pid") || out != "" {
			t.Errorf("%s still going: err %v, %d bytes of verdict; want it refused, naming the pid, and no verdict", tc.name, err, len(out))
		}
		if _, ok := err.(*RegressionError); ok {
			t.Errorf("%s still going: a regression error (exit 1); want the runs refused (exit 2)", tc.name)
		}
	}
}

// TestGateWarnsOfAKilledRun: a run whose run.json still says running and
// whose process is gone (killed by a CI timeout) is judged on the records
// it wrote, as an interrupted one; the verdict's outputs say so as they do
// of an interrupted run (the text, the JUnit's warning property, the
// Markdown). Before, only a line on stderr did.
func TestGateWarnsOfAKilledRun(t *testing.T) {
	host, gone := proctest.Host(t), proctest.Gone(t)
	base, cand := gateRuns(t)
	rundirtest.EditManifest(t, cand, func(m *rundir.Manifest) {
		m.ExitState, m.Host.Name, m.Host.PID, m.Records = rundir.ExitRunning, host, gone, 0
	})
	err, out, junit, md := runGate(t, base, cand)
	if err != nil {
		if _, ok := err.(*RegressionError); !ok {
			t.Fatalf("a killed candidate: %v; want it judged", err)
		}
	}
	const want = "candidate run was cut short"
	for name, s := range map[string]string{"text": out, "JUnit": junit, "Markdown": md} {
		if !strings.Contains(s, want) {
			t.Errorf("%s of a killed candidate does not say %q", name, want)
		}
	}
	if !strings.Contains(out, "killed?") {
		t.Errorf("text of a killed candidate does not ask whether it was killed")
	}
}

// TestGateRefusesARunMissingRecords: a finished run whose requests.jsonl
// holds fewer records than its run.json counts (a copy cut short: an
// artifact truncated in upload or download) lost requests the gate would
// not judge; it passed on 82 of 417 records with a line on stderr. It is
// refused, with the two counts, on either side.
func TestGateRefusesARunMissingRecords(t *testing.T) {
	base, cand := gateRuns(t)
	path := filepath.Join(cand, rundir.RecordsFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data[:len(data)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := rundir.ReadManifest(cand)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, base, cand string }{{"candidate", base, cand}, {"baseline", cand, base}} {
		err, out, _, _ := runGate(t, tc.base, tc.cand)
		want := "of the " + strconv.FormatInt(m.Records, 10) + " records"
		if err == nil || !strings.Contains(err.Error(), want) || out != "" {
			t.Errorf("%s missing records: err %v, %d bytes of verdict; want it refused, saying %q", tc.name, err, len(out), want)
		}
		if _, ok := err.(*RegressionError); ok {
			t.Errorf("%s missing records: a regression error (exit 1); want the runs refused (exit 2)", tc.name)
		}
	}
}
