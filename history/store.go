// Package history keeps the summaries and metadata of past runs, so that a
// nightly job can compare tonight's run with the last ones and a team can
// look back at a metric's trend. The run directory stays the source of
// truth: the store holds what `report` recomputes from it (summary.json and
// run.json, and each metric per level for trend queries), never the
// records.
//
// Two backends share one schema, one set of versioned migrations and one
// set of queries through database/sql: SQLite in a local file (the pure-Go
// modernc.org/sqlite, no server, no cgo) by default, and PostgreSQL
// (github.com/jackc/pgx/v5 through its database/sql driver) for a history
// shared by several machines.
package history

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	// database/sql drivers: "pgx" and "sqlite".
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// EnvStore is the environment variable that names the store when --store
// is not given: a file path or a postgres:// URL.
const EnvStore = "INFERBENCH_STORE"

// DefaultPath returns the default SQLite file:
// $XDG_DATA_HOME/inferbench/history.db, or ~/.local/share/inferbench/history.db
// when XDG_DATA_HOME is unset (the XDG Base Directory default).
func DefaultPath() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "inferbench", "history.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("history: no default store: %w (set --store or %s)", err, EnvStore)
	}
	return filepath.Join(home, ".local", "share", "inferbench", "history.db"), nil
}

// IsPostgres reports whether spec names a PostgreSQL database.
func IsPostgres(spec string) bool {
	return strings.HasPrefix(spec, "postgres://") || strings.HasPrefix(spec, "postgresql://")
}

// Store is an open history. It is safe for concurrent use (database/sql).
type Store struct {
	db *sql.DB
	d  dialect
	// where names the store in errors, without a password.
	where string
	// absent is true for a SQLite file opened for reading that does not
	// exist: the store is empty because nothing was ever added to it there.
	absent bool
	// path is a SQLite store's file, "" for PostgreSQL.
	path string
	// lockWait is how long a statement waits for another's lock:
	// PostgreSQL's lock_timeout, SQLite's busy_timeout.
	lockWait time.Duration
	// schema is the store's schema version: SchemaVersion once migrate
	// brought it up to date, or an older one that a store opened for
	// reading is read as it is at (readAsIs).
	schema int
}

// locked says so of err when it is PostgreSQL's lock timeout (SQLSTATE
// 55P03) or SQLite's SQLITE_BUSY or SQLITE_LOCKED, lockWait passed, in the
// words OpenWith says it of a SQLite file it could not open for another
// process's lock; err as it is otherwise.
func (s *Store) locked(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "55P03" {
		return fmt.Errorf("still locked by another session after %v (another job writing the history, or a session left in its transaction?): %w", s.lockWait, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_BUSY || se.Code()&0xff == sqlite3.SQLITE_LOCKED) {
		return fileLocked(s.lockWait, err)
	}
	return err
}

// fileLocked says that a SQLite store's file stayed locked by another
// process for wait: one wording whether that one reads it (a long query,
// a sqlite3 shell in a transaction) or writes it (a concurrent job).
func fileLocked(wait time.Duration, err error) error {
	return fmt.Errorf("still locked by another process after %v (another job reading or writing the history?): %w", wait, err)
}

// DefaultConnectTimeout bounds connecting to a PostgreSQL store when
// OpenOptions.ConnectTimeout is zero: a server that accepts the TCP
// connection and never answers must not hang the command.
const DefaultConnectTimeout = 10 * time.Second

// OpenOptions tune Open; the zero value is the default.
type OpenOptions struct {
	// ConnectTimeout bounds each connection to a PostgreSQL store (the
	// first one, which Open waits for, and every later one of the pool,
	// through connect_timeout when the URL sets none); 0 means
	// DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// Reading is true for a command that only reads (list, show, trend, a
	// compare against history:…): a SQLite file that does not exist is
	// read as an empty store, held in memory, and neither it nor its
	// directory is created.
	Reading bool
}

// Open opens the store named by spec — a postgres:// URL, or else a SQLite
// file (a path, sqlite:PATH or file:PATH; see parseSpec), created with its
// directory when missing — and brings its schema up to date. A spec that is
// neither, such as a misspelt URL or a key=value connection string, is an
// error that shows it with its password masked.
func Open(ctx context.Context, spec string) (*Store, error) {
	return OpenWith(ctx, spec, OpenOptions{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, spec string, o OpenOptions) (*Store, error) {
	ps, err := parseSpec(spec)
	if err != nil {
		return nil, err
	}
	s := &Store{where: Redact(spec), d: dialectOf(ps.postgres)}
	connect := cmp.Or(o.ConnectTimeout, DefaultConnectTimeout)
	if !ps.postgres {
		s.path = ps.dsn
		if msg := fileProblem(ps.dsn, o.Reading); msg != "" {
			return nil, s.fail(ps, errors.New(msg))
		}
	}
	if ps.postgres {
		s.lockWait = connect
		s.db, err = sql.Open("pgx", withLockTimeout(withConnectTimeout(ps.dsn, int((connect+time.Second-1)/time.Second)), connect))
	} else if _, serr := os.Stat(ps.dsn); o.Reading && errors.Is(serr, fs.ErrNotExist) {
		// Nothing to read: an empty store in memory, one connection (each
		// would have a database of its own).
		s.db, err = emptyStore()
		s.absent = true
	} else if serr == nil && isDir(ps.dsn) {
		// SQLite says "unable to open database file (14)" of a directory.
		return nil, s.fail(ps, errors.New("is a directory: give the store's file, e.g. DIR/history.db"))
	} else {
		if err := os.MkdirAll(filepath.Dir(ps.dsn), 0o755); err != nil {
			return nil, fmt.Errorf("history %s: %w", ps.dsn, err)
		}
		if err := createStoreFile(ps.dsn); err != nil {
			return nil, s.fail(ps, err)
		}
		// busy_timeout lets two processes share the file; foreign_keys
		// makes ON DELETE CASCADE work; _txlock=immediate takes the write
		// lock when a transaction starts, so migrations do not deadlock.
		s.lockWait = connect
		s.db, err = sql.Open("sqlite", ps.dsn+fmt.Sprintf("?_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_txlock=immediate", max(connect.Milliseconds(), 1)))
	}
	if err != nil {
		return nil, s.fail(ps, err)
	}
	pctx, cancel := context.WithTimeout(ctx, connect)
	err = s.db.PingContext(pctx)
	// Read before cancel, which sets pctx.Err() too: only a deadline that
	// passed means the server did not answer in time (a refused connection
	// or an unknown host fails at once and says so itself).
	timedOut := errors.Is(pctx.Err(), context.DeadlineExceeded)
	cancel()
	if err != nil {
		s.db.Close()
		switch {
		case timedOut && ctx.Err() == nil && !ps.postgres:
			// A local file does not go unanswered: another process holds
			// its lock (a concurrent job writing the history) past the
			// wait.
			err = fileLocked(connect, err)
		case timedOut && ctx.Err() == nil:
			err = fmt.Errorf("no answer within %v: %w", connect, err)
		}
		return nil, s.fail(ps, err)
	}
	if o.Reading && !s.absent {
		has, err := hasSchema(ctx, s.db, s.d)
		if err != nil {
			s.db.Close()
			return nil, s.fail(ps, s.locked(err))
		}
		if !has {
			// Nothing ever added (a file of 0 bytes, an empty database or
			// schema): read as an empty store in memory, the file left as
			// it is. Only history add creates a store's schema.
			s.db.Close()
			if s.db, err = emptyStore(); err != nil {
				return nil, s.fail(ps, err)
			}
			s.d = dialectOf(false)
		} else if s.schema, err = readAsIs(ctx, s.db); err != nil {
			s.db.Close()
			return nil, s.fail(ps, s.locked(err))
		}
	}
	if s.schema == 0 { // not read as it is: migrate
		if err := migrate(ctx, s.db, s.d); err != nil {
			s.db.Close()
			return nil, s.fail(ps, s.locked(err))
		}
		s.schema = SchemaVersion()
	}
	return s, nil
}

// emptyStore is an empty SQLite database in memory, one connection (each
// would have a database of its own), for a store opened for reading that
// holds nothing.
func emptyStore() (*sql.DB, error) {
	db, err := sql.Open("sqlite", ":memory:?_pragma=foreign_keys(1)")
	if err == nil {
		db.SetMaxOpenConns(1)
	}
	return db, err
}

// hasSchema reports whether db holds a store's version table, read
// without writing: a SQLite file of 0 bytes or a PostgreSQL schema that
// nothing was added to has none.
func hasSchema(ctx context.Context, db *sql.DB, d dialect) (bool, error) {
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if d.name == "postgres" {
		// Found along the search_path, as the store's queries find it.
		q = `SELECT COUNT(*) FROM (SELECT to_regclass('schema_migrations') AS t) AS found WHERE t IS NOT NULL`
	}
	var n int
	if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}

// missing says, for a store opened for reading that does not exist
// (absent), that it does not and why it matters; "" for one that exists.
func (s *Store) missing() string {
	if !s.absent {
		return ""
	}
	what := s.where + " does not exist"
	if target, err := os.Readlink(s.path); err == nil {
		what = fmt.Sprintf("%s is a symbolic link to %s, which does not exist", s.where, printable.Text(target))
	}
	return what + ": nothing was ever added there (the first night, or a store path that is wrong?)"
}

// MustExist refuses a store opened for reading that does not exist: a
// store path that is wrong read as an empty history.
func (s *Store) MustExist() error {
	if m := s.missing(); m != "" {
		return fmt.Errorf("history %s", m)
	}
	return nil
}

// fail returns err as "history WHERE: …" on one line, with the password
// of ps masked should the driver quote it (pgx does not today; a message
// is cheap to check).
func (s *Store) fail(ps storeSpec, err error) error {
	msg := "history " + s.where + ": " + oneLine(err.Error())
	if u, perr := url.Parse(ps.dsn); ps.postgres && perr == nil {
		if pw, ok := u.User.Password(); ok && len(pw) >= 4 {
			msg = strings.ReplaceAll(msg, pw, "xxxxx")
		}
	}
	return &lineError{msg: msg, err: err}
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Backend names the store's database: "sqlite" or "postgres".
func (s *Store) Backend() string { return s.d.name }

// Entry is one run in the history.
type Entry struct {
	// ID numbers entries in the order they were added, from 1.
	ID int64 `json:"id"`
	// Fingerprint is the SHA-256 of the run's run.json: adding the same run
	// twice is refused.
	Fingerprint string `json:"fingerprint"`
	// AddedAt is when the entry was added; Started when the run started
	// (both UTC).
	AddedAt time.Time `json:"added_at"`
	Started time.Time `json:"started"`
	// RunDir is the run directory's absolute path when it was added, links
	// resolved (a link such as runs/latest moves on); it may no longer
	// exist.
	RunDir string `json:"run_dir"`
	// Scenario, Model, TargetKind, TargetURL (without credentials),
	// ToolVersion and Host are from run.json.
	Scenario    string `json:"scenario"`
	Model       string `json:"model"`
	TargetKind  string `json:"target_kind"`
	TargetURL   string `json:"target_url"`
	ToolVersion string `json:"tool_version"`
	Host        string `json:"host"`
	// ExitState is how the run ended.
	ExitState string `json:"exit_state"`
	// Manifest is run.json as it was.
	Manifest json.RawMessage `json:"manifest"`
	// Summary is the run's summary, recomputed from its records when added.
	Summary *report.Summary `json:"summary"`
	// NewLevel marks a run accepted as a new level on purpose (history add
	// --new-level): history baselines of its scenario, model, target kind
	// and hardware start from it, and leave out the runs before it.
	NewLevel bool `json:"new_level,omitempty"`
	// PartOfLoad is the part of a sharded run's load the run measured
	// (report.PartOfLoad of its run.json: "shard 0/2", "shard 0 of 2
	// merged (partial)"), absent for a whole run: its throughput is its
	// part, not the server's, and it reads as a drop beside whole runs.
	PartOfLoad string `json:"part_of_load,omitempty"`
	// RunDirState says, when history list or show looked, that RunDir no
	// longer holds the run: "gone", or "changed: …" (another run's
	// run.json, none); absent when it does, or was not looked at. A
	// baseline then reads the summary stored, not the records.
	RunDirState string `json:"run_dir_state,omitempty"`

	// run is Manifest decoded, once for all who read it (the baseline's
	// choice of runs, their settings, how they ended): when the entry was
	// read from the store (scanEntry) or made (NewEntry), else at the
	// first manifest; runErr is why it does not decode.
	run    *rundir.Manifest
	runErr error
	// meta is compare.MetaOf(run), once for all who read it (Meta).
	meta *compare.Meta
}

// manifest returns run.json as stored, decoded once: the entry's own
// decoding, or why it does not decode.
func (e *Entry) manifest() (*rundir.Manifest, error) {
	if e.run != nil || e.runErr != nil {
		return e.run, e.runErr
	}
	var m rundir.Manifest
	if err := json.Unmarshal(e.Manifest, &m); err != nil {
		e.runErr = err
		return nil, err
	}
	e.run = &m
	return e.run, nil
}

// Meta returns the comparability data of the entry, computed once: a
// baseline asks it of each entry its GPU, sharding and workload (choosing
// them), its settings and how it ended (warning of them), and MetaOf
// decodes the run's scenario each time.
func (e *Entry) Meta() (compare.Meta, error) {
	m, err := e.manifest()
	if err != nil {
		return compare.Meta{}, fmt.Errorf("history entry %d: run.json: %w", e.ID, err)
	}
	if e.meta == nil {
		meta := compare.MetaOf(m)
		e.meta = &meta
	}
	return *e.meta, nil
}

// NewEntry reads the run directory dir into an entry: run.json, and the
// summary recomputed from requests.jsonl with slo (zero: the SLO of the
// scenario in run.json). It returns report.SummarizeRun's warnings.
func NewEntry(dir string, slo report.SLO) (*Entry, []string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, err
	}
	// The directory a link named points at, not the link: a CI job's
	// runs/latest moves on to the next night's run.
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	// Opened once: the fingerprint is of the run.json bytes the summary is
	// made with.
	rd, err := rundir.Open(dir)
	if err != nil {
		return nil, nil, err // it names the run ("run DIR: …") or the directory (HoldsRunsError)
	}
	if rd.Manifest == nil {
		// Open reads on without run.json; history needs it: say why it
		// is not there or not read.
		_, _, err := rundir.ReadManifestRaw(dir)
		return nil, nil, fmt.Errorf("run %s: %w", dir, cmp.Or(err, errors.New("run.json not read")))
	}
	raw, m := rd.ManifestJSON, rd.Manifest
	// A run still going has a run.json that will change when it ends: its
	// partial numbers would be stored, and then the finished run beside
	// them under another fingerprint. (A killed run is added, warned of.)
	if m.StillGoing() {
		return nil, nil, fmt.Errorf("run %s is still going (pid %d on this host): add it once it has finished", dir, m.Host.PID)
	}
	if slo.IsZero() {
		slo = report.ManifestSLO(m.Scenario)
	}
	sum, warnings, err := summarizeDir(rd, slo)
	if err != nil {
		return nil, warnings, err
	}
	meta := compare.MetaOf(m)
	if meta.Ended != "" {
		warnings = append(warnings, fmt.Sprintf("%s: the run was %s; added, and history: baselines will count it as a whole run", dir, meta.Ended))
	}
	for _, l := range sum.Levels {
		if l.Requests.Total > 0 && l.Requests.OK == 0 {
			warnings = append(warnings, fmt.Sprintf("%s: every request failed at level %g (%d of %d): added; it measured no latency or throughput there, and history: baselines leave it out at that level while other runs have it",
				dir, l.Level, l.Requests.Failed, l.Requests.Total))
		}
	}
	e := &Entry{Fingerprint: fingerprintOf(raw), Started: m.Start.UTC(), RunDir: abs,
		Scenario: meta.Scenario, Model: meta.Model, TargetKind: meta.TargetKind, TargetURL: stripUserinfo(m.Target.URL),
		ToolVersion: meta.ToolVersion, Host: meta.Host, ExitState: string(m.ExitState), Manifest: raw, Summary: sum,
		PartOfLoad: report.PartOfLoad(m), run: m}
	return e, warnings, nil
}

// fingerprintOf is the fingerprint of run.json's bytes raw.
func fingerprintOf(raw []byte) string {
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:])
}

// stripUserinfo removes user and password from a URL and redacts the
// values of its key-like query parameters (targets.RedactedURL).
func stripUserinfo(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return targets.RedactURL(s)
	}
	u.User = nil
	return targets.RedactedURL(u)
}

// DuplicateError is returned by Add for a run already in the history.
type DuplicateError struct {
	// ID is the existing entry's; RunDir where it was stored from.
	ID     int64
	RunDir string
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("run already in the history as #%d", e.ID)
}

// ErrNotFound is returned by Get for an unknown ID.
var ErrNotFound = errors.New("no such history entry")

// timeLayout stores times as fixed-width UTC text, which sorts as time does
// in both databases.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// Add stores e (its ID and AddedAt are set) with each metric of each level
// of its summary, in one transaction. A run already stored (same
// fingerprint) is a *DuplicateError.
func (s *Store) Add(ctx context.Context, e *Entry) (int64, error) {
	manifest := e.Manifest
	if len(manifest) == 0 {
		manifest = json.RawMessage("{}")
	}
	sum, err := json.Marshal(e.Summary)
	if err != nil {
		return 0, fmt.Errorf("history: summary: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("history %s: %w", s.where, s.locked(err))
	}
	defer tx.Rollback()
	var existing int64
	var dir string
	err = tx.QueryRowContext(ctx, s.d.bind(`SELECT id, run_dir FROM runs WHERE fingerprint = ?`), e.Fingerprint).Scan(&existing, &dir)
	switch {
	case err == nil:
		return 0, &DuplicateError{ID: existing, RunDir: dir}
	case !errors.Is(err, sql.ErrNoRows):
		return 0, fmt.Errorf("history %s: %w", s.where, s.locked(err))
	}
	added := time.Now().UTC()
	var id int64
	// Another add of the same run may have inserted it since the look-up
	// above, not yet committed (PostgreSQL's transactions see no row the
	// other has not committed): the insert waits for it and then does
	// nothing, and the run is a duplicate as above, not the unique
	// constraint's error.
	err = tx.QueryRowContext(ctx, s.d.bind(`INSERT INTO runs (fingerprint, added_at, started_at, run_dir, scenario, model,
		target_kind, target_url, tool_version, host, exit_state, manifest, summary, new_level)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO NOTHING RETURNING id`),
		e.Fingerprint, added.Format(timeLayout), e.Started.UTC().Format(timeLayout), e.RunDir, e.Scenario, e.Model,
		e.TargetKind, e.TargetURL, e.ToolVersion, e.Host, e.ExitState, string(manifest), string(sum), boolInt(e.NewLevel)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		// A statement of its own sees what the other add committed.
		if err = tx.QueryRowContext(ctx, s.d.bind(`SELECT id, run_dir FROM runs WHERE fingerprint = ?`), e.Fingerprint).Scan(&existing, &dir); err == nil {
			return 0, &DuplicateError{ID: existing, RunDir: dir}
		}
	}
	if err != nil {
		return 0, fmt.Errorf("history %s: add: %w", s.where, s.locked(err))
	}
	if e.Summary != nil {
		for lv, vals := range compare.SummaryValues(e.Summary) {
			for name, v := range vals {
				if _, err := tx.ExecContext(ctx, s.d.bind(`INSERT INTO run_metrics (run_id, level, metric, value) VALUES (?, ?, ?, ?)`),
					id, lv, name, v); err != nil {
					return 0, fmt.Errorf("history %s: add metric %s: %w", s.where, name, s.locked(err))
				}
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("history %s: %w", s.where, s.locked(err))
	}
	e.ID, e.AddedAt = id, added
	return id, nil
}

// Move sets the run directory of the stored entry id to dir, where its
// run now is, when it is still from: an add of the same run racing this
// one (from a third place) is not undone. moved is false when the entry's
// directory is no longer from (or the entry is gone).
func (s *Store) Move(ctx context.Context, id int64, from, dir string) (moved bool, err error) {
	res, err := s.db.ExecContext(ctx, s.d.bind(`UPDATE runs SET run_dir = ? WHERE id = ? AND run_dir = ?`), dir, id, from)
	if err != nil {
		return false, fmt.Errorf("history %s: #%d: %w", s.where, id, s.locked(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("history %s: #%d: %w", s.where, id, err)
	}
	return n > 0, nil
}

// stateHere is runDirState of a run made on host, judged on this host
// only: a run made on another lies on that host's disk (a store shared by
// several machines, PostgreSQL's), where this one cannot look, and is not
// judged (""): list marked every other machine's run gone, and history add
// of a copy of one re-pointed it to the copy. A run whose host is not
// known (none in its run.json) is judged here.
func stateHere(host, dir, fp string) string {
	if here := thisHost(); host != "" && here != "" && host != here {
		return ""
	}
	return runDirState(dir, fp)
}

// thisHost is this machine's name, as run.json's host.name holds it.
var thisHost = sync.OnceValue(func() string {
	h, _ := os.Hostname()
	return h
})

// runDirState says whether the directory a run was stored from (dir)
// still holds it, by its run.json's fingerprint (fp): "" when it does,
// "gone" when nothing is there, "changed: …" when something else is.
func runDirState(dir, fp string) string {
	raw, _, err := rundir.ReadManifestRaw(dir)
	switch {
	case err == nil && fingerprintOf(raw) == fp:
		return ""
	case err == nil:
		return "changed: its run.json is another run's"
	}
	if _, serr := os.Stat(dir); errors.Is(serr, fs.ErrNotExist) {
		return "gone"
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "changed: no run.json there"
	}
	return "changed: its run.json is not read: " + oneLine(err.Error())
}

// SetNewLevel marks the stored entries ids a new level (Entry.NewLevel),
// for runs added before they were accepted, or with on false takes the
// marks back, in one transaction: an ID that is not stored changes none
// (an error wrapping ErrNotFound). was says, for each, whether it was
// marked before.
func (s *Store) SetNewLevel(ctx context.Context, ids []int64, on bool) (was []bool, err error) {
	var at int64
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			at = id
			var mark int
			err := tx.QueryRowContext(ctx, s.d.bind(`SELECT new_level FROM runs WHERE id = ?`), id).Scan(&mark)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			} else if err != nil {
				return err
			}
			was = append(was, mark != 0)
			if _, err := tx.ExecContext(ctx, s.d.bind(`UPDATE runs SET new_level = ? WHERE id = ?`), boolInt(on), id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("history %s: #%d: %w", s.where, at, s.locked(err))
	}
	return was, nil
}

// Remove deletes the entries ids, with their metrics, in one transaction
// and returns them as they were, in the order asked. An ID that is not
// stored removes none of them (an error wrapping ErrNotFound). Run
// directories are not touched: the store only holds copies.
func (s *Store) Remove(ctx context.Context, ids []int64) ([]*Entry, error) {
	var gone []*Entry
	var at int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			at = id
			e, err := scanEntry(tx.QueryRowContext(ctx, s.d.bind(`SELECT `+s.entryColumns()+` FROM runs WHERE id = ?`), id))
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			} else if err != nil {
				return err
			}
			// run_metrics rows go with it (ON DELETE CASCADE).
			if _, err := tx.ExecContext(ctx, s.d.bind(`DELETE FROM runs WHERE id = ?`), id); err != nil {
				return err
			}
			gone = append(gone, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("history %s: #%d: %w", s.where, at, s.locked(err))
	}
	return gone, nil
}

// inTx runs f in a transaction, committed when f returns nil.
func (s *Store) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// boolInt stores a bool as SQLite and PostgreSQL both take it: 0 or 1.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// entryColumns are the columns scanEntry reads, in order.
const entryColumns = `id, fingerprint, added_at, started_at, run_dir, scenario, model, target_kind, target_url,
	tool_version, host, exit_state, manifest, summary, new_level`

// entryColumns returns the columns scanEntry reads of s's runs: a store
// of before new_level (schema 4) read as it is has no run marked.
func (s *Store) entryColumns() string {
	if s.schema < newLevelVersion {
		return strings.Replace(entryColumns, "new_level", "0 AS new_level", 1)
	}
	return entryColumns
}

// newLevelColumn is trend's r.new_level, 0 in a store of before it.
func (s *Store) newLevelColumn() string {
	if s.schema < newLevelVersion {
		return "0"
	}
	return "r.new_level"
}

// scanEntry reads one row of entryColumns.
func scanEntry(row interface{ Scan(...any) error }) (*Entry, error) {
	var e Entry
	var added, started, manifest, sum string
	var newLevel int
	if err := row.Scan(&e.ID, &e.Fingerprint, &added, &started, &e.RunDir, &e.Scenario, &e.Model, &e.TargetKind,
		&e.TargetURL, &e.ToolVersion, &e.Host, &e.ExitState, &manifest, &sum, &newLevel); err != nil {
		return nil, err
	}
	e.NewLevel = newLevel != 0
	var err error
	if e.AddedAt, err = time.Parse(timeLayout, added); err != nil {
		return nil, fmt.Errorf("entry %d: added_at: %w", e.ID, err)
	}
	if e.Started, err = time.Parse(timeLayout, started); err != nil {
		return nil, fmt.Errorf("entry %d: started_at: %w", e.ID, err)
	}
	e.Manifest = json.RawMessage(manifest)
	if m, err := e.manifest(); err == nil {
		e.PartOfLoad = report.PartOfLoad(m)
	}
	if err := json.Unmarshal([]byte(sum), &e.Summary); err != nil {
		return nil, fmt.Errorf("entry %d: summary: %w", e.ID, err)
	}
	return &e, nil
}

// Get returns the entry with the given ID, or an error wrapping ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (*Entry, error) {
	e, err := scanEntry(s.db.QueryRowContext(ctx, s.d.bind(`SELECT `+s.entryColumns()+` FROM runs WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("history %s: #%d: %w", s.where, id, ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("history %s: #%d: %w", s.where, id, err)
	}
	return e, nil
}

// Filter selects entries. Empty fields match anything.
type Filter struct {
	Scenario, Model, TargetKind string
	// ExcludeFingerprint leaves out one run (the candidate itself, when it
	// is already in the history).
	ExcludeFingerprint string
	// Limit bounds the number of entries (the newest); 0 means no bound.
	Limit int
}

// where returns the WHERE clause of f (with a leading space, or empty) and
// its arguments.
func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(col, v string) {
		if v != "" {
			conds = append(conds, col+" = ?")
			args = append(args, v)
		}
	}
	add("scenario", f.Scenario)
	add("model", f.Model)
	add("target_kind", f.TargetKind)
	if f.ExcludeFingerprint != "" {
		conds = append(conds, "fingerprint <> ?")
		args = append(args, f.ExcludeFingerprint)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// List returns the entries f selects, newest run first (by start time,
// then ID).
func (s *Store) List(ctx context.Context, f Filter) ([]*Entry, error) {
	where, args := f.where()
	q := `SELECT ` + s.entryColumns() + ` FROM runs` + where + ` ORDER BY started_at DESC, id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, s.d.bind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("history %s: list: %w", s.where, err)
	}
	defer rows.Close()
	var out []*Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("history %s: list: %w", s.where, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history %s: list: %w", s.where, err)
	}
	return out, nil
}

// Point is one value of a metric's trend.
type Point struct {
	// RunID is the entry; Started its run's start time.
	RunID   int64     `json:"run_id"`
	Started time.Time `json:"started"`
	// Level is the load level and Value the metric's value there.
	Level float64 `json:"level"`
	Value float64 `json:"value"`
	// NewLevel says the run was marked a new level (Entry.NewLevel).
	NewLevel bool `json:"new_level,omitempty"`
	// PartOfLoad is the run's part of a sharded run's load
	// (Entry.PartOfLoad), "" for a whole run.
	PartOfLoad string `json:"part_of_load,omitempty"`
}

// Trend returns metric's values in the entries f selects, oldest run
// first, every level. f.Limit bounds the number of runs (the newest).
func (s *Store) Trend(ctx context.Context, metric string, f Filter) ([]Point, error) {
	if _, ok := compare.LookupMetric(metric); !ok {
		return nil, fmt.Errorf("history: unknown metric %q (known: %s)", metric, strings.Join(compare.MetricNames(), ", "))
	}
	where, args := f.where()
	runs := `SELECT id FROM runs` + where + ` ORDER BY started_at DESC, id DESC`
	if f.Limit > 0 {
		runs += ` LIMIT ` + strconv.Itoa(f.Limit)
	}
	q := `SELECT r.id, r.started_at, m.level, m.value, ` + s.newLevelColumn() + ` FROM run_metrics m JOIN runs r ON r.id = m.run_id
		WHERE m.metric = ? AND r.id IN (SELECT id FROM (` + runs + `) AS picked)
		ORDER BY r.started_at, r.id, m.level`
	rows, err := s.db.QueryContext(ctx, s.d.bind(q), append([]any{metric}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("history %s: trend: %w", s.where, err)
	}
	defer rows.Close()
	var out []Point
	for rows.Next() {
		var p Point
		var started string
		var newLevel int
		if err := rows.Scan(&p.RunID, &started, &p.Level, &p.Value, &newLevel); err != nil {
			return nil, fmt.Errorf("history %s: trend: %w", s.where, err)
		}
		p.NewLevel = newLevel != 0
		if p.Started, err = time.Parse(timeLayout, started); err != nil {
			return nil, fmt.Errorf("history %s: trend: run %d: %w", s.where, p.RunID, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history %s: trend: %w", s.where, err)
	}
	parts, err := s.partsOf(ctx, runs, args)
	if err != nil {
		return nil, fmt.Errorf("history %s: trend: %w", s.where, err)
	}
	for i := range out {
		out[i].PartOfLoad = parts[out[i].RunID]
	}
	return out, nil
}

// partsOf reads the part of the load (partOfLoad) of each run the query
// runs selects (its ids, with args), one run.json a run: the trend's rows
// are a run's levels and metrics. Whole runs are left out of the map.
func (s *Store) partsOf(ctx context.Context, runs string, args []any) (map[int64]string, error) {
	rows, err := s.db.QueryContext(ctx, s.d.bind(`SELECT id, manifest FROM runs WHERE id IN (SELECT id FROM (`+runs+`) AS picked)`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	parts := map[int64]string{}
	for rows.Next() {
		var id int64
		var manifest string
		if err := rows.Scan(&id, &manifest); err != nil {
			return nil, err
		}
		if p := partOfLoad(json.RawMessage(manifest)); p != "" {
			parts[id] = p
		}
	}
	return parts, rows.Err()
}

// isDir reports whether path is a directory (following links).
// fileProblem says why path cannot be a SQLite store's file, "" when it
// can, is absent or is a directory (which OpenWith names itself): SQLite
// said "disk I/O error (10)" of a named pipe and "unable to open database
// file (14)" of a link to a missing directory. A link to nothing is no
// problem to a reader (nothing to read, as an absent file).
func fileProblem(path string, reading bool) string {
	if _, err := os.Lstat(path); err != nil {
		return ""
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil && errors.Is(err, syscall.ELOOP):
		return "is a symbolic link that loops"
	case err != nil && errors.Is(err, fs.ErrNotExist) && !reading:
		// SQLite creates the link's target where its directory exists (a
		// link to where the store is to be); the directory it cannot make.
		target, _ := os.Readlink(path)
		dir := filepath.Dir(target)
		if !filepath.IsAbs(target) {
			dir = filepath.Join(filepath.Dir(path), dir)
		}
		if !isDir(dir) {
			return fmt.Sprintf("is a symbolic link to %s, whose directory does not exist", printable.Text(target))
		}
		return ""
	case err != nil || fi.IsDir() || fi.Mode().IsRegular():
		return ""
	}
	what := "a special file"
	switch t := fi.Mode().Type(); {
	case t&fs.ModeNamedPipe != 0:
		what = "a named pipe"
	case t&fs.ModeDevice != 0:
		what = "a device"
	case t&fs.ModeSocket != 0:
		what = "a socket"
	}
	return "is not a regular file (" + what + "): give the store's file, e.g. DIR/history.db"
}

// createStoreFile creates path, empty (an empty file is an empty SQLite
// database), when nothing is there, so that a directory the store cannot
// be made in is said in the system's words ("read-only file system",
// "permission denied"): SQLite said only "unable to open database file
// (14)". Something already there (a file, a link, one made by another job
// at the same moment: O_EXCL) is left to SQLite.
func createStoreFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("cannot create the store: %w", err)
	}
	return f.Close()
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// partOfLoad is report.PartOfLoad of a stored run.json; "" when it does
// not decode.
func partOfLoad(manifest json.RawMessage) string {
	var m rundir.Manifest
	if json.Unmarshal(manifest, &m) != nil {
		return ""
	}
	return report.PartOfLoad(&m)
}

// summarizeDir summarizes the opened run directory rd by today's
// definitions with slo as it is (a zero one is no SLO: its caller says
// whose), and refuses a requests.jsonl holding fewer records than run.json
// counts (a copy cut short): how a history reads a run it adds, and a
// baseline's run summarized again (summaryNow).
func summarizeDir(rd *rundir.Run, slo report.SLO) (*report.Summary, []string, error) {
	dir := rd.Dir
	sum, warnings, err := report.SummarizeOpened(rd, slo)
	if err != nil {
		if strings.Contains(err.Error(), dir) {
			return nil, warnings, err // it names the run already ("run DIR: …", "DIR/requests.jsonl:4: …")
		}
		return nil, warnings, fmt.Errorf("run %s: %w", dir, err)
	}
	if err := compare.CheckRecords(dir, rd.Manifest, sum.Records); err != nil {
		return nil, warnings, err
	}
	return sum, warnings, nil
}
