package history

import (
	"bytes"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
)

// TestReadingAMissingStoreSaysSo: history list of a store path that does
// not exist (a typo, a link to nothing) printed an empty table and exited
// 0, trend said "no ttft_p95 values", show "#1: no such history entry":
// a wrong path read as an empty history. Each says the store does not
// exist, in the words compare uses. A file of 0 bytes (an empty SQLite
// database) is an empty store, and reading it writes nothing to it: list
// and compare wrote the schema into it.
func TestReadingAMissingStoreSaysSo(t *testing.T) {
	ctx, root := t.Context(), t.TempDir()
	dangling := filepath.Join(root, "dangling.db")
	if err := os.Symlink(filepath.Join(root, "nowhere", "x.db"), dangling); err != nil {
		t.Fatal(err)
	}
	for _, store := range []string{filepath.Join(root, "typo", "history.db"), dangling} {
		var stdout, stderr bytes.Buffer
		for name, run := range map[string]func() error{
			"list":  func() error { return RunList(ctx, CommandOptions{Store: store}, &stdout, &stderr) },
			"trend": func() error { return RunTrend(ctx, CommandOptions{Store: store, Metric: "ttft_p95"}, &stdout, &stderr) },
			"show":  func() error { return RunShow(ctx, CommandOptions{Store: store, Args: []string{"1"}}, &stdout, &stderr) },
			"remove": func() error {
				return RunRemove(ctx, CommandOptions{Store: store, Args: []string{"1"}}, &stdout, &stderr)
			},
			"mark": func() error { return RunMark(ctx, CommandOptions{Store: store, Args: []string{"1"}}, &stdout, &stderr) },
		} {
			err := run()
			if err == nil || !strings.Contains(err.Error(), "does not exist: nothing was ever added there") || !strings.Contains(err.Error(), store) {
				t.Errorf("history %s --store %s: %v; want it to say the store does not exist", name, store, err)
			}
		}
		if stdout.Len() > 0 {
			t.Errorf("reading %s printed %q", store, stdout.String())
		}
	}
	if _, err := os.Lstat(filepath.Join(root, "nowhere")); err == nil {
		t.Error("reading through a dangling link created its directory")
	}

	zero := filepath.Join(root, "zero.db")
	if err := os.WriteFile(zero, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	if err := RunList(ctx, CommandOptions{Store: zero}, &stdout, &stdout); err != nil {
		t.Errorf("history list of an empty file: %v; want an empty store", err)
	}
	run := filepath.Join(root, "run")
	writeRun(t, run, "nightly", 50, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 1)
	cand, err := compare.LoadRun(run, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ResolveBaseline(ctx, zero, "history:latest", cand); !errors.Is(err, ErrNoBaseline) || strings.Contains(err.Error(), "does not exist") {
		t.Errorf("history:latest of an empty file: %v; want no baseline, the file existing", err)
	}
	if fi, err := os.Stat(zero); err != nil || fi.Size() != 0 {
		t.Errorf("reading an empty file wrote to it: %v, %v", fi.Size(), err)
	}
	if err := RunAdd(ctx, CommandOptions{Store: zero, Args: []string{run}}, &stdout, &stdout); err != nil {
		t.Fatalf("history add to an empty file: %v", err)
	}
	stdout.Reset()
	if err := RunList(ctx, CommandOptions{Store: zero}, &stdout, &stdout); err != nil || !strings.Contains(stdout.String(), run) {
		t.Errorf("history list after add: %v\n%s", err, stdout.String())
	}
}

// TestReadingAnEmptyStoreWritesNothing: a store nothing was added to (a
// SQLite file of 0 bytes, a PostgreSQL schema without tables) is read as
// empty, and reading it creates no table in it: only history add makes a
// store's schema.
func TestReadingAnEmptyStoreWritesNothing(t *testing.T) {
	stores(t, func(t *testing.T, spec string) {
		pg := IsPostgres(spec)
		if !pg {
			if err := os.MkdirAll(filepath.Dir(spec), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(spec, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		var out bytes.Buffer
		if err := RunList(t.Context(), CommandOptions{Store: spec}, &out, &out); err != nil {
			t.Fatalf("history list of an empty store: %v", err)
		}
		if err := RunShow(t.Context(), CommandOptions{Store: spec, Args: []string{"1"}}, &out, &out); !errors.Is(err, ErrNotFound) {
			t.Errorf("history show 1 of an empty store: %v; want no such entry", err)
		}
		if !pg {
			if fi, err := os.Stat(spec); err != nil || fi.Size() != 0 {
				t.Errorf("reading a file of 0 bytes wrote to it: %v", err)
			}
			return
		}
		db, err := sql.Open("pgx", spec)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("reading an empty schema created %d tables in it", n)
		}
	})
}
