package scenarios

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAdaptiveErrors: every mistake in load.adaptive is located
// file:line:col with its path.
func TestAdaptiveErrors(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		want      []string
	}{
		{"precision one", "name: a\nload:\n  concurrency: 2\n  adaptive: {precision: 1}\n", []string{"s.yaml:4:25: load.adaptive.precision: want a fraction in [0, 1), e.g. 0.05 for ±5% (0: off), got 1"}},
		{"precision as percent", "name: a\nload:\n  concurrency: 2\n  adaptive: {precision: 5%}\n", []string{"s.yaml:4:25: load.adaptive.precision: want a number, got a string"}},
		{"min above max", "name: a\nload:\n  concurrency: 2\n  adaptive: {precision: 0.1, min_requests: 90, max_requests: 80}\n", []string{"s.yaml:4:62: load.adaptive.max_requests: must be at least min_requests (90), got 80"}},
		{"negative min", "name: a\nload:\n  concurrency: 2\n  adaptive: {precision: 0.1, min_requests: -1}\n", []string{"s.yaml:4:44: load.adaptive.min_requests: must be between 0 and 100000, got -1"}},
		{"search one level", "name: a\nload:\n  rate: 5\n  adaptive: {precision: 0.1, search: true}\n", []string{"s.yaml:4:38: load.adaptive.search: needs levels to search: load.sweep, or a list of load.rate"}},
		{"start without search", "name: a\nload:\n  rate: [5, 10]\n  adaptive: {precision: 0.1, start: 10}\n", []string{"s.yaml:4:37: load.adaptive.start: only applies with search: true"}},
		{"start off the grid", "name: a\nload:\n  rate: [5, 10]\n  adaptive: {precision: 0.1, search: true, start: 7}\n", []string{"s.yaml:4:51: load.adaptive.start: must be one of the levels [5 10], got 7"}},
		{"unknown key", "name: a\nload:\n  concurrency: 2\n  adaptive: {precison: 0.1}\n", []string{`s.yaml:4:14: load.adaptive.precison: unknown key "precison" (did you mean "precision"?)`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("s.yaml", []byte(tt.src))
			if diff := cmp.Diff(tt.want, errLines(err)); diff != "" {
				t.Errorf("Load(%q) errors (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

// TestQualifyIsAdaptive: the shipped qualify scenario searches capacity
// adaptively (issue #22), from a level of its sweep.
func TestQualifyIsAdaptive(t *testing.T) {
	s, err := Open("qualify")
	if err != nil {
		t.Fatal(err)
	}
	a := s.Load.Adaptive
	if !s.Load.AdaptiveOn() || a.Precision != 0.05 || !a.Search || a.Start != 64 {
		t.Errorf("qualify load.adaptive %+v; want precision 0.05, a search from 64", a)
	}
}

// TestFitSearches: qualify's searches (capacity_search, adaptive search
// from 64) over levels that replaced the file's. One level turns both off
// and says which; a search the caller replaced too is left alone; a sweep
// keeps them and drops a start that is no longer one of its levels; levels
// not replaced leave everything as the file says.
func TestFitSearches(t *testing.T) {
	open := func() *Scenario {
		s, err := Open("qualify")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	oneLevel := func(s *Scenario) { s.ClearLoadKind(); s.Load.Concurrency = 4 }
	sweep := func(levels ...int) func(*Scenario) {
		return func(s *Scenario) { s.ClearLoadKind(); s.Load.Sweep = &Sweep{Levels: levels} }
	}
	for _, tt := range []struct {
		name                   string
		levels                 func(*Scenario)
		replaced, bisect, srch bool
		off                    []string
		capacity, search       bool
		start                  float64
	}{
		{"file's own levels", func(*Scenario) {}, false, false, false, nil, true, true, 64},
		{"one level", oneLevel, true, false, false, []string{"load.capacity_search", "load.adaptive.search"}, false, false, 0},
		{"one level, --bisect given", oneLevel, true, true, false, []string{"load.adaptive.search"}, true, false, 0},
		{"one level, --search given", oneLevel, true, false, true, []string{"load.capacity_search"}, false, true, 0},
		{"sweep without 64", sweep(1, 2, 4, 8), true, false, false, nil, true, true, 0},
		{"sweep with 64", sweep(16, 64), true, false, false, nil, true, true, 64},
	} {
		s := open()
		tt.levels(s)
		off := s.FitSearches(tt.replaced, tt.bisect, tt.srch)
		a := s.Load.Adaptive
		if !slices.Equal(off, tt.off) || (s.Load.CapacitySearch != nil) != tt.capacity || a.Search != tt.search || a.Start != tt.start {
			t.Errorf("%s: off %q, capacity search %v, adaptive search %v from %v; want %q, %v, %v from %v",
				tt.name, off, s.Load.CapacitySearch != nil, a.Search, a.Start, tt.off, tt.capacity, tt.search, tt.start)
		}
	}
}
