package report

import (
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestTableHeaderShowsHostileTextWrittenOut: a model name, URL and exit
// reason from run.json carrying an ANSI escape and a newline are printed
// written out in the terminal table: no escape byte reaches the terminal,
// and the header keeps its lines (the model's newline used to start a new
// line of its own, the escape to recolour the rest of the table).
func TestTableHeaderShowsHostileTextWrittenOut(t *testing.T) {
	m := &rundir.Manifest{ExitState: rundir.ExitInterrupted, Start: time.Unix(0, 0).UTC(),
		ExitReason: "server said \x1b]0;pwned\x07"}
	m.Target.Kind = "vllm"
	m.Target.URL = "http://h:8000/\x1b[2J"
	m.Target.Model = "mock\x1b[31m\nFAKE LINE"
	var b strings.Builder
	if err := WriteTable(&b, &Summary{ServerMetricsError: "3 scrapes failed: \x1b[1mbold"}, m); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.ContainsRune(out, 0x1b) || strings.ContainsRune(out, 0x07) {
		t.Errorf("an escape byte reached the table:\n%q", out)
	}
	if !strings.Contains(out, `model mock\x1b[31m\nFAKE LINE`+"\n") {
		t.Errorf("the model is not on the target line, written out:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "FAKE LINE") {
			t.Errorf("the model's newline started a line of the table:\n%s", out)
		}
	}
}
