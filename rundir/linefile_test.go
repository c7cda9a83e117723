package rundir

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestRecordsNameFileAndLine: a record that does not decode is named
// FILE:LINE (a NUL byte at line 2), and a last line cut short is left out
// with a warning FILE:LINE that says the line's number once. Before:
// "FILE: line 2: …" and "FILE: last line 3 is incomplete (run cut short?):
// line 3: …".
func TestRecordsNameFileAndLine(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, RecordsFile)
	rec := func(id uint64) string {
		return string(appendRecordJSON(nil, &Record{ID: id, Stage: StageMeasure, Level: 1, OK: true})) + "\n"
	}
	read := func(body string) (n int, err error, rd *Run) {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		rd, err = Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, err := range rd.Records() {
			if err != nil {
				return n, err, rd
			}
			n++
		}
		return n, nil, rd
	}
	_, err, _ := read(rec(1) + `{"id": 2, "stage": "meas` + "\x00" + `ure"}` + "\n" + rec(3))
	if want := path + `:2: invalid character '\x00' in string literal`; err == nil || err.Error() != want {
		t.Errorf("a NUL byte at line 2: %v\nwant %s", err, want)
	}
	n, err, rd := read(rec(1) + rec(2) + `{"id": 3, "sta`)
	want := path + ":3: the last line is incomplete (run cut short?): unexpected end of JSON input; left out"
	if err != nil || n != 2 || !slices.Contains(rd.Warnings, want) {
		t.Errorf("a last line cut short: %d records, %v, warnings %q\nwant 2, nil and %q", n, err, rd.Warnings, want)
	}
}

// TestRecordsLastLineNoRecord: a last line that is not the start of a
// record (text: a requests.jsonl that is a link to a key file; a whole
// object without a stage) is an error naming FILE:LINE, not a run cut
// short. Before, such a file read as no records and a warning, and report
// exited 0 with "no measured requests".
func TestRecordsLastLineNoRecord(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, RecordsFile)
	for body, want := range map[string]string{
		"AWS_SECRET_ACCESS_KEY=abc\n": path + ":1: invalid character 'A' looking for beginning of value",
		`{"id": 1}` + "\n":            path + ":1: not a request record (no stage)",
		`[1, 2` + "\n":                path + ":1: unexpected end of JSON input",
	} {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		rd, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		var got error
		for _, err := range rd.Records() {
			if err != nil {
				got = err
				break
			}
		}
		if got == nil || got.Error() != want {
			t.Errorf("requests.jsonl %q: %v, warnings %q\nwant the error %s", body, got, rd.Warnings, want)
		}
	}
}
