package history

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCreateStoreWhereNothingCanBeWrittenSaysWhy: a CI job whose
// INFERBENCH_STORE points into a directory it cannot write (a read-only
// mount, another user's directory) was told "history PATH: unable to open
// database file (14)", SQLite's code, naming no cause. Creating the store
// now says what the system said ("read-only file system", "permission
// denied"), on one line, and leaves nothing behind.
func TestCreateStoreWhereNothingCanBeWrittenSaysWhy(t *testing.T) {
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		// Permissions do not stop root; sysfs refuses a new file to
		// everyone ("permission denied").
		dir = "/sys"
	} else if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, "inferbench-test-history.db")
	if _, err := os.Stat(store); err == nil {
		t.Skipf("%s exists", store)
	}
	s, err := Open(t.Context(), store)
	if err == nil {
		s.Close()
		os.Remove(store)
		t.Skipf("%s could be created here", store)
	}
	msg := err.Error()
	if strings.Contains(msg, "(14)") || !strings.Contains(msg, "cannot create the store") ||
		!(strings.Contains(msg, "permission denied") || strings.Contains(msg, "read-only file system")) {
		t.Errorf("creating a store in %s: %q; want why it cannot be created, in the system's words", dir, msg)
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error of more than one line: %q", msg)
	}
	if _, err := os.Stat(store); err == nil {
		t.Errorf("%s was left behind", store)
	}
}
