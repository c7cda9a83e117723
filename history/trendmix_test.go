package history

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// TestTrendRefusesMixedRuns: a store shared by several jobs holds runs of
// other scenarios and models; `history trend` without --scenario and
// --model drew them all as one line per level, with nothing in the table
// or the plot to tell them apart (a command-line run of 64 output tokens
// read as E2E p95 1,325 → 681 → 1,326 ms on the nightly's line). A
// selection that spans several scenarios or models is refused, naming
// them and the flag that picks one; one that does not is drawn as before.
func TestTrendRefusesMixedRuns(t *testing.T) {
	store := filepath.Join(t.TempDir(), "h.db")
	s := openStore(t, store)
	root := t.TempDir()
	day := func(d int) time.Time { return time.Date(2026, 12, d, 2, 0, 0, 0, time.UTC) }
	add := func(name, scenario, model string, d int) {
		dir := filepath.Join(root, name)
		writeRun(t, dir, scenario, 50, day(d), uint64(d))
		if model != "m" {
			rundirtest.EditManifest(t, dir, func(m *rundir.Manifest) { m.Target.Model = model })
		}
		addRun(t, s, dir)
	}
	add("n1", "nightly", "m", 1)
	add("n2", "nightly", "m", 2)
	add("other-model", "nightly", "llama-70b", 3)
	add("batch", "batch", "m", 4)
	for _, tc := range []struct {
		name     string
		scenario string
		model    string
		want     []string
	}{
		{"no selection", "", "", []string{"2 scenarios (batch, nightly)", "--scenario", "2 models (llama-70b, m)", "--model"}},
		{"a scenario", "nightly", "", []string{"2 models (llama-70b, m)", "--model"}},
		{"a model", "", "m", []string{"2 scenarios (batch, nightly)", "--scenario"}},
	} {
		var stdout bytes.Buffer
		err := RunTrend(t.Context(), CommandOptions{Store: store, Metric: "ttft_p95", Filter: Filter{Scenario: tc.scenario, Model: tc.model}}, &stdout, &stdout)
		if err == nil {
			t.Errorf("%s: trend of mixed runs drawn:\n%s", tc.name, stdout.String())
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v; want it to say %q", tc.name, err, w)
			}
		}
	}
	var stdout bytes.Buffer
	if err := RunTrend(t.Context(), CommandOptions{Store: store, Metric: "ttft_p95", Filter: Filter{Scenario: "nightly", Model: "m"}}, &stdout, &stdout); err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(stdout.String(), "\n"); rows != 3 {
		t.Errorf("trend of nightly, m: %d lines; want a header and the two runs:\n%s", rows, stdout.String())
	}
}
