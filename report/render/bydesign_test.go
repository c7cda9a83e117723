package render

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// TestDifferentServersByDesign (issue #20 item 25): two runs of the same
// workload against different servers (llama.cpp and Ollama, as in the
// real-server report) differ by design: the report says what differs and
// does not call the comparison unfair, neither through the run's target
// nor through the same fields repeated in its resolved scenario (which
// read "Not a like-for-like comparison: different scenario: target.kind
// "llamacpp" vs "ollama"").
func TestDifferentServersByDesign(t *testing.T) {
	slo := report.SLO{TTFT: 200 * time.Millisecond}
	runs := loadPair(t, rendertest.A100(), rendertest.A100(), slo)
	for i, kind := range []string{"llamacpp", "ollama"} {
		m := runs[i].Manifest
		m.Target.Kind = kind
		var sc map[string]any
		if err := json.Unmarshal(m.Scenario, &sc); err != nil {
			t.Fatal(err)
		}
		sc["target"].(map[string]any)["kind"] = kind
		b, err := json.Marshal(sc)
		if err != nil {
			t.Fatal(err)
		}
		m.Scenario = b
	}
	rep, err := Build(runs, Options{SLO: slo, Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Comparisons[0]
	if len(c.Unfair) != 0 || strings.Contains(c.Headline, "Not a like-for-like") {
		t.Errorf("servers that differ by design called unfair: %q\nheadline %q", c.Unfair, c.Headline)
	}
	if d := strings.Join(c.Differs, "\n"); !strings.Contains(d, "server or API: llamacpp chat vs ollama chat") {
		t.Errorf("differs = %q; want the two servers named", c.Differs)
	}
	// A scenario field other than the target's still makes it unfair.
	var sc map[string]any
	if err := json.Unmarshal(runs[1].Manifest.Scenario, &sc); err != nil {
		t.Fatal(err)
	}
	sc["workload"].(map[string]any)["seed"] = 8
	runs[1].Manifest.Scenario, _ = json.Marshal(sc)
	rep, err = Build(runs, Options{SLO: slo, Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	if u := strings.Join(rep.Comparisons[0].Unfair, "\n"); !strings.Contains(u, "different scenario: workload.seed 7 vs 8") {
		t.Errorf("unfair = %q; want the differing workload seed", u)
	}
}
