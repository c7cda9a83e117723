//go:build unix

package tokenizer

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLoadFIFOWithoutWriter: --tokenizer naming a named pipe that no
// program writes to (mkfifo'd and forgotten) hung the run before its load,
// in open(2), where no signal ended it (timeout's SIGTERM did not; only
// SIGKILL). It is refused at once, naming the pipe, as a scenario's data
// files are.
func TestLoadFIFOWithoutWriter(t *testing.T) {
	p := filepath.Join(t.TempDir(), "tokenizer.json")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	_, err := Load(p)
	if err == nil || !strings.Contains(err.Error(), p+": a named pipe that no program writes to") {
		t.Errorf("Load of a pipe without a writer: %v, want the pipe named", err)
	}
}
