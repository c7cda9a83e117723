//go:build unix

package history

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOpenNotAFileSaysSo: a --store that is a named pipe or a device read
// as SQLite's "disk I/O error (10)" (or "(1034)" for /dev/null), and one
// that is a symbolic link into a missing directory, or to itself, as
// "unable to open database file (14)", naming no cause. Each says what
// the path is. A link to a file yet to be made in a directory that exists
// (where the store is to be) is a store: SQLite creates its target.
func TestOpenNotAFileSaysSo(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.db")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	dangling := filepath.Join(dir, "dangling.db")
	if err := os.Symlink(filepath.Join(dir, "gone", "history.db"), dangling); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop.db")
	if err := os.Symlink("loop.db", loop); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, want string
		reading    bool
	}{
		{fifo, "is not a regular file (a named pipe)", false},
		{fifo, "is not a regular file (a named pipe)", true},
		{os.DevNull, "is not a regular file (a device)", false},
		{dangling, "is a symbolic link to " + filepath.Join(dir, "gone", "history.db") + ", whose directory does not exist", false},
		{loop, "is a symbolic link that loops", false},
		{loop, "is a symbolic link that loops", true},
	} {
		s, err := OpenWith(t.Context(), c.path, OpenOptions{Reading: c.reading})
		if err == nil {
			s.Close()
			t.Errorf("%s (reading %v) opened as a store", c.path, c.reading)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s (reading %v): %q; want it to say %q", c.path, c.reading, err, c.want)
		}
	}
	planned := filepath.Join(dir, "planned.db")
	if err := os.Symlink("later/history.db", planned); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "later"), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := Open(t.Context(), planned)
	if err != nil {
		t.Fatalf("a link to a store yet to be made: %v", err)
	}
	s.Close()
	if _, err := os.Stat(filepath.Join(dir, "later", "history.db")); err != nil {
		t.Errorf("the link's target was not made: %v", err)
	}
}
