package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLoadKindFlagReplacesTheScenarios: a load-kind flag (--rate, --sweep,
// --concurrency) over a scenario file of another kind runs the flag's
// kind. It was refused: `run --scenario nightly --rate 5` said
// "load.concurrency: give one of concurrency, sweep, rate or trace, not
// both rate and concurrency" and "must be between 1 and 100000, got 0",
// the file's key remembered after the flag had cleared its value.
func TestLoadKindFlagReplacesTheScenarios(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"concurrency": "concurrency: 8",
		"sweep":       "sweep: [1, 2]",
		"rate":        "rate: [5, 10]\n  arrival: gamma\n  burstiness: 0.5",
	}
	for kind, load := range files {
		file := filepath.Join(dir, kind+".yaml")
		body := fmt.Sprintf("name: %s\ntarget: {url: \"http://127.0.0.1:1\", model: m}\nload:\n  %s\n  requests: 10\n", kind, load)
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, flag := range [][]string{{"--concurrency", "3"}, {"--sweep", "2,4"}, {"--rate", "7"}} {
			o := shardOptions(t, append([]string{"--scenario", file, "--gpu-backend", "none", "--out", filepath.Join(dir, "out")}, flag...))
			switch flag[0] {
			case "--concurrency":
				if o.Concurrency != 3 || o.Sweep != nil || o.Rates != nil {
					t.Errorf("%s file, %v: concurrency %d, sweep %v, rates %v; want concurrency 3 alone", kind, flag, o.Concurrency, o.Sweep, o.Rates)
				}
			case "--sweep":
				if !slices.Equal(o.Sweep, []int{2, 4}) || o.Rates != nil {
					t.Errorf("%s file, %v: sweep %v, rates %v; want sweep 2,4 alone", kind, flag, o.Sweep, o.Rates)
				}
			case "--rate":
				if !slices.Equal(o.Rates, []float64{7}) || o.Sweep != nil {
					t.Errorf("%s file, %v: rates %v, sweep %v; want rate 7 alone", kind, flag, o.Rates, o.Sweep)
				}
			}
		}
	}
	// A 0 given is refused by its flag, not read as "not given" once the
	// file's kind is cleared.
	checkUsageError(t, "--concurrency must be at least 1, got 0", "run", "--scenario", filepath.Join(dir, "sweep.yaml"),
		"--gpu-backend", "none", "--concurrency", "0", "--out", filepath.Join(dir, "zero"))
}

// TestBisectZeroTurnsTheScenariosSearchOff: --bisect 0 over a scenario
// with a capacity search (qualify's) turns it off, so a single level given
// by flag runs: it was refused with "load.capacity_search: only applies
// after a sweep" and "load.capacity_search.steps: only applies with
// bisect: true" (the file's steps, which the flag had replaced). A bad
// --bisect is named by its flag.
func TestBisectZeroTurnsTheScenariosSearchOff(t *testing.T) {
	dir := t.TempDir()
	o := shardOptions(t, []string{"--scenario", "qualify", "--url", "http://127.0.0.1:1", "--model", "m", "--concurrency", "4",
		"--bisect", "0", "--precision", "0", "--gpu-backend", "none", "--out", filepath.Join(dir, "one")})
	if o.Concurrency != 4 || o.Sweep != nil || o.BisectSteps != 0 {
		t.Errorf("concurrency %d, sweep %v, bisect %d; want one level of 4, no search", o.Concurrency, o.Sweep, o.BisectSteps)
	}
	o = shardOptions(t, []string{"--scenario", "qualify", "--url", "http://127.0.0.1:1", "--model", "m", "--bisect", "5",
		"--gpu-backend", "none", "--out", filepath.Join(dir, "five")})
	if o.BisectSteps != 5 {
		t.Errorf("--bisect 5 over qualify: bisect %d; want 5", o.BisectSteps)
	}
	checkUsageError(t, "--bisect: must be between 0 and 16, got -1", "run", "--scenario", "qualify", "--url", "http://127.0.0.1:1",
		"--model", "m", "--bisect", "-1", "--gpu-backend", "none", "--out", filepath.Join(dir, "neg"))
}

// TestOneLevelFlagTurnsTheScenariosSearchesOff: a flag that replaces a
// scenario's levels with one level (--concurrency 4 over qualify) turns the
// file's capacity searches off, with a note, and the level runs (still
// stopped adaptively at the file's precision). It was refused:
// "qualify.yaml:18:20: load.capacity_search: only applies after a sweep" and
// "load.adaptive.search: needs levels to search", the file's searches blamed
// for the flag's level. A flag that asks for a search over one level
// (--bisect 3, --search) is still refused, by its name; a --sweep keeps the
// file's searches and drops only an adaptive start that is not one of its
// levels.
func TestOneLevelFlagTurnsTheScenariosSearchesOff(t *testing.T) {
	dir := t.TempDir()
	base := []string{"--scenario", "qualify", "--url", "http://127.0.0.1:1", "--model", "m", "--gpu-backend", "none"}
	arg := func(out string, more ...string) []string {
		return append(append(slices.Clone(base), "--out", filepath.Join(dir, out)), more...)
	}
	for _, flag := range [][]string{{"--concurrency", "4"}, {"--rate", "3"}, {"--sweep", "8"}} {
		o := shardOptions(t, arg("one"+flag[0], flag...))
		ld := o.Scenario.Load
		if o.BisectSteps != 0 || ld.CapacitySearch != nil {
			t.Errorf("qualify %v: bisect %d, capacity_search %+v; want no search", flag, o.BisectSteps, ld.CapacitySearch)
		}
		if a := ld.Adaptive; a == nil || a.Precision != 0.05 || a.Search || a.Start != 0 {
			t.Errorf("qualify %v: adaptive %+v; want precision 0.05 without search or start", flag, a)
		}
	}
	_, stderr, code := mainArgs(t, append([]string{"run"}, arg("note", "--concurrency", "4", "--no-probe", "--requests", "1", "--timeout", "1s")...)...)
	if !strings.Contains(stderr, "note: --concurrency 4 is one level: the scenario's capacity search (load.capacity_search, load.adaptive.search) is off") {
		t.Errorf("exit %d, stderr %q; want the note that the searches are off", code, stderr)
	}

	o := shardOptions(t, arg("sweep", "--sweep", "1,2,4,8"))
	if a := o.Scenario.Load.Adaptive; o.BisectSteps != 2 || a == nil || !a.Search || a.Start != 0 {
		t.Errorf("qualify --sweep 1,2,4,8: bisect %d, adaptive %+v; want the file's search, bisect 2, no start (64 is not a level)", o.BisectSteps, a)
	}
	o = shardOptions(t, arg("sweep64", "--sweep", "16,32,64,128"))
	if a := o.Scenario.Load.Adaptive; a == nil || !a.Search || a.Start != 64 {
		t.Errorf("qualify --sweep 16,32,64,128: adaptive %+v; want the file's start 64 kept", a)
	}

	// --search=false turns the file's search off, and with it the start it
	// named: "qualify.yaml:23:52: load.adaptive.start: only applies with
	// search: true" refused it.
	o = shardOptions(t, arg("nosearch", "--concurrency", "2", "--bisect", "0", "--search=false"))
	if a := o.Scenario.Load.Adaptive; a == nil || a.Search || a.Start != 0 {
		t.Errorf("qualify --concurrency 2 --search=false: adaptive %+v; want no search and no start", a)
	}
	o = shardOptions(t, arg("nosearch-sweep", "--search=false"))
	if a := o.Scenario.Load.Adaptive; a == nil || a.Search || a.Start != 0 {
		t.Errorf("qualify --search=false: adaptive %+v; want no search and no start", a)
	}

	checkUsageError(t, "--bisect: only applies after a sweep", append([]string{"run"}, arg("bisect", "--concurrency", "4", "--bisect", "3")...)...)
	checkUsageError(t, "--search: needs levels to search", append([]string{"run"}, arg("search", "--concurrency", "4", "--search")...)...)
}

// TestConcurrencyWithSweepOrRate: --concurrency given beside --sweep or
// --rate was dropped without a word (the sweep's levels or the rate ran);
// it is refused, pointing an open loop to --max-concurrency.
func TestConcurrencyWithSweepOrRate(t *testing.T) {
	for _, other := range [][]string{{"--sweep", "1,2"}, {"--rate", "10"}} {
		checkUsageError(t, "--concurrency goes with neither --sweep (the levels are its concurrencies) nor --rate (cap an open loop with --max-concurrency)",
			append([]string{"run", "--url", "http://127.0.0.1:1", "--model", "m", "--gpu-backend", "none", "--concurrency", "8", "--out", filepath.Join(t.TempDir(), "o")}, other...)...)
	}
}
