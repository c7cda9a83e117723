package history

import (
	"fmt"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

// TestBaselineAcrossServerVersions: the server's version and launch flags
// are the serving stack a nightly gate judges, not hardware: a night that
// upgrades vLLM (or gates the server's own nightly build, a new version
// every night) had no earlier run "on the same hardware", so the README's
// job (history:median-of-7 --allow-empty-baseline) passed it as a first
// night, a 20 % slower TPOT included, and then added it as the new
// history. The earlier nights are its baseline now, and the comparison
// says the version and the flags changed; a new GPU still starts a history
// of its own.
func TestBaselineAcrossServerVersions(t *testing.T) {
	s := testStore(t)
	root := t.TempDir()
	for day := 1; day <= 4; day++ {
		addRun(t, s, dayRun(t, root, fmt.Sprintf("night%d", day), day, nil))
	}
	addRun(t, s, dayRun(t, root, "h100", 5, func(m *rundir.Manifest) {
		m.GPUs = []byte(`[{"index":0,"name":"NVIDIA H100 80GB HBM3"}]`)
	}))
	cand, err := compare.LoadRun(dayRun(t, root, "upgrade", 6, func(m *rundir.Manifest) {
		m.Server.Version, m.Server.Args = "0.7.0", "--enable-chunked-prefill"
	}), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Baseline(t.Context(), s, "median-of-7", cand)
	if err != nil {
		t.Fatalf("median-of-7 of a server upgrade's night: %v; want the four earlier nights", err)
	}
	if len(b.Summaries) != 4 || !strings.Contains(b.Label, "#4 #3 #2 #1") {
		t.Errorf("baseline %q over %d summaries; want the four A100 nights #4 #3 #2 #1, not the H100's #5", b.Label, len(b.Summaries))
	}
	res, err := compare.Compare(b, cand, compare.Options{Resamples: 50})
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(res.Warnings, "\n")
	for _, want := range []string{`server version differs: baseline "0.6.3", candidate "0.7.0"`, `server args differ: baseline "", candidate "--enable-chunked-prefill"`} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings %q; want %q", res.Warnings, want)
		}
	}
}
