package rundir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCreateFileSaysWhatIsThere: a run file that cannot be created because
// something is at its path says what: a link (never written through), or a
// file, which on a fresh run directory means another run started on the
// same --out at the same moment (both passed Create; the loser read
// "something is already there (a file or a link)").
func TestCreateFileSaysWhatIsThere(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, RecordsFile), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := CreateFile(dir, RecordsFile); err == nil || !strings.Contains(err.Error(), "another run writing to the same --out?") {
		t.Errorf("a file there: %v", err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, ManifestFile)); err != nil {
		t.Skip(err)
	}
	if _, err := CreateFile(dir, ManifestFile); err == nil || !strings.Contains(err.Error(), "a link is there: refusing to write through it") {
		t.Errorf("a link there: %v", err)
	}
}
