package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestInputExact: of four requests asking 512 prompt tokens, the server
// counted 512 and 513; one count is an estimate and one request said
// nothing of its length, so neither is checked: 1 of 2 exact.
func TestInputExact(t *testing.T) {
	s := NewSummarizer(SLO{})
	for i, c := range []struct {
		in, requested int
		src           rundir.TokenSource
		checked       bool
		exact         bool
	}{
		{512, 512, rundir.SourceServer, true, true},
		{513, 512, rundir.SourceServer, true, false},
		{512, 512, rundir.SourceEstimated, false, false},
		{512, 0, rundir.SourceServer, false, false},
	} {
		r := rec(uint64(i), 1, int64(i)*100, [][2]int64{{int64(i)*100 + 10, 1}}, 1, c.in)
		r.RequestedInputTokens, r.RequestedOutputTokens, r.InputTokensSource = c.requested, 1, c.src
		if checked, exact := InputExact(r); checked != c.checked || exact != c.exact {
			t.Errorf("request %d: InputExact = %v, %v; want %v, %v", i, checked, exact, c.checked, c.exact)
		}
		s.Add(r)
	}
	sum := s.Close()
	ln := sum.Levels[0].Lengths
	if ln == nil || ln.InputChecked != 2 || ln.InputExactShare != 0.5 {
		t.Fatalf("lengths = %+v; want 2 checked, half exact", ln)
	}
	var tab strings.Builder
	if err := WriteTable(&tab, sum, nil); err != nil {
		t.Fatal(err)
	}
	if want := "prompt lengths: 50% of 2 exactly as requested by the server's count"; !strings.Contains(tab.String(), want) {
		t.Errorf("table lacks %q:\n%s", want, tab.String())
	}
}

// TestTableNamesPromptSizing: the run header names the sizing method as
// run's stderr does, "prompt sizing: calibrated"; it read "prompts sized by
// calibrated" (and "… by estimated").
func TestTableNamesPromptSizing(t *testing.T) {
	for _, src := range []string{"server-tokenize", "tokenizer", "calibrated", "estimated"} {
		m := &rundir.Manifest{ExitState: rundir.ExitComplete, Load: rundir.LoadInfo{InputTokensSource: src}}
		var tab strings.Builder
		if err := WriteTable(&tab, &Summary{}, m); err != nil {
			t.Fatal(err)
		}
		if want := "\nprompt sizing: " + src + "\n"; !strings.Contains(tab.String(), want) || strings.Contains(tab.String(), "sized by") {
			t.Errorf("table header lacks %q:\n%s", want, tab.String())
		}
	}
}

// TestTableLeavesOutExactShareOfDatasetPrompts: a dataset's prompts were not
// built to a length (run.json has no load.input_tokens_source), so the
// table does not say how many the server counted "exactly as requested":
// that compared its count with an estimate, and a ShareGPT run read "0% of
// 500", as if sizing had failed. Sized prompts keep the line.
func TestTableLeavesOutExactShareOfDatasetPrompts(t *testing.T) {
	s := NewSummarizer(SLO{})
	r := rec(0, 1, 0, [][2]int64{{10, 1}}, 1, 7)
	r.RequestedInputTokens, r.RequestedOutputTokens, r.InputTokensSource = 10, 1, rundir.SourceServer
	s.Add(r)
	sum := s.Close()
	for _, c := range []struct {
		source string
		want   bool
	}{{"", false}, {"server-tokenize", true}} {
		m := &rundir.Manifest{ExitState: rundir.ExitComplete, Load: rundir.LoadInfo{InputTokensSource: c.source}}
		var tab strings.Builder
		if err := WriteTable(&tab, sum, m); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(tab.String(), "exactly as requested"); got != c.want {
			t.Errorf("input_tokens_source %q: table says 'exactly as requested' %v, want %v:\n%s", c.source, got, c.want, tab.String())
		}
	}
}
