package rundir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTelemetryErrorNamesTheRunsFile: a line of server.jsonl that does not
// decode is named with the file's path, so that a report of several runs
// says whose it is (it said "server.jsonl line 2" of any of them).
func TestTelemetryErrorNamesTheRunsFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ServerFile), []byte("{}\n{\"bad\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rd := &Run{Dir: dir}
	_, err := rd.ServerSamples()
	if want := filepath.Join(dir, ServerFile) + " line 2: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("ServerSamples() = %v; want an error starting %q", err, want)
	}
}
