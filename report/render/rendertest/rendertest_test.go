package rendertest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// The same Spec writes the same bytes: golden files built on it are stable.
func TestWriteRunDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if err := WriteRun(d, A100()); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{rundir.ManifestFile, rundir.RecordsFile, rundir.GPUFile, rundir.ServerFile} {
		x, err := os.ReadFile(filepath.Join(a, f))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) || len(x) == 0 {
			t.Errorf("%s differs between two writes of one Spec (or is empty)", f)
		}
	}
	// 4 levels × (4 warm-up + 40 measured) records.
	m, err := rundir.ReadManifest(a)
	if err != nil || m.Records != 176 {
		t.Errorf("manifest records = %v, %v; want 176", m, err)
	}
}
