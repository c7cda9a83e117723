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
