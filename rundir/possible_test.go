package rundir

import (
	"strings"
	"testing"
)

// TestReadRecordsRefusesImpossibleRecords: a record with a negative token
// count, a first token before its send or an end before its first token is
// refused naming its line and the fields, by both decoders (the fast path
// and encoding/json, which an escape in a string selects). Before, report
// printed a TTFT p50 of −5000.00 ms and −238.9 output tok/s as measured.
func TestReadRecordsRefusesImpossibleRecords(t *testing.T) {
	ok := `{"id":1,"stage":"measure","level":1,"sent_ns":1000,"first_token_ns":2000,"end_ns":3000,"done_ns":3000,"input_tokens":5,"output_tokens":7,"ok":true}`
	for name, c := range map[string]struct{ from, to, want string }{
		"negative tokens":      {`"output_tokens":7`, `"output_tokens":-7`, "a negative token count (input_tokens 5, output_tokens -7)"},
		"TTFT before send":     {`"first_token_ns":2000`, `"first_token_ns":500`, "first_token_ns 500 is before sent_ns 1000"},
		"end before 1st token": {`"end_ns":3000`, `"end_ns":1500`, "end_ns 1500 is before first_token_ns 2000"},
	} {
		for _, escaped := range []bool{false, true} {
			line := strings.Replace(ok, c.from, c.to, 1)
			if escaped {
				line = strings.Replace(line, `"measure"`, `"measur\u0065"`, 1) // not the fast path's
			}
			var errs []error
			for _, err := range ReadRecords(strings.NewReader(ok + "\n" + line + "\n" + ok + "\n")) {
				if err != nil {
					errs = append(errs, err)
				}
			}
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), "line 2: "+c.want) {
				t.Errorf("%s (escaped %v): errors %v; want line 2 refused: %s", name, escaped, errs, c.want)
			}
		}
	}
}
