package compare

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestResamplesBounded: compare --resamples 100000000 had no upper bound
// (gigabytes, minutes); more than MaxResamples is refused before a run is
// read, and by Compare, as is a negative number (which panicked).
func TestResamplesBounded(t *testing.T) {
	dir := t.TempDir()
	o := GateOptions{Baseline: filepath.Join(dir, "none-1"), Candidate: filepath.Join(dir, "none-2"), Resamples: 100_000_000,
		Resolve: func(string, *Run) (Baseline, error) { t.Fatal("a run was resolved"); return Baseline{}, nil }}
	var out, errw bytes.Buffer
	err := Gate(o, &out, &errw)
	if err == nil || !strings.HasPrefix(err.Error(), "--resamples 100000000: want at most 1,000,000 (") {
		t.Errorf("Gate with 100,000,000 resamples: %v; want refused before reading a run", err)
	}
	b := load(t, base())
	for _, n := range []int{MaxResamples + 1, -1} {
		if _, err := Compare(RunBaseline(b), b, Options{Resamples: n}); err == nil || !strings.HasPrefix(err.Error(), "--resamples ") {
			t.Errorf("Compare with %d resamples: %v; want refused", n, err)
		}
	}
}
