package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestShortOutputsOfAStopSequence: outputs cut short where the run sent
// stop sequences (workload.stop) are said to be the stop sequences' or the
// end of sequence's doing, not a missing ignore_eos/min_tokens: the run
// asked for them to end early. Without stop sequences the line is as
// before.
func TestShortOutputsOfAStopSequence(t *testing.T) {
	s := NewSummarizer(SLO{})
	r := rec(0, 1, 0, [][2]int64{{10, 1}, {20, 1}}, 2, 7)
	r.RequestedInputTokens, r.RequestedOutputTokens = 7, 64
	s.Add(r)
	sum := s.Close()
	for _, c := range []struct {
		scenario, want, not string
	}{
		{`{"workload":{"output_tokens":64,"stop":[" sit"]}}`, "a stop sequence (workload.stop) or the end of sequence ended them", "no ignore_eos"},
		{`{"workload":{"output_tokens":64}}`, "the server stopped early (no ignore_eos/min_tokens?)", "stop sequence"},
	} {
		m := &rundir.Manifest{ExitState: rundir.ExitComplete, Scenario: []byte(c.scenario)}
		var tab strings.Builder
		if err := WriteTable(&tab, sum, m); err != nil {
			t.Fatal(err)
		}
		if got := tab.String(); !strings.Contains(got, "100% of requests produced fewer tokens than requested: "+c.want) || strings.Contains(got, c.not) {
			t.Errorf("scenario %s: table\n%s\nwant %q", c.scenario, got, c.want)
		}
	}
}
