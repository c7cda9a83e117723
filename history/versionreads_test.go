package history

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"modernc.org/sqlite"
)

// versionReads counts, by SQLite store file, the statements that read
// schema_migrations' version: SQLite asks a connection's authorizer about
// each column a statement reads as it compiles it, so the count is seen
// in the driver, with no hook in the code that queries.
var versionReads = struct {
	sync.Mutex
	n map[string]int
}{n: map[string]int{}}

// The hook is registered before any test opens a connection: the driver
// reads its hooks without a lock.
func init() {
	sqlite.RegisterConnectionHook(func(c sqlite.ExecQuerierContext, dsn string) error {
		path, _, _ := strings.Cut(dsn, "?")
		a, ok := c.(sqlite.AuthorizerRegisterer)
		if !ok {
			return nil
		}
		return a.RegisterAuthorizer(func(action sqlite.AuthorizerActionCode, table, column, _, _ string) sqlite.AuthorizerReturnCode {
			if action == sqlite.AuthRead && table == "schema_migrations" && column == "version" {
				versionReads.Lock()
				versionReads.n[path]++
				versionReads.Unlock()
			}
			return sqlite.AuthorizerOK
		})
	})
}

// takeVersionReads returns the reads of path's schema version since the
// last take.
func takeVersionReads(path string) int {
	versionReads.Lock()
	defer versionReads.Unlock()
	n := versionReads.n[path]
	delete(versionReads.n, path)
	return n
}

// TestOpeningReadsTheSchemaVersionOnce: opening an up-to-date store for
// reading (list, show, trend, a compare against history:…) read its
// schema version twice, once to decide whether to read it as it is and
// again to learn that it needed no migration. Once now, for an up-to-date
// store and an older one read as it is alike, and for one opened to add.
func TestOpeningReadsTheSchemaVersionOnce(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "h.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	addRun(t, s, dayRun(t, root, "night1", 1, nil))
	s.Close()
	open := func(what string, o OpenOptions) {
		t.Helper()
		takeVersionReads(path)
		s, err := OpenWith(t.Context(), path, o)
		if err != nil {
			t.Fatal(err)
		}
		if n := takeVersionReads(path); n != 1 {
			t.Errorf("opening %s read its schema version %d times; want once", what, n)
		}
		if _, err := s.List(t.Context(), Filter{}); err != nil {
			t.Errorf("listing %s: %v", what, err)
		}
		s.Close()
	}
	open("an up-to-date store to read", OpenOptions{Reading: true})
	open("an up-to-date store to add", OpenOptions{})

	// A store of version 3, as the inferbench of 2026-11-27 left it, read as
	// it is.
	s, err = Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`ALTER TABLE runs DROP COLUMN new_level`, `DELETE FROM schema_migrations WHERE version = 4`} {
		if _, err := s.db.ExecContext(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	open("a version 3 store to read", OpenOptions{Reading: true})
	if v := storeVersion(t, path); v != 3 {
		t.Errorf("reading a version 3 store left it at version %d; want 3", v)
	}
}
