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

// TestInputAddedByTheServer: prompts sized exactly by llama-server's
// tokenize endpoint, which counts the text alone, are counted by its chat
// API with its template's 27 tokens more each (64 → 91, 100 → 127): the
// table said "0% of 3 exactly as requested", as if sizing had failed; it
// says all were as requested and what the server added. Counts that
// differ by different amounts are not such an addition.
func TestInputAddedByTheServer(t *testing.T) {
	for _, c := range []struct {
		in, requested []int
		added         *int64
		want          string
	}{
		{[]int{91, 127, 91}, []int{64, 100, 64}, ptr64(27), "prompt lengths: all 3 as requested, and 27 tokens more the server added to each (its chat template or a start token), by the server's count"},
		{[]int{91, 128, 91}, []int{64, 100, 64}, nil, "prompt lengths: 0% of 3 exactly as requested by the server's count"},
		{[]int{64, 100, 64}, []int{64, 100, 64}, nil, "prompt lengths: 100% of 3 exactly as requested by the server's count"},
		// One token fewer each (a start token the server's count leaves
		// out): not an addition, and summary.json says none, as the
		// table does (input_added was -1 beside "0% of 3").
		{[]int{63, 99, 63}, []int{64, 100, 64}, nil, "prompt lengths: 0% of 3 exactly as requested by the server's count"},
	} {
		s := NewSummarizer(SLO{})
		for i := range c.in {
			r := rec(uint64(i), 1, int64(i)*100, [][2]int64{{int64(i)*100 + 10, 1}}, 1, c.in[i])
			r.RequestedInputTokens, r.RequestedOutputTokens, r.InputTokensSource = c.requested[i], 1, rundir.SourceServer
			s.Add(r)
		}
		sum := s.Close()
		ln := sum.Levels[0].Lengths
		if (ln.InputAdded == nil) != (c.added == nil) || c.added != nil && *ln.InputAdded != *c.added {
			t.Errorf("%v of %v: input_added %v; want %v", c.in, c.requested, ln.InputAdded, c.added)
		}
		var tab strings.Builder
		if err := WriteTable(&tab, sum, nil); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(tab.String(), c.want) {
			t.Errorf("%v of %v: table lacks %q:\n%s", c.in, c.requested, c.want, tab.String())
		}
	}
}

func ptr64(v int64) *int64 { return &v }
