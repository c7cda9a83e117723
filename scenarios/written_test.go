package scenarios

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWrittenZeroIsChecked: a length distribution's sub-key written as 0
// is a value to check, not an absence, for the lengths and for turns alike
// (checker.written tells Distribution.problems what the file holds), and
// each problem is told at its sub-key (checker.problems).
func TestWrittenZeroIsChecked(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"name: a\nworkload:\n  prompt_tokens: {dist: uniform, min: 1, max: 3, mean: 0}\n",
			"s.yaml:3:56: workload.prompt_tokens.mean: not used by dist: uniform"},
		{"name: a\nworkload:\n  output_tokens: {dist: normal, mean: 5, stddev: 1, file: ''}\n",
			"s.yaml:3:59: workload.output_tokens.file: not used by dist: normal"},
		{"name: a\nworkload:\n  turns: {dist: uniform, min: 1, max: 3, mean: 0}\n",
			"s.yaml:3:48: workload.turns.mean: not used by dist: uniform"},
	} {
		_, err := Load("s.yaml", []byte(tt.src))
		if diff := cmp.Diff([]string{tt.want}, errLines(err)); diff != "" {
			t.Errorf("Load(%q) errors (-want +got):\n%s", tt.src, diff)
		}
	}
}
