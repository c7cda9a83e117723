package history

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// EnvTestPostgres names a PostgreSQL DSN the tests also run against
// (.ci/setup-postgres.sh starts a server and exports it).
const envTestPostgres = "INFERBENCH_TEST_POSTGRES"

// writeRun writes a run directory with n measured requests at concurrency
// 4 whose TTFT is ttftMS plus seeded noise of ±1 ms, 10 output tokens 10 ms
// apart, started at start.
// nightlyOn writes a nightly run to dir with TTFT ttftMS, started day days
// after 2026-05-01 02:00 UTC and seeded by day: one run of a history.
func nightlyOn(t *testing.T, dir string, ttftMS float64, day int) {
	t.Helper()
	start := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC).Add(time.Duration(day) * 24 * time.Hour)
	writeRun(t, dir, "nightly", ttftMS, start, uint64(day))
}

func writeRun(t *testing.T, dir, scenario string, ttftMS float64, start time.Time, seed uint64) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sc, _ := json.Marshal(map[string]any{"name": scenario, "load": map[string]any{"concurrency": 4}})
	m := &rundir.Manifest{Tool: "inferbench", Version: "test", Host: rundir.Host{Name: "ci"},
		Target:   rundir.TargetInfo{Kind: "vllm", URL: "http://user:secret@127.0.0.1:8000", Model: "m"},
		Scenario: sc, Start: start, ExitState: rundir.ExitComplete}
	if err := rundir.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	var b bytes.Buffer
	for i := range 40 {
		sent := int64(i) * 50e6
		first := sent + int64((ttftMS+2*rng.Float64()-1)*1e6)
		var chunks [][2]int64
		for k := range 10 {
			chunks = append(chunks, [2]int64{first + int64(k)*10e6, 1})
		}
		end := chunks[9][0]
		rec := rundir.Record{ID: uint64(i), Stage: rundir.StageMeasure, Level: 4, SentNS: sent, ScheduledNS: sent,
			FirstByteNS: first, FirstTokenNS: first, EndNS: end, DoneNS: end, Chunks: chunks, InputTokens: 100,
			OutputTokens: 10, OK: true, Status: 200}
		line, _ := json.Marshal(rec)
		b.Write(append(line, '\n'))
	}
	if err := os.WriteFile(filepath.Join(dir, rundir.RecordsFile), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// stores runs f against a fresh SQLite store and, when
// INFERBENCH_TEST_POSTGRES is set, a fresh schema of that PostgreSQL
// database; without it the PostgreSQL case is skipped with a message.
func stores(t *testing.T, f func(t *testing.T, spec string)) {
	t.Run("sqlite", func(t *testing.T) { f(t, filepath.Join(t.TempDir(), "sub", "history.db")) })
	t.Run("postgres", func(t *testing.T) {
		dsn := os.Getenv(envTestPostgres)
		if dsn == "" {
			t.Skipf("%s is not set: no PostgreSQL server to test against (.ci/setup-postgres.sh starts one)", envTestPostgres)
		}
		f(t, freshSchema(t, dsn))
	})
}

// openStore opens the store spec names, closed when the test ends.
func openStore(t *testing.T, spec string) *Store {
	t.Helper()
	s, err := Open(t.Context(), spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// freshSchema creates a schema of its own for the test in the database dsn
// names, dropped at the end, and returns a DSN whose search_path is it.
func freshSchema(t *testing.T, dsn string) string {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	schema := fmt.Sprintf("t_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := db.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("%s: %v", Redact(dsn), err)
	}
	t.Cleanup(func() { db.Exec("DROP SCHEMA " + schema + " CASCADE") })
	sep := "?"
	if bytes.ContainsRune([]byte(dsn), '?') {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

func TestStoreAddGetList(t *testing.T) {
	stores(t, func(t *testing.T, spec string) {
		ctx := t.Context()
		s := openStore(t, spec)
		base := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
		dirs := t.TempDir()
		var ids []int64
		for i := range 4 {
			scenario := "nightly"
			if i == 2 {
				scenario = "batch"
			}
			dir := filepath.Join(dirs, fmt.Sprint(i))
			writeRun(t, dir, scenario, 50+float64(i), base.Add(time.Duration(i)*24*time.Hour), uint64(i))
			e, _, err := NewEntry(dir, report.SLO{})
			if err != nil {
				t.Fatal(err)
			}
			id, err := s.Add(ctx, e)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
			if e.TargetURL != "http://127.0.0.1:8000" {
				t.Errorf("target URL stored as %q; want the credentials stripped", e.TargetURL)
			}
		}
		// The same run again is refused, naming the entry it is.
		e, _, _ := NewEntry(filepath.Join(dirs, "1"), report.SLO{})
		var dup *DuplicateError
		if _, err := s.Add(ctx, e); !errors.As(err, &dup) || dup.ID != ids[1] {
			t.Errorf("Add(same run) = %v; want DuplicateError #%d", err, ids[1])
		}
		got, err := s.Get(ctx, ids[1])
		if err != nil {
			t.Fatal(err)
		}
		want, _, _ := NewEntry(filepath.Join(dirs, "1"), report.SLO{})
		want.ID, want.AddedAt = got.ID, got.AddedAt
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmpopts.IgnoreUnexported(Entry{})); diff != "" {
			t.Errorf("Get(#%d) differs from what was added (-want +got):\n%s", ids[1], diff)
		}
		if _, err := s.Get(ctx, 9999); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(9999) = %v; want ErrNotFound", err)
		}
		list, err := s.List(ctx, Filter{Scenario: "nightly"})
		if err != nil {
			t.Fatal(err)
		}
		var listed []int64
		for _, e := range list {
			listed = append(listed, e.ID)
		}
		if want := []int64{ids[3], ids[1], ids[0]}; !slices.Equal(listed, want) {
			t.Errorf("List(nightly) = %v; want newest first %v", listed, want)
		}
		list, _ = s.List(ctx, Filter{Scenario: "nightly", Limit: 1, ExcludeFingerprint: list[0].Fingerprint})
		if len(list) != 1 || list[0].ID != ids[1] {
			t.Errorf("List(limit 1, excluding the newest) = %v; want #%d", list, ids[1])
		}
	})
}

func TestStoreTrendAndPlot(t *testing.T) {
	stores(t, func(t *testing.T, spec string) {
		ctx := t.Context()
		s := openStore(t, spec)
		var want []float64
		for i := range 7 {
			dir := filepath.Join(t.TempDir(), "run")
			nightlyOn(t, dir, 50+5*float64(i%3), i)
			e, _, err := NewEntry(dir, report.SLO{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Add(ctx, e); err != nil {
				t.Fatal(err)
			}
			want = append(want, e.Summary.Levels[0].TTFTMS.P95)
		}
		pts, err := s.Trend(ctx, "ttft_p95", Filter{Scenario: "nightly", Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		var got []float64
		for i, p := range pts {
			got = append(got, p.Value)
			if p.Level != 4 || (i > 0 && p.Started.Before(pts[i-1].Started)) {
				t.Errorf("point %d = %+v; want level 4, oldest first", i, p)
			}
		}
		if !slices.Equal(got, want[2:]) {
			t.Errorf("Trend(ttft_p95, last 5) = %v; want the summaries' TTFT p95 %v", got, want[2:])
		}
		if _, err := s.Trend(ctx, "ttft_p42", Filter{}); err == nil {
			t.Error("Trend(unknown metric) succeeded")
		}
		p, err := TrendPlot("ttft_p95", pts, "scenario nightly")
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteTrendPlot(&buf, p, "png"); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 8*144 || b.Dy() != 648 {
			t.Errorf("plot is %v; want 1152×648 (8×4.5 in at the reports' 144 dpi)", b)
		}
		os.WriteFile(filepath.Join(t.ArtifactDir(), "trend.png"), buf.Bytes(), 0o644)
	})
}

// TestMigrations: a store is migrated once to SchemaVersion, reopening
// applies nothing, and a store from a newer build is refused.
func TestMigrations(t *testing.T) {
	stores(t, func(t *testing.T, spec string) {
		ctx := t.Context()
		for range 2 {
			s, err := Open(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			var n, max int
			if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &max); err != nil {
				t.Fatal(err)
			}
			if n != len(migrations()) || max != SchemaVersion() {
				t.Errorf("schema_migrations: %d rows, max %d; want %d, %d", n, max, len(migrations()), SchemaVersion())
			}
			if _, err := s.db.ExecContext(ctx, s.d.bind(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), 0, "x"); err != nil {
				t.Fatal(err) // version 0 is below every real one: harmless
			}
			s.db.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = 0`)
			s.Close()
		}
		s, _ := Open(ctx, spec)
		s.db.ExecContext(ctx, s.d.bind(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), SchemaVersion()+1, "x")
		s.Close()
		if _, err := Open(ctx, spec); err == nil {
			t.Error("Open(store of a newer schema) succeeded; want refused")
		}
	})
}

func TestBind(t *testing.T) {
	if got := dialectOf(true).bind("a = ? AND b = ?"); got != "a = $1 AND b = $2" {
		t.Errorf("postgres bind = %q", got)
	}
	if got := dialectOf(false).bind("a = ?"); got != "a = ?" {
		t.Errorf("sqlite bind = %q", got)
	}
}

func TestRedact(t *testing.T) {
	if got := Redact("postgres://u:pw@h/db"); got != "postgres://u:xxxxx@h/db" {
		t.Errorf("Redact = %q", got)
	}
}
