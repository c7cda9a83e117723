package history

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
)

// TestAddRacingTheSameRun: two `history add` of one run at once (a CI step
// retried while the first try still runs, two jobs adding one artifact)
// both find the run absent, and the second one's insert waits on the
// first's; on PostgreSQL it then failed with the unique constraint's
// error ("duplicate key value violates unique constraint
// runs_fingerprint_key (SQLSTATE 23505)", exit 2: measured in 3 of 6
// races of four adds) instead of saying the run is already there, as a
// retried add does. The first add is held open here, its row written and
// not committed, while the second waits on it.
func TestAddRacingTheSameRun(t *testing.T) {
	stores(t, func(t *testing.T, spec string) {
		ctx := t.Context()
		dir := filepath.Join(t.TempDir(), "run")
		writeRun(t, dir, "nightly", 50, time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC), 1)
		e, _, err := NewEntry(dir, report.SLO{})
		if err != nil {
			t.Fatal(err)
		}
		first, second := openStore(t, spec), openStore(t, spec)
		tx, err := first.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		var id int64
		now := time.Now().UTC().Format(timeLayout)
		if err := tx.QueryRowContext(ctx, first.d.bind(`INSERT INTO runs (fingerprint, added_at, started_at, run_dir, scenario, model,
			target_kind, target_url, tool_version, host, exit_state, manifest, summary, new_level)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id`),
			e.Fingerprint, now, now, e.RunDir, e.Scenario, e.Model, e.TargetKind, e.TargetURL, e.ToolVersion, e.Host,
			e.ExitState, string(e.Manifest), "null").Scan(&id); err != nil {
			t.Fatal(err)
		}
		type added struct {
			id  int64
			err error
		}
		done := make(chan added)
		go func() {
			id, err := second.Add(ctx, e)
			done <- added{id, err}
		}()
		if first.Backend() == "postgres" {
			// Commit once the second add waits on the first's transaction:
			// its insert, past its own look-up.
			var xid string
			if err := tx.QueryRowContext(ctx, `SELECT pg_current_xact_id()::text`).Scan(&xid); err != nil {
				t.Fatal(err)
			}
			for {
				var waiting int
				if err := first.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_locks
					WHERE NOT granted AND locktype = 'transactionid' AND transactionid::text = $1`, xid).Scan(&waiting); err != nil {
					t.Fatal(err)
				}
				if waiting > 0 {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		got := <-done
		if dup, ok := errors.AsType[*DuplicateError](got.err); !ok || dup.ID != id {
			t.Errorf("an add racing another of the same run: #%d, %v; want it already in the history as #%d", got.id, got.err, id)
		}
	})
}
