package history

import (
	"fmt"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

// TestBaselineAcrossRunnerHosts: a CI job runs on a fresh runner every
// night (GitHub's hosted runners, a Kubernetes pod, an autoscaled GitLab
// runner), each with a host name of its own. The load generator's host
// was part of the baseline's hardware, so no earlier run ever matched:
// the README's nightly job (history:median-of-7 --allow-empty-baseline)
// passed every night as the first one, "4 on other hardware", and gated
// nothing. The host is the load generator's, not the serving hardware
// (a new model or GPU starts a history of its own), and compare A B
// compares runs of two hosts with a warning: so does a history baseline.
func TestBaselineAcrossRunnerHosts(t *testing.T) {
	s := testStore(t)
	root := t.TempDir()
	onHost := func(name string) func(*rundir.Manifest) {
		return func(m *rundir.Manifest) { m.Host.Name = name }
	}
	for day := 1; day <= 4; day++ {
		addRun(t, s, dayRun(t, root, fmt.Sprintf("night%d", day), day, onHost(fmt.Sprintf("fv-az%d-%d", 100+day, 7*day))))
	}
	// A night on other GPUs stays out, whatever its host.
	addRun(t, s, dayRun(t, root, "other-gpus", 5, func(m *rundir.Manifest) {
		m.Host.Name, m.GPUs = "fv-az104-28", []byte(`[{"index":0,"name":"NVIDIA H100 80GB HBM3"}]`)
	}))
	cand, err := compare.LoadRun(dayRun(t, root, "tonight", 6, onHost("fv-az999-1")), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Baseline(t.Context(), s, "median-of-7", cand)
	if err != nil {
		t.Fatalf("median-of-7 of four nights on other runners: %v; want them as the baseline", err)
	}
	if len(b.Summaries) != 4 || !strings.Contains(b.Label, "#4 #3 #2 #1") {
		t.Errorf("baseline %q over %d summaries; want the four nights #4 #3 #2 #1, not the H100's #5", b.Label, len(b.Summaries))
	}
	res, err := compare.Compare(b, cand, compare.Options{Resamples: 50})
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(res.Warnings, "\n"); !strings.Contains(w, `load-generator host differs: baseline "fv-az104-28", candidate "fv-az999-1"`) {
		t.Errorf("warnings %q; want the hosts named", res.Warnings)
	}
}
