package rundir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecordsLeaveOutARepeatedLine: a requests.jsonl whose second record
// was written again at line 4 (and its third at line 6) yields 4 records,
// not 6, with one warning that names the file, the line and the line it
// repeats; a retry (the same id, another attempt) and a record out of order
// are records of their own, kept. Before, the repeat was summarized twice.
func TestRecordsLeaveOutARepeatedLine(t *testing.T) {
	dir := t.TempDir()
	recs := []*Record{
		{ID: 0, Stage: StageMeasure, Level: 4, SentNS: 100, DoneNS: 900, OK: true},
		{ID: 1, Stage: StageMeasure, Level: 4, SentNS: 200, DoneNS: 800, OK: true},
		{ID: 2, Stage: StageMeasure, Level: 4, SentNS: 300, DoneNS: 700, OK: true},
		{ID: 1, Stage: StageMeasure, Level: 4, SentNS: 200, DoneNS: 800, OK: true},                       // line 2 again
		{ID: 2, Stage: StageMeasure, Level: 4, SentNS: 1000, DoneNS: 1500, Attempt: 1, OK: true},         // a retry
		{ID: 2, Stage: StageMeasure, Level: 4, SentNS: 300, DoneNS: 700, OK: true},                       // line 3 again
		{ID: 3, Stage: StageMeasure, Level: 4, SentNS: 50, DoneNS: 60, OK: false, ErrorClass: "timeout"}, // out of order
	}
	var b []byte
	for _, r := range recs {
		b = append(appendRecordJSON(b, r), '\n')
	}
	if err := os.WriteFile(filepath.Join(dir, RecordsFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	rd, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for rec, err := range rd.Records() {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rec.ID)
	}
	if len(ids) != 5 || ids[3] != 2 || ids[4] != 3 {
		t.Errorf("records yielded: ids %v; want [0 1 2 2 3] (the repeats of lines 2 and 3 left out)", ids)
	}
	want := filepath.Join(dir, RecordsFile) + ":4: record id 1 repeats line 2 (a line written twice): left out, and 1 more repeated records"
	found := false
	for _, w := range rd.Warnings {
		found = found || w == want
	}
	if !found {
		t.Errorf("warnings %q\nwant one of them %q", strings.Join(rd.Warnings, "; "), want)
	}
}

// TestDuplicateKeyAllocatesNothing: the key is taken of every record
// Records reads, so it must not allocate (it did: 1 per record, the
// stage appended to a full array).
func TestDuplicateKeyAllocatesNothing(t *testing.T) {
	d, r := NewRepeats(), benchRecord()
	if n := testing.AllocsPerRun(100, func() { d.key(r) }); n != 0 {
		t.Fatalf("key allocates %v times a record, want 0", n)
	}
}
