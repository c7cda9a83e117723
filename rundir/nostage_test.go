package rundir

import (
	"strings"
	"testing"
)

// TestReadRecordsRefusesALineThatIsNoRecord: a line that decodes but has no
// stage ({}, null, an object of other fields) is no request record and is
// refused at its line, as a line that does not decode is; report counted
// it as a record ("requests.jsonl holds 102" of 101) and watch drew it as a
// level 0 row that split level 8 in two.
func TestReadRecordsRefusesALineThatIsNoRecord(t *testing.T) {
	good := `{"id":1,"stage":"measure","level":8,"ok":true}` + "\n"
	for _, bad := range []string{"{}", "null", `{"x":"y"}`, `{"id":7,"level":8}`} {
		var n int
		var err error
		for _, e := range ReadRecords(strings.NewReader(good + bad + "\n" + good)) {
			if e != nil {
				err = e
				break
			}
			n++
		}
		if want := "line 2: not a request record (no stage)"; n != 1 || err == nil || err.Error() != want {
			t.Errorf("requests.jsonl with line 2 %s: %d records, %v; want 1 and %q", bad, n, err, want)
		}
	}
}

// TestReadRecordsRefusesAnOffsetOutsideARun: a time more than a year from
// the run's start (2^63−1 in an edited line) is refused at its line, naming
// the field; `report` on such a line grew its timeline to the number and was
// killed for memory. A year either side is still read.
func TestReadRecordsRefusesAnOffsetOutsideARun(t *testing.T) {
	good := `{"id":1,"stage":"measure","level":8,"ok":true,"sent_ns":5,"end_ns":9,"chunks":[[7,1]]}` + "\n"
	for _, tt := range []struct{ bad, want string }{
		{`{"id":2,"stage":"measure","level":8,"sent_ns":5,"end_ns":9223372036854775807,"done_ns":9223372036854775807}`,
			"line 2: end_ns 9223372036854775807 is more than a year (31622400000000000 ns) from the run's start: the record is corrupt"},
		{`{"id":2,"stage":"measure","level":8,"scheduled_ns":-31622400000000001}`,
			"line 2: scheduled_ns -31622400000000001 is more than a year (31622400000000000 ns) from the run's start: the record is corrupt"},
		{`{"id":2,"stage":"measure","level":8,"sent_ns":5,"chunks":[[6,1],[31622400000000001,1]]}`,
			"line 2: chunks[1] offset 31622400000000001 is more than a year (31622400000000000 ns) from the run's start: the record is corrupt"},
		{`{"id":2,"stage":"measure","level":8,"sent_ns":5,"done_ns":31622400000000000}`, ""},
		{`{"id":2,"stage":"measure","level":8,"scheduled_ns":-31622400000000000}`, ""},
	} {
		var n int
		var err error
		for _, e := range ReadRecords(strings.NewReader(good + tt.bad + "\n" + good)) {
			if e != nil {
				err = e
				break
			}
			n++
		}
		if tt.want == "" {
			if err != nil || n != 3 {
				t.Errorf("line 2 %s: %d records, %v; want 3 and no error", tt.bad, n, err)
			}
			continue
		}
		if n != 1 || err == nil || err.Error() != tt.want {
			t.Errorf("line 2 %s: %d records, %v; want 1 and %q", tt.bad, n, err, tt.want)
		}
	}
}
