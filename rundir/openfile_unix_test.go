//go:build unix

package rundir

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOpenRefusesANamedPipe: a requests.jsonl that is a named pipe (or a
// directory) is refused by Open, naming it; a run.json or gpu.jsonl that is
// one is left out with a warning or an error, never opened. Before, opening
// the pipe waited for a writer: report hung until killed.
func TestOpenRefusesANamedPipe(t *testing.T) {
	dir := t.TempDir()
	records := filepath.Join(dir, RecordsFile)
	if err := syscall.Mkfifo(records, 0o644); err != nil {
		t.Skip("no named pipes here:", err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), records+" is a named pipe, not a file") {
		t.Fatalf("Open(requests.jsonl a pipe) = %v; want it refused, named", err)
	}
	os.Remove(records)
	if err := os.Mkdir(records, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), records+" is a directory, not a file") {
		t.Errorf("Open(requests.jsonl a directory) = %v; want it refused, named", err)
	}
	os.Remove(records)
	if err := os.WriteFile(records, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{ManifestFile, GPUFile} {
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rd, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rd.Warnings) != 1 || !strings.Contains(rd.Warnings[0], "run.json is a named pipe") {
		t.Errorf("warnings %q; want run.json's pipe named", rd.Warnings)
	}
	if _, err := rd.GPUSamples(); err == nil || !strings.Contains(err.Error(), "gpu.jsonl is a named pipe") {
		t.Errorf("GPUSamples() = %v; want gpu.jsonl's pipe named", err)
	}
}
