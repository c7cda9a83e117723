package history

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenNotADatabaseSaysSo: a --store that is some other file fails at
// once with SQLite's reason, not as "no answer within 10s", which sent the
// reader looking for a slow server; the check read the ping's context after
// cancelling it, so every failure read as a timeout.
func TestOpenNotADatabaseSaysSo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "requests.jsonl")
	if err := os.WriteFile(path, []byte(`{"id":0,"stage":"measure"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(t.Context(), path)
	if err == nil {
		s.Close()
		t.Fatal("a JSON Lines file opened as a store")
	}
	if msg := err.Error(); strings.Contains(msg, "no answer within") || !strings.Contains(msg, "not a database") {
		t.Errorf("Open(a JSON Lines file): %q; want SQLite's reason (not a database), not a timeout", msg)
	}
}

// TestOpenADirectorySaysSo: a --store that is a directory says so, for
// reading and for writing, instead of SQLite's "unable to open database
// file (14)".
func TestOpenADirectorySaysSo(t *testing.T) {
	dir := t.TempDir()
	for _, reading := range []bool{false, true} {
		s, err := OpenWith(t.Context(), dir, OpenOptions{Reading: reading})
		if err == nil {
			s.Close()
			t.Fatalf("reading %v: a directory opened as a store", reading)
		}
		if msg := err.Error(); !strings.Contains(msg, "is a directory: give the store's file") {
			t.Errorf("reading %v: Open(a directory) = %q; want it to say it is a directory", reading, msg)
		}
	}
}
