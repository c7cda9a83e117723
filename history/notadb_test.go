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
