package history

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTrendNamesTheSelectionThatMatchesNothing: `history trend --scenario
// nightlyy` (or a model misspelt) said "no ttft_p95 values for the
// selection", as of a metric no run measured; a CI job's typo reads as an
// empty history. It now says which selection matched no run and what the
// history holds, with the nearest name.
func TestTrendNamesTheSelectionThatMatchesNothing(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "h.db")
	run := filepath.Join(dir, "run")
	writeRun(t, run, "nightly", 50, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 1)
	var out bytes.Buffer
	if err := RunAdd(t.Context(), CommandOptions{Store: store, Args: []string{run}}, &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		f    Filter
		want []string
	}{
		{Filter{Scenario: "nightlyy"}, []string{`no run of scenario "nightlyy"`, "did you mean nightly?", "scenarios in the history: nightly"}},
		{Filter{Model: "mm"}, []string{`no run of model "mm"`, "did you mean m?", "models in the history: m"}},
		{Filter{Scenario: "batch"}, []string{`no run of scenario "batch"`, "scenarios in the history: nightly"}},
	} {
		err := RunTrend(t.Context(), CommandOptions{Store: store, Metric: "ttft_p95", Filter: c.f}, &out, &out)
		if err == nil {
			t.Errorf("trend of %+v succeeded", c.f)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("trend of %+v: %q; want it to say %q", c.f, err, w)
			}
		}
	}
	// A selection that matches runs without the metric keeps its words.
	if err := RunTrend(t.Context(), CommandOptions{Store: store, Metric: "ttft_p95", Filter: Filter{Scenario: "nightly"}}, &out, &out); err != nil {
		t.Errorf("trend of the stored scenario: %v", err)
	}
}
