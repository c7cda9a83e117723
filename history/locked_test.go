package history

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOpenLockedSaysSo: a SQLite store that another process holds locked
// (a concurrent nightly job in a long write) fails naming the lock, not as
// "no answer within 10s: context deadline exceeded", a server's words that
// sent the reader looking for a network.
func TestOpenLockedSaysSo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(t.Context(), "ROLLBACK")
	for _, reading := range []bool{false, true} {
		s, err := OpenWith(t.Context(), path, OpenOptions{ConnectTimeout: 200 * time.Millisecond, Reading: reading})
		if err == nil {
			s.Close()
			t.Fatalf("reading %v: a locked store opened", reading)
		}
		if msg := err.Error(); strings.Contains(msg, "no answer") || !strings.Contains(msg, "locked") || !strings.Contains(msg, path) {
			t.Errorf("reading %v: Open(a locked store): %q; want it to name the file and say it is locked", reading, msg)
		}
	}
}
