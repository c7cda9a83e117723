package history

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
)

// TestAddLockedByAReaderSaysSo: a store another process holds locked
// failed history add in two wordings: held by a writer, "still locked by
// another process after 10s (another job writing the history?)" when the
// store was opened; held by a reader (a long query, a sqlite3 shell in a
// transaction), "database is locked (5) (SQLITE_BUSY)" when the run was
// written, with no word of what to do. Both say it alike.
func TestAddLockedByAReaderSaysSo(t *testing.T) {
	ctx, root := t.Context(), t.TempDir()
	path := filepath.Join(root, "history.db")
	s := openStore(t, path)
	first, second := filepath.Join(root, "n1"), filepath.Join(root, "n2")
	writeRun(t, first, "nightly", 50, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 1)
	writeRun(t, second, "nightly", 50, time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), 2)
	addRun(t, s, first)
	s.Close()

	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	hold := func(begin string) {
		t.Helper()
		if _, err := conn.ExecContext(ctx, begin); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM runs").Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	const wait = 200 * time.Millisecond
	words := "still locked by another process after " + wait.String() + " (another job reading or writing the history?)"

	hold("BEGIN") // a reader's lock, held until ROLLBACK
	w, err := OpenWith(ctx, path, OpenOptions{ConnectTimeout: wait})
	if err != nil {
		t.Fatal(err)
	}
	e, _, err := NewEntry(second, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Add(ctx, e)
	w.Close()
	if err == nil || !strings.Contains(err.Error(), words) || !strings.Contains(err.Error(), path) {
		t.Errorf("Add while a reader holds the store: %v; want %q", err, words)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}

	hold("BEGIN EXCLUSIVE") // a writer's
	defer conn.ExecContext(ctx, "ROLLBACK")
	_, err = OpenWith(ctx, path, OpenOptions{ConnectTimeout: wait})
	if err == nil || !strings.Contains(err.Error(), words) {
		t.Errorf("Open while a writer holds the store: %v; want %q", err, words)
	}
}
