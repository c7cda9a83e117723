package history

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
)

// TestPostgresLockedSaysSo: a PostgreSQL store whose runs table another
// session holds locked (a migration or maintenance in another job, a
// session left idle in its transaction) made history add wait as long as
// the other held it, without a word (measured: 39 s behind a 40 s lock;
// for ever behind a session that never ends), where a SQLite store gives
// up after its wait and says it is locked. The wait is bounded by the
// connect timeout, as SQLite's is, and the error says locked.
func TestPostgresLockedSaysSo(t *testing.T) {
	dsn := os.Getenv(envTestPostgres)
	if dsn == "" {
		t.Skipf("%s is not set: no PostgreSQL server to test against (.ci/setup-postgres.sh starts one)", envTestPostgres)
	}
	spec := freshSchema(t, dsn)
	openStore(t, spec) // the tables
	other, err := sql.Open("pgx", spec)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(t.Context(), "LOCK TABLE runs IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "run")
	writeRun(t, dir, "nightly", 50, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 1)
	e, _, err := NewEntry(dir, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	// Only a safety net: the test fails, not hangs, without the bound.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	s, err := OpenWith(ctx, spec, OpenOptions{ConnectTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Add(ctx, e)
	if err == nil || !strings.Contains(err.Error(), "locked") || ctx.Err() != nil {
		t.Errorf("history add behind another session's lock: %v (context: %v); want it to give up and say the store is locked", err, ctx.Err())
	}
}
