package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestPricedLevel: a summary with a capacity at SLO is priced at that level
// (level 4, though level 8 serves more); without one, at the level with the
// highest output throughput (level 8, 300 tok/s against 200 and 0); with no
// level serving a token, nothing is priced.
func TestPricedLevel(t *testing.T) {
	levels := []Level{
		{Level: 2, OutputTokensPerS: 0},
		{Level: 4, OutputTokensPerS: 200, TotalTokensPerS: 600, RequestsPerS: 2, WindowS: 10},
		{Level: 8, OutputTokensPerS: 300, TotalTokensPerS: 900, RequestsPerS: 3, WindowS: 12},
	}
	for _, c := range []struct {
		name      string
		s         Summary
		ok        bool
		level     float64
		basis     string
		words     string
		outTokens float64
	}{
		{"capacity", Summary{Levels: levels, Capacity: &Capacity{Level: 4}}, true, 4, BasisCapacity, "capacity at SLO (level 4)", 200},
		// A lower bound is said as one: cost --run printed "capacity at
		// SLO (level 8)" of a run whose every level met the SLO.
		{"capacity a lower bound", Summary{Levels: levels, Capacity: &Capacity{Level: 4, LowerBound: true}}, true, 4, BasisCapacity,
			"capacity at SLO (level 4), a lower bound: the highest level run met the SLO and more load was not tried", 200},
		{"highest", Summary{Levels: levels}, true, 8, BasisHighest, "highest-throughput level 8 (summary.json has no capacity at SLO)", 300},
		{"capacity level missing", Summary{Levels: levels, Capacity: &Capacity{Level: 16}}, true, 8, BasisHighest, "", 300},
		{"no tokens", Summary{Levels: levels[:1]}, false, 0, "", "", 0},
	} {
		p, ok := PricedLevel(&c.s)
		if ok != c.ok || p.Level.Level != c.level || p.Basis != c.basis {
			t.Errorf("%s: PricedLevel = %g %q %v, want %g %q %v", c.name, p.Level.Level, p.Basis, ok, c.level, c.basis, c.ok)
		}
		if tp := p.Throughput(); tp.OutputTokensPerS != c.outTokens || tp.TotalTokensPerS != 3*c.outTokens || tp.RequestsPerS != c.outTokens/100 {
			t.Errorf("%s: Throughput = %+v, want %g output tok/s", c.name, tp, c.outTokens)
		}
		if c.words != "" && p.BasisWords() != c.words {
			t.Errorf("%s: BasisWords = %q, want %q", c.name, p.BasisWords(), c.words)
		}
	}
}

// TestRunPricedLevel reads the priced level of a summary.json on disk, and
// says which directory has none.
func TestRunPricedLevel(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, rundir.SummaryFile), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"levels":[{"level":4,"output_tokens_per_s":200,"total_tokens_per_s":600,"requests_per_s":2,"window_s":10}]}`)
	rl, err := RunPricedLevel(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rl.Level != 4 || rl.WindowS != 10 || rl.Throughput.OutputTokensPerS != 200 || !strings.HasPrefix(rl.Basis, "highest-throughput level 4") || rl.Simulated {
		t.Errorf("RunPricedLevel = %+v", rl)
	}
	// A run against the mock is priced as simulated (cost and crossover say
	// SIMULATED).
	if err := rundir.WriteManifest(dir, &rundir.Manifest{Target: rundir.TargetInfo{Kind: "mock"}}); err != nil {
		t.Fatal(err)
	}
	if rl, err := RunPricedLevel(dir); err != nil || !rl.Simulated {
		t.Errorf("RunPricedLevel of a mock run = %+v, %v; want Simulated", rl, err)
	}
	write(`{"levels":[{"level":4}]}`)
	if _, err := RunPricedLevel(dir); err == nil || !strings.Contains(err.Error(), "no level with output throughput") {
		t.Errorf("RunPricedLevel of a summary without tokens: err = %v", err)
	}
}

// TestReadSummaryBounded: a summary.json that links to something endless
// is refused at rundir.MaxSummarySize, so `cost --run DIR` cannot hang on it.
func TestReadSummaryBounded(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(dir, rundir.SummaryFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := RunPricedLevel(dir); err == nil || !strings.Contains(err.Error(), "larger than 64 MiB: not a summary.json") {
		t.Errorf("RunPricedLevel with summary.json → /dev/zero: %v; want the bound", err)
	}
}

// TestRunPricedLevelRefusesABadManifest: a run.json that is there but
// cannot be read or parsed is refused, naming run.json and the problem:
// taken as missing, a mock run was priced without SIMULATED and a shard as
// if it were the whole run. A run with no run.json at all is still priced
// from its summary (not known to be simulated, nor a shard).
func TestRunPricedLevelRefusesABadManifest(t *testing.T) {
	newRun := func(t *testing.T) string {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, rundir.SummaryFile), []byte(`{"levels":[{"level":4,"output_tokens_per_s":200,"total_tokens_per_s":600,"requests_per_s":2,"window_s":10}]}`), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	if rl, err := RunPricedLevel(newRun(t)); err != nil || rl.Level != 4 || rl.Simulated {
		t.Errorf("RunPricedLevel without run.json = %+v, %v; want level 4 priced, not simulated", rl, err)
	}
	for name, c := range map[string]struct {
		make func(path string) error
		want string
	}{
		"cut short":       {func(p string) error { return os.WriteFile(p, []byte(`{"target":{"kind":"mock"},"shard":{"in`), 0o644) }, "unexpected end of JSON input"},
		"wrong type":      {func(p string) error { return os.WriteFile(p, []byte(`{"shard":"0/2"}`), 0o644) }, "shard"},
		"not an object":   {func(p string) error { return os.WriteFile(p, []byte("null\n"), 0o644) }, "not a JSON object"},
		"a directory":     {func(p string) error { return os.Mkdir(p, 0o755) }, "is a directory"},
		"a dangling link": {func(p string) error { return os.Symlink("nowhere.json", p) }, "no such file"},
		"unreadable": {func(p string) error {
			if os.Geteuid() == 0 {
				return os.Mkdir(p, 0o755) // root reads any file: as a directory
			}
			return os.WriteFile(p, []byte(`{"target":{"kind":"mock"}}`), 0o000)
		}, ""},
	} {
		dir := newRun(t)
		path := filepath.Join(dir, rundir.ManifestFile)
		if err := c.make(path); err != nil {
			t.Fatal(err)
		}
		rl, err := RunPricedLevel(dir)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: RunPricedLevel = %+v, %v; want an error naming %s and %q", name, rl, err, path, c.want)
		}
	}
}

// TestRunPricedLevelSaysLowerBound: a run whose capacity is a lower bound
// reaches the cost commands flagged (cost.RunLevel.LowerBound), which say
// what that makes upper bounds in their own figures; a capacity that is
// not, and the highest level of a run without one, are not flagged.
func TestRunPricedLevelSaysLowerBound(t *testing.T) {
	for _, tc := range []struct {
		capacity string
		want     bool
	}{
		{`,"capacity":{"level":4,"output_tokens_per_s":200,"lower_bound":true}`, true},
		{`,"capacity":{"level":4,"output_tokens_per_s":200}`, false},
		{``, false},
	} {
		dir := t.TempDir()
		summary := `{"levels":[{"level":4,"output_tokens_per_s":200,"total_tokens_per_s":600,"requests_per_s":2,"window_s":10}]` + tc.capacity + `}`
		if err := os.WriteFile(filepath.Join(dir, rundir.SummaryFile), []byte(summary), 0o644); err != nil {
			t.Fatal(err)
		}
		if rl, err := RunPricedLevel(dir); err != nil || rl.LowerBound != tc.want {
			t.Errorf("capacity %s: RunPricedLevel = %+v, %v; want LowerBound %v", tc.capacity, rl, err, tc.want)
		}
	}
}
