//go:build unix

package rundir

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCountRecordsEndsOnAPipeAndAnEndlessFile: a requests.jsonl that is a
// named pipe is refused, as Open refuses it, and one that never ends
// (/dev/zero) is refused at MaxRecordLine by Records. Before, countLines
// opened the pipe with os.Open, waiting for a writer that never came, and
// read /dev/zero to no end: the cost commands (readFreshSummary) hung.
func TestCountRecordsEndsOnAPipeAndAnEndlessFile(t *testing.T) {
	pipe := t.TempDir()
	records := filepath.Join(pipe, RecordsFile)
	if err := syscall.Mkfifo(records, 0o644); err != nil {
		t.Skip("no named pipes here:", err)
	}
	if err := countWithin(t, pipe); err == nil || !strings.Contains(err.Error(), "is a named pipe") {
		t.Errorf("CountRecords(requests.jsonl a pipe) = %v; want it refused", err)
	}
	endless := t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(endless, RecordsFile)); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here:", err)
	}
	if err := countWithin(t, endless); err == nil || !strings.Contains(err.Error(), "a line longer than") {
		t.Errorf("CountRecords(requests.jsonl → /dev/zero) = %v; want the line bound said", err)
	}
}
