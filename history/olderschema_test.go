package history

import (
	"bytes"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
)

// storeVersion is the schema version the SQLite store at path says it has.
func storeVersion(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestReadingAnOlderStoreLeavesItsSchema: a store of schema version 3 (an
// inferbench of 2026-11-27 filled it) was migrated to version 4 by
// today's `history list`, `show`, `trend` and a compare against
// history:…, commands that only read; from then on the inferbench that
// fills it (a nightly job pinned to its version, sharing the store) was
// refused: "store schema version 4 is newer than this inferbench's 3:
// upgrade inferbench". A reader reads the older schema as it is (a run
// of before new_level is marked no new level); `history add` still
// brings it up to date.
func TestReadingAnOlderStoreLeavesItsSchema(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "h.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	for day := 1; day <= 2; day++ {
		addRun(t, s, dayRun(t, root, "night"+string(rune('0'+day)), day, nil))
	}
	for _, q := range []string{`ALTER TABLE runs DROP COLUMN new_level`, `DELETE FROM schema_migrations WHERE version = 4`} {
		if _, err := s.db.ExecContext(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	var stdout, stderr bytes.Buffer
	if err := RunList(t.Context(), CommandOptions{Store: path}, &stdout, &stderr); err != nil || !strings.Contains(stdout.String(), "night2") {
		t.Errorf("history list of a version 3 store: %v\n%s", err, stdout.String())
	}
	if err := RunShow(t.Context(), CommandOptions{Store: path, Args: []string{"1"}}, &stdout, &stderr); err != nil {
		t.Errorf("history show of a version 3 store: %v", err)
	}
	if err := RunTrend(t.Context(), CommandOptions{Store: path, Metric: "ttft_p95"}, &stdout, &stderr); err != nil {
		t.Errorf("history trend of a version 3 store: %v", err)
	}
	cand, err := compare.LoadRun(dayRun(t, root, "cand", 5, nil), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := ResolveBaseline(t.Context(), path, "history:median-of-3", cand); err != nil || len(b.Summaries) != 2 {
		t.Errorf("history:median-of-3 of a version 3 store: %d summaries, %v; want the 2 runs", len(b.Summaries), err)
	}
	if v := storeVersion(t, path); v != 3 {
		t.Errorf("after list, show, trend and a compare the store is at schema version %d; want 3, as the inferbench that fills it left it", v)
	}
	if err := RunAdd(t.Context(), CommandOptions{Store: path, Args: []string{dayRun(t, root, "night3", 3, nil)}}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if v := storeVersion(t, path); v != SchemaVersion() {
		t.Errorf("after history add the store is at schema version %d; want %d", v, SchemaVersion())
	}
}
