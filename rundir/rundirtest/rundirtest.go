// Package rundirtest edits run directories for tests: the run.json of a
// run written by a test helper, changed as a real run would have left it
// (interrupted, still going, on other hardware, simulated).
package rundirtest

import (
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// EditManifest reads dir/run.json, applies edit to it and writes it back,
// failing the test on an error.
func EditManifest(t testing.TB, dir string, edit func(m *rundir.Manifest)) {
	t.Helper()
	m, err := rundir.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	edit(m)
	if err := rundir.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
}
