package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
