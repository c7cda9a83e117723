package live

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDocsNameTheMetrics: the names docs/live.md and the Grafana dashboard
// use are the metrics /metrics exports, and the doc lists each of them and
// the dashboard charts each of them.
func TestDocsNameTheMetrics(t *testing.T) {
	s := New(Options{})
	s.Track(blockTarget{})
	fams, err := s.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range fams {
		names[f.GetName()] = true
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			names[f.GetName()+suffix] = true
		}
	}
	doc, err := os.ReadFile("../docs/live.md")
	if err != nil {
		t.Fatal(err)
	}
	dash, err := os.ReadFile("../docs/grafana-inferbench.json")
	if err != nil {
		t.Fatal(err)
	}
	var board struct {
		Panels []struct {
			Targets []struct{ Expr string } `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(dash, &board); err != nil {
		t.Fatalf("grafana-inferbench.json: %v", err)
	}
	var exprs []string
	for _, p := range board.Panels {
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	if !strings.Contains(strings.Join(exprs, "\n"), "inferbench_ttft_seconds_bucket") || !strings.Contains(strings.Join(exprs, "\n"), "vllm:num_requests_waiting") {
		t.Error("the dashboard lacks TTFT beside vLLM's waiting requests")
	}
	used := regexp.MustCompile(`inferbench_[a-z_]+`)
	for _, src := range []string{string(doc), strings.Join(exprs, "\n")} {
		for _, n := range used.FindAllString(src, -1) {
			if !names[n] {
				t.Errorf("%s is not a metric inferbench exports", n)
			}
		}
	}
	// Every family is listed in the doc and charted on the dashboard (a
	// histogram by its _bucket series).
	for _, f := range fams {
		if !strings.Contains(string(doc), "`"+f.GetName()) {
			t.Errorf("docs/live.md does not list %s", f.GetName())
		}
		if !regexp.MustCompile(`\b` + f.GetName() + `(_bucket)?\b`).MatchString(strings.Join(exprs, "\n")) {
			t.Errorf("the dashboard does not chart %s", f.GetName())
		}
	}
}
