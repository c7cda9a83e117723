package rundir

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Creating a run directory. Every file of a run is created with
// O_CREATE|O_EXCL, which fails on anything already at the path — a dangling
// symbolic link included, since O_EXCL never follows one — and every file
// rewritten later (run.json, summary.json, a report) is replaced by rename,
// which replaces a link rather than writing through it. A run therefore never
// writes outside its directory, whatever links a careless or hostile user
// left in it.

// ErrOutTaken is what Create's refusals of an --out directory wrap
// (*HoldsRunError, *NotEmptyError): a mistake the user fixes with another
// directory, not a failure of the disk.
var ErrOutTaken = errors.New("--out is taken")

// HoldsRunError is Create's refusal of a directory that already holds (part
// of) a run.
type HoldsRunError struct {
	Dir, File string
}

func (e *HoldsRunError) Error() string {
	return fmt.Sprintf("%s already holds a run (%s): choose another --out, or --force to replace it", e.Dir, e.File)
}

func (e *HoldsRunError) Unwrap() error { return ErrOutTaken }

// GoingError is Create's refusal of a directory whose run is still being
// written: its run.json says running and its process is alive on this host
// (Manifest.StillGoing). --force does not replace it: its files removed,
// the run would go on writing records no directory holds, and its run.json
// would end up over another run's records.
type GoingError struct {
	Dir string
	PID int
}

func (e *GoingError) Error() string {
	return fmt.Sprintf("%s holds a run still going (pid %d on this host): --force does not replace a run in progress; stop it, or choose another --out", e.Dir, e.PID)
}

func (e *GoingError) Unwrap() error { return ErrOutTaken }

// NotEmptyError is the refusal of an output directory that holds files
// and none of what would be written there: a home directory, a source
// tree, /etc through a link. Names are the first of them, N how many.
type NotEmptyError struct {
	Dir, Holds string // Holds: what it holds none of ("run", "report")
	Names      []string
	N          int
}

func (e *NotEmptyError) Unwrap() error { return ErrOutTaken }

func (e *NotEmptyError) Error() string {
	names := strings.Join(e.Names, ", ")
	if e.N > len(e.Names) {
		names += fmt.Sprintf(" and %d more", e.N-len(e.Names))
	}
	return fmt.Sprintf("--out %s is not empty and holds no %s (%s): name a new or empty directory", e.Dir, e.Holds, names)
}

// others returns the error for dir when it holds entries that are not
// hidden (a dot file: version control's or the system's) and not among
// ours; nil when it holds none, or cannot be listed (writing will say).
func others(dir, holds string, ours ...string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	e := &NotEmptyError{Dir: dir, Holds: holds}
	for _, en := range entries {
		if name := en.Name(); !strings.HasPrefix(name, ".") && !slices.Contains(ours, name) {
			if e.N++; len(e.Names) < 3 {
				e.Names = append(e.Names, name)
			}
		}
	}
	if e.N == 0 {
		return nil
	}
	return e
}

// Create makes dir (and its parents) for a new run and proves it writable
// before anything is measured. A directory that already holds one of the
// run's files (Files), or a link by that name, is refused with a
// *HoldsRunError unless force, which removes those entries first (a link
// itself, never what it points to). A directory that holds none of them but
// other files is refused with a *NotEmptyError, force or not: a run's files
// went among a home directory's, or through a link into /etc. A run still
// going there (its process alive on this host) is refused with a
// *GoingError, force or not. The filesystem's root is refused.
func Create(dir string, force bool) error {
	if err := notRoot(dir); err != nil {
		return err
	}
	if err := MakeDir(dir); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	present, err := runFiles(dir)
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if len(present) > 0 {
		if m, err := ReadManifest(dir); err == nil && m.StillGoing() {
			return &GoingError{Dir: dir, PID: m.Host.PID}
		}
		if !force {
			return &HoldsRunError{Dir: dir, File: present[0]}
		}
	}
	if len(present) == 0 {
		if err := others(dir, "run"); err != nil {
			return err
		}
	}
	for _, f := range present {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("--force: %w", err)
		}
	}
	probe, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return fmt.Errorf("--out %s is not writable: %w", dir, err)
	}
	_, werr := probe.Write(make([]byte, 4096))
	probe.Close()
	os.Remove(probe.Name())
	if werr != nil {
		return fmt.Errorf("--out %s: cannot write (disk full?): %w", dir, werr)
	}
	return nil
}

// notRoot refuses the filesystem's root as an --out directory: it is what
// "--out $DIR/" becomes when DIR is unset, and the files would land among
// the system's directories.
func notRoot(dir string) error {
	if abs, err := filepath.Abs(dir); err == nil && filepath.Dir(abs) == abs {
		return fmt.Errorf("--out %s is the filesystem's root: name a directory (is a variable in the path empty?)", dir)
	}
	return nil
}

// runFiles lists the run's files (Files) present in dir, links included.
func runFiles(dir string) ([]string, error) {
	var present []string
	for _, f := range Files() {
		if _, err := os.Lstat(filepath.Join(dir, f)); err == nil {
			present = append(present, f)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return present, nil
}

// CheckReportDir refuses out as the directory of a report of runs when it
// holds a run that is none of them: the report would sit beside another
// run's records and read as that run's. A directory of its own (new, empty
// or holding only a report's entries, ours), or the directory of one of
// the runs reported, is fine; one holding other files is refused (a
// *NotEmptyError), as is a file or a link to nothing in its place
// (MakeDir's words).
func CheckReportDir(out string, runs []string, ours ...string) error {
	if err := notRoot(out); err != nil {
		return err
	}
	if err := inTheWay(out); err != nil {
		return fmt.Errorf("--out: %w", err) // before the tables are printed, not after
	}
	present, err := runFiles(out)
	if err != nil {
		return nil // nothing readable: writing will say
	}
	if len(present) == 0 {
		return others(out, "report", ours...)
	}
	for _, r := range runs {
		if SameDir(out, r) {
			return nil
		}
	}
	return fmt.Errorf("--out %s holds another run (%s): a report of %s there would read as that run's; choose another directory", out, present[0], strings.Join(runs, ", "))
}

// CheckNotRunFile refuses path as an output file (a JUnit or Markdown
// report) when it names one of the files of a run directory (Files) that
// holds a run: writing it would replace that run's records or manifest. A
// file of another name inside a run directory is fine.
func CheckNotRunFile(path string) error {
	base := filepath.Base(path)
	if !slices.Contains(Files(), base) {
		return nil
	}
	dir := filepath.Dir(path)
	present, err := runFiles(dir)
	if err != nil || len(present) == 0 {
		return nil // no run there, or nothing readable: writing will say
	}
	return fmt.Errorf("%s is the %s of the run in %s: writing there would replace it; choose another file", path, base, dir)
}

// SameDir reports whether a and b name the same directory (under other
// names, or through a link); false when either cannot be stat'ed.
func SameDir(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil || !fa.IsDir() {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// CreateFile creates dir/name for writing. It fails when anything already
// exists at that path, a symbolic link included (O_EXCL: no link is
// followed), so a run file is always a new regular file inside dir.
func CreateFile(dir, name string) (*os.File, error) {
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, alreadyThere(path)
	}
	return f, err
}

// alreadyThere is the error of a run file that cannot be made at path
// because something is there: a file (Create and a merge's own checks
// found no run file: one came since), a link (never written through), or
// something else.
func alreadyThere(path string) error {
	fi, err := os.Lstat(path)
	switch {
	case err == nil && fi.Mode().IsRegular():
		return fmt.Errorf("create %s: a file is already there (another run writing to the same --out?): refusing to write over it", path)
	case err == nil && fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("create %s: a link is there: refusing to write through it", path)
	}
	return fmt.Errorf("create %s: something is already there: refusing to write over it", path)
}

// WriteFile writes data to dir/name atomically: to a temporary file in dir,
// synced, then renamed over name. A reader never sees half a file, and a
// symbolic link at name is replaced, never written through.
func WriteFile(dir, name string, data []byte) error {
	if fi, err := os.Lstat(filepath.Join(dir, name)); err == nil && fi.IsDir() {
		return fmt.Errorf("write %s: it is a directory; name a file", filepath.Join(dir, name))
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(name)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), bareError(err))
	}
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), bareError(err))
	}
	return nil
}

// bareError is err without the path an *os.PathError or *os.LinkError
// names: the temporary file's, which means nothing to the user.
func bareError(err error) error {
	var pe *os.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}

// A Run is a run directory opened for reading: the one loader that report,
// compare, merge and history read through.
type Run struct {
	// Dir is the run directory as given.
	Dir string
	// Manifest is run.json; nil when the directory has none (a report can
	// still be made from requests.jsonl alone).
	Manifest *Manifest
	// ManifestJSON is run.json's bytes as read, for the fields a reader
	// takes generically; nil with Manifest.
	ManifestJSON []byte
	// Warnings are what Open and the readers noticed and did not refuse.
	Warnings []string

	// The telemetry files, read once: the summary and the report's
	// timeline both take them, and a cut last line is warned about once.
	gpu    read[GPUSample]
	server read[ServerSample]
	client read[ClientSample]
}

// read is one file's samples, read at the first call.
type read[T any] struct {
	done    bool
	samples []T
	err     error
}

func readOnce[T any](r *Run, c *read[T], name string, decode func(io.Reader) ([]T, error)) ([]T, error) {
	if !c.done {
		c.samples, c.err = readTelemetry(r, name, decode)
		c.done = true
	}
	return c.samples, c.err
}

func isFormatError(err error) bool {
	_, ok := errors.AsType[*FormatError](err)
	return ok
}

// Open opens the run directory dir. It needs requests.jsonl; run.json is
// read when present (its absence, or a run that never finished, is a
// warning; a newer format, a *FormatError, refuses the directory).
func Open(dir string) (*Run, error) {
	if di, err := os.Stat(dir); err == nil && !di.IsDir() {
		if slices.Contains(Files(), filepath.Base(dir)) {
			return nil, fmt.Errorf("run %s: a file of a run: give its directory, %s", dir, filepath.Dir(dir))
		}
		return nil, fmt.Errorf("run %s: a file, not a run directory", dir)
	}
	records := filepath.Join(dir, RecordsFile)
	fi, err := os.Stat(records)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if _, derr := os.Stat(dir); derr != nil {
				return nil, fmt.Errorf("run %s: %w", dir, derr)
			}
			if runs := HoldsRuns(dir); runs != "" {
				return nil, &HoldsRunsError{Dir: dir, Runs: runs}
			}
			return nil, fmt.Errorf("run %s: not a run directory (no %s)", dir, RecordsFile)
		}
		return nil, fmt.Errorf("run %s: %w", dir, err)
	}
	if err := checkMode(records, fi); err != nil {
		return nil, fmt.Errorf("run %s: %w", dir, err)
	}
	r := &Run{Dir: dir}
	raw, m, err := ReadManifestRaw(dir)
	switch {
	case err == nil:
		r.Manifest, r.ManifestJSON = m, raw
		if m.ExitState == ExitRunning {
			r.Warnings = append(r.Warnings, runningWarning(dir, m))
		}
	case errors.Is(err, fs.ErrNotExist):
		r.Warnings = append(r.Warnings, fmt.Sprintf("%s: no %s (reporting from %s alone)", dir, ManifestFile, RecordsFile))
	case isFormatError(err):
		return nil, fmt.Errorf("run %s: %w", dir, err)
	default:
		r.Warnings = append(r.Warnings, fmt.Sprintf("%v (reporting from %s alone)", err, RecordsFile))
	}
	return r, nil
}

// runningWarning is Open's warning on a run whose run.json says running:
// still going (its process is alive on this host: the records so far are
// reported, and the run rewrites summary.json when it ends), or cut short.
func runningWarning(dir string, m *Manifest) string {
	switch m.Writer() {
	case WriterAlive:
		return fmt.Sprintf("%s: the run is still going (pid %d on this host): reporting the records written so far", dir, m.Host.PID)
	case WriterGone:
		return fmt.Sprintf("%s: the run did not finish (run.json still says running, and its process, pid %d on this host, is gone: killed?); reporting the records it wrote", dir, m.Host.PID)
	}
	return fmt.Sprintf("%s: the run did not finish (run.json still says running: the process was killed?); reporting the records it wrote", dir)
}

// Records yields the run's records one at a time, reusing nothing: a
// caller may keep a record. A last line cut short by a crash ends the
// sequence with a warning (in r.Warnings), not an error; a record that
// repeats an earlier one (a line written twice) is left out, with a
// warning naming its line. When the sequence
// has been read to its end, a record count that disagrees with run.json's is
// a warning too.
func (r *Run) Records() iter.Seq2[*Record, error] {
	return func(yield func(*Record, error) bool) {
		f, err := OpenFile(filepath.Join(r.Dir, RecordsFile))
		if err != nil {
			yield(nil, fmt.Errorf("run %s: %w", r.Dir, err))
			return
		}
		defer f.Close()
		var n int64
		path, dups, stopped := filepath.Join(r.Dir, RecordsFile), NewRepeats(), false
		ReadNumbered(f, func(line int, rec *Record, err error) bool {
			if err != nil {
				var te *TruncatedError
				if errors.As(err, &te) {
					r.Warnings = append(r.Warnings, truncatedWarning(path, te))
					return false
				}
				yield(nil, fmt.Errorf("%s:%d: %w", path, line, err))
				stopped = true
				return false
			}
			if dups.Repeat(line, rec) {
				return true
			}
			n++
			stopped = !yield(rec, nil)
			return !stopped
		})
		if stopped {
			return
		}
		if w := dups.Warning(path); w != "" {
			r.Warnings = append(r.Warnings, w)
		}
		if m := r.Manifest; m != nil && m.ExitState != ExitRunning && m.Records != n {
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s: run.json counts %d records, %s holds %d", r.Dir, m.Records, RecordsFile, n))
		} else if m != nil && m.ExitState == ExitRunning {
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s: %d whole records found in %s", r.Dir, n, RecordsFile))
		}
	}
}

// GPUSamples reads gpu.jsonl, once (later calls return the same samples
// and error); nil and no error when the run has none. A last line cut short
// is left out with a warning in r.Warnings, the lines before it kept (the
// telemetry files' one rule, EachLine); any other line that does not decode
// is an error naming the file's path and the line. Not safe for concurrent
// use.
func (r *Run) GPUSamples() ([]GPUSample, error) { return readOnce(r, &r.gpu, GPUFile, ReadGPUSamples) }

// ServerSamples reads server.jsonl, once, as GPUSamples; nil and no error
// when the run has none.
func (r *Run) ServerSamples() ([]ServerSample, error) {
	return readOnce(r, &r.server, ServerFile, ReadServerSamples)
}

// ClientSamples reads client.jsonl, once, as GPUSamples; nil and no error
// when the run has none.
func (r *Run) ClientSamples() ([]ClientSample, error) {
	return readOnce(r, &r.client, ClientFile, ReadClientSamples)
}

// EachTelemetryLine calls use with each line of the run's telemetry file
// name (GPUFile, ServerFile or ClientFile), as it is in the file, once the
// line has decoded as that file's samples do: it reads by the rule and
// the checks of GPUSamples, ServerSamples and ClientSamples, for a caller
// that keeps the lines (merge). A missing file has no lines. A last line cut
// short is left out with a warning in r.Warnings; any other line that does
// not decode, or an error of use, is an error naming the file's path and
// the line.
func (r *Run) EachTelemetryLine(name string, use func(line []byte) error) error {
	var each func(io.Reader) error
	switch name {
	case GPUFile:
		each = func(f io.Reader) error {
			return eachSample(f, name, func(_ *GPUSample, line []byte) error { return use(line) })
		}
	case ServerFile:
		each = func(f io.Reader) error {
			return eachSample(f, name, func(_ *ServerSample, line []byte) error { return use(line) })
		}
	case ClientFile:
		each = func(f io.Reader) error {
			return eachSample(f, name, func(_ *ClientSample, line []byte) error { return use(line) })
		}
	default:
		return fmt.Errorf("%s is not a telemetry file of a run", name)
	}
	_, err := readTelemetry(r, name, func(f io.Reader) (struct{}, error) { return struct{}{}, each(f) })
	return err
}

// readTelemetry reads the run's telemetry file name with read; a missing
// file is the zero value and no error. A line error names the file's path,
// so that a report of several runs says whose file it is; a last line cut
// short (*TruncatedError) is a warning in r.Warnings, and what read made of
// the lines before it is returned without an error.
func readTelemetry[T any](r *Run, name string, read func(io.Reader) (T, error)) (T, error) {
	path := filepath.Join(r.Dir, name)
	f, err := OpenFile(path)
	if err != nil {
		var zero T
		if errors.Is(err, fs.ErrNotExist) {
			return zero, nil
		}
		return zero, err
	}
	defer f.Close()
	v, err := read(f)
	if le, ok := errors.AsType[*lineError](err); ok {
		le.file = path
	}
	if te, ok := errors.AsType[*TruncatedError](err); ok {
		r.Warnings = append(r.Warnings, truncatedWarning(path, te))
		err = nil
	}
	return v, err
}

// truncatedWarning is the warning on the file at path whose last line was
// cut short: a requests.jsonl's or a telemetry file's, in the same words.
func truncatedWarning(path string, te *TruncatedError) string {
	return fmt.Sprintf("%s:%d: the last line is incomplete (run cut short?): %v; left out", path, te.Line, errors.Unwrap(te.Err))
}
