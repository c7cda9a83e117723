package rundir

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteFileWithNamesWhatIsInTheWay: writing a file (compare --junit,
// --markdown; summary.json) where a directory is says so, of the path asked
// for, and leaves no temporary file behind; before, it was "write DIR: file
// exists". A write into a directory that does not exist names the file.
func TestWriteFileWithNamesWhatIsInTheWay(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "reports")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	err := WriteFileWith(dir, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err })
	if want := "write " + dir + ": it is a directory; name a file"; err == nil || err.Error() != want {
		t.Errorf("WriteFileWith(a directory) = %v; want %q", err, want)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 1 {
		t.Errorf("%d entries in %s; want the directory alone", len(entries), root)
	}
	missing := filepath.Join(root, "nodir", "x.xml")
	err = WriteFileWith(missing, func(w io.Writer) error { return nil })
	if err == nil || !strings.HasPrefix(err.Error(), "write "+missing+": ") || strings.Contains(err.Error(), ".x.xml.") {
		t.Errorf("WriteFileWith(in a missing directory) = %v; want it to name %s, not a temporary file", err, missing)
	}
}
