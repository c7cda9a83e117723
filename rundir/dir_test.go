package rundir

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCreateGuards: an existing run is not overwritten without force; an
// unwritable directory fails before any request.
func TestCreateGuards(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, RecordsFile), []byte("{}\n"), 0o644)
	var he *HoldsRunError
	if err := Create(dir, false); !errors.As(err, &he) || !errors.Is(err, ErrOutTaken) || he.File != RecordsFile || !strings.Contains(err.Error(), "--force") {
		t.Errorf("Create(existing) = %v; want a HoldsRunError naming --force", err)
	}
	if err := Create(dir, true); err != nil {
		t.Errorf("Create(existing, force) = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, RecordsFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("force left the old records: %v", err)
	}
	if os.Geteuid() != 0 { // root writes anywhere
		ro := filepath.Join(t.TempDir(), "ro")
		os.Mkdir(ro, 0o555)
		if err := Create(ro, false); err == nil {
			t.Error("Create(read-only) succeeded")
		}
	}
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o644)
	if err := Create(filepath.Join(f, "run"), false); err == nil {
		t.Error("Create(under a file) succeeded")
	}
}

// TestOutRefusesTheRoot: "--out $DIR/" with DIR unset is "/"; neither a
// run's files nor a report's may land there (as root, both went ahead).
// Nothing is written, so the test is safe as any user.
func TestOutRefusesTheRoot(t *testing.T) {
	for _, dir := range []string{"/", "//", "/.", "/tmp/.."} {
		if err := Create(dir, false); err == nil || !strings.Contains(err.Error(), "root") {
			t.Errorf("Create(%q) = %v; want a refusal naming the root", dir, err)
		}
		if err := CheckReportDir(dir, []string{t.TempDir()}); err == nil || !strings.Contains(err.Error(), "root") {
			t.Errorf("CheckReportDir(%q) = %v; want a refusal naming the root", dir, err)
		}
	}
}

// TestNoWriteThroughLinks: a dangling link where a run file goes is a run
// file already there (Create refuses it; force removes the link, never its
// target), CreateFile refuses to write through any link, and WriteFile
// replaces a link rather than writing where it points.
func TestNoWriteThroughLinks(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	target := filepath.Join(elsewhere, "victim")
	if err := os.Symlink(target, filepath.Join(dir, RecordsFile)); err != nil {
		t.Fatal(err)
	}
	var he *HoldsRunError
	if err := Create(dir, false); !errors.As(err, &he) {
		t.Fatalf("Create with a dangling requests.jsonl link = %v; want HoldsRunError", err)
	}
	if _, err := CreateRecordWriter(dir); err == nil {
		t.Error("CreateRecordWriter wrote through a dangling link")
	}
	if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the link's target was created: %v", err)
	}
	if err := Create(dir, true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(dir, RecordsFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("force left the link: %v", err)
	}

	// A link to an existing file: CreateFile refuses, WriteFile replaces the
	// link and leaves the file alone.
	os.WriteFile(target, []byte("precious"), 0o644)
	for _, name := range []string{SummaryFile, ManifestFile} {
		os.Symlink(target, filepath.Join(dir, name))
	}
	if _, err := CreateFile(dir, SummaryFile); err == nil {
		t.Error("CreateFile wrote through a link")
	}
	if err := WriteFile(dir, SummaryFile, []byte("{}\n")); err != nil {
		t.Fatal(err)
	}
	if err := WriteManifest(dir, &Manifest{Tool: "inferbench", Start: time.Unix(0, 0)}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "precious" {
		t.Errorf("the link's target was overwritten: %q", b)
	}
	for _, name := range []string{SummaryFile, ManifestFile} {
		if fi, err := os.Lstat(filepath.Join(dir, name)); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("%s: %v %v; want a regular file in place of the link", name, fi.Mode(), err)
		}
	}
}

// TestOpenWarnings: a run that never finished says so with the records it
// holds; a count that disagrees with run.json is a warning.
func TestOpenWarnings(t *testing.T) {
	dir := t.TempDir()
	rw, err := CreateRecordWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		rw.Write(&Record{ID: uint64(i), Stage: StageMeasure, OK: true})
	}
	rw.Close()
	WriteManifest(dir, &Manifest{Tool: "inferbench", ExitState: ExitRunning})
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range r.Records() {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if got := strings.Join(r.Warnings, "\n"); n != 3 || !strings.Contains(got, "did not finish") || !strings.Contains(got, "3 whole records") {
		t.Errorf("%d records, warnings %q; want 3 and a warning that the run did not finish, counting 3", n, got)
	}
	WriteManifest(dir, &Manifest{Tool: "inferbench", ExitState: ExitComplete, Records: 5})
	r, _ = Open(dir)
	for range r.Records() {
	}
	if got := strings.Join(r.Warnings, "\n"); !strings.Contains(got, "counts 5 records") || !strings.Contains(got, "holds 3") {
		t.Errorf("warnings %q; want the count mismatch", got)
	}
}

// TestOpenBoundsRunJSON: a run.json that is a link to something endless
// is refused at maxManifestSize with a warning, not read until memory runs
// out; the records are still reported.
func TestOpenBoundsRunJSON(t *testing.T) {
	dir := t.TempDir()
	rw, err := CreateRecordWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	rw.Write(&Record{ID: 1, Stage: StageMeasure, OK: true})
	rw.Close()
	if err := os.Symlink("/dev/zero", filepath.Join(dir, ManifestFile)); err != nil {
		t.Fatal(err)
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.Warnings, "\n"); r.Manifest != nil || !strings.Contains(got, "larger than 16 MiB: not a run.json") {
		t.Errorf("manifest %v, warnings %q; want none and the bound", r.Manifest, got)
	}
}

// TestCheckReportDir: a report may go to a fresh directory or to one of the
// runs it reports, never beside another run's records.
func TestCheckReportDir(t *testing.T) {
	a, b, fresh := t.TempDir(), t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if err := WriteManifest(d, &Manifest{Tool: "inferbench"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := CheckReportDir(fresh, []string{a, b}); err != nil {
		t.Errorf("a fresh directory: %v", err)
	}
	if err := CheckReportDir(filepath.Join(fresh, "missing"), []string{a}); err != nil {
		t.Errorf("a directory yet to be made: %v", err)
	}
	if err := CheckReportDir(a+"/", []string{b, filepath.Join(a, ".")}); err != nil {
		t.Errorf("one of the runs reported, spelled otherwise: %v", err)
	}
	err := CheckReportDir(a, []string{b})
	if err == nil || !strings.Contains(err.Error(), "holds another run (run.json)") {
		t.Errorf("another run's directory: %v; want a refusal", err)
	}
	// A file in its place is refused here, before report prints its
	// tables (it printed them, then said so when it came to write).
	file := filepath.Join(fresh, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{file, filepath.Join(file, "sub")} {
		if err := CheckReportDir(out, []string{a}); err == nil || !strings.Contains(err.Error(), "--out: "+file+" is a file") {
			t.Errorf("%s: %v; want the file named", out, err)
		}
	}
}

// TestDiskFullCountsLostRecords: on a full disk (/dev/full answers every
// write with ENOSPC) each record is lost and counted, and the error comes
// back, so the run can say how many it lost.
func TestDiskFullCountsLostRecords(t *testing.T) {
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full here")
	}
	rw := NewRecordWriter(f)
	for i := range 3 {
		if err := rw.Write(&Record{ID: uint64(i), OK: true}); err == nil {
			t.Fatalf("record %d written to a full disk", i)
		}
	}
	if rw.Count() != 0 || rw.Lost() != 3 {
		t.Errorf("written %d, lost %d; want 0 and 3", rw.Count(), rw.Lost())
	}
	rw.Close()
}

// TestTelemetryReadOnce: a run's telemetry files are read at the first
// call; later calls return the same samples, though the file changed.
func TestTelemetryReadOnce(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, RecordsFile), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, GPUFile), []byte(`{"t_ns":1,"index":0}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	first, err := r.GPUSamples()
	if err != nil || len(first) != 1 {
		t.Fatalf("first read: %v, %d samples", err, len(first))
	}
	if err := os.WriteFile(filepath.Join(dir, GPUFile), []byte("garbage\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if again, err := r.GPUSamples(); err != nil || len(again) != 1 {
		t.Errorf("second read: %v, %d samples; want the first read's", err, len(again))
	}
}

// TestOpenAFile: a file given where a run directory is wanted is named as
// such, and a run's own file (run.json typed for its directory) names the
// directory to give. Before: "stat run.json/requests.jsonl: not a
// directory".
func TestOpenAFile(t *testing.T) {
	dir := t.TempDir()
	manifest, other := filepath.Join(dir, ManifestFile), filepath.Join(dir, "notes.txt")
	for _, f := range []string{manifest, other} {
		if err := os.WriteFile(f, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for f, want := range map[string]string{
		manifest: "run " + manifest + ": a file of a run: give its directory, " + dir,
		other:    "run " + other + ": a file, not a run directory",
	} {
		if _, err := Open(f); err == nil || err.Error() != want {
			t.Errorf("Open(%s): %v; want %s", f, err, want)
		}
	}
}

// TestOutRefusesOtherFiles: a run, or a report, is not written into a
// directory that holds other files and none of its own, --force or not,
// nor through a link to one (as root, `--out link-to-/etc` wrote a run's
// five files into /etc). Hidden entries do not count; a report's own
// entries do not count for a report.
func TestOutRefusesOtherFiles(t *testing.T) {
	busy := t.TempDir()
	for _, f := range []string{"a.txt", "b.txt", "c.txt", "d.txt", ".gitkeep"} {
		if err := os.WriteFile(filepath.Join(busy, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(busy, link); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{busy, link} {
		for _, force := range []bool{false, true} {
			var ne *NotEmptyError
			err := Create(dir, force)
			if !errors.As(err, &ne) || !errors.Is(err, ErrOutTaken) || err.Error() != "--out "+dir+" is not empty and holds no run (a.txt, b.txt, c.txt and 1 more): name a new or empty directory" {
				t.Errorf("Create(%s, force %v) = %v; want a NotEmptyError", dir, force, err)
			}
		}
		if err := CheckReportDir(dir, nil, "report.md"); err == nil || !strings.Contains(err.Error(), "holds no report (a.txt") {
			t.Errorf("CheckReportDir(%s) = %v; want a refusal", dir, err)
		}
	}
	if entries, _ := os.ReadDir(busy); len(entries) != 5 {
		t.Errorf("the refused directory holds %d entries; want its own 5", len(entries))
	}
	hidden := t.TempDir()
	os.WriteFile(filepath.Join(hidden, ".gitkeep"), nil, 0o644)
	if err := Create(hidden, false); err != nil {
		t.Errorf("a directory of hidden files only: %v", err)
	}
	report := t.TempDir()
	os.WriteFile(filepath.Join(report, "report.md"), nil, 0o644)
	os.Mkdir(filepath.Join(report, "plots"), 0o755)
	if err := CheckReportDir(report, nil, "report.md", "plots"); err != nil {
		t.Errorf("a report's directory, reported again: %v", err)
	}
}
