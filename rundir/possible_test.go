package rundir

import (
	"strings"
	"testing"
)

// TestReadRecordsRefusesImpossibleRecords: a record with a negative token
// count, a first token before its send, an end before its first token, or
// chunks out of time order, outside the stream or of negative count is
// refused naming its line and the fields, by both decoders (the fast path
// and encoding/json, which an escape in a string selects). Before, report
// printed a TTFT p50 of −5000.00 ms and −238.9 output tok/s as measured.
func TestReadRecordsRefusesImpossibleRecords(t *testing.T) {
	ok := `{"id":1,"stage":"measure","level":1,"sent_ns":1000,"first_token_ns":2000,"end_ns":3000,"done_ns":3000,"chunks":[[2000,3],[2500,4],[3000,0]],"input_tokens":5,"output_tokens":7,"ok":true}`
	for name, c := range map[string]struct{ from, to, want string }{
		"negative tokens":      {`"output_tokens":7`, `"output_tokens":-7`, "a negative token count (input_tokens 5, output_tokens -7)"},
		"negative level":       {`"level":1`, `"level":-3`, "level -3: a level is a concurrency, a request rate or 0 (a trace's), never negative"},
		"TTFT before send":     {`"first_token_ns":2000`, `"first_token_ns":500`, "first_token_ns 500 is before sent_ns 1000"},
		"end before 1st token": {`"end_ns":3000`, `"end_ns":1500`, "end_ns 1500 is before first_token_ns 2000"},
		// A reversed chunk list read as an ITL of −500 µs beside the others,
		// and a mean ITL below the p50.
		"chunks out of order":  {`[3000,0]`, `[2400,0]`, "chunks[2] at 2400 ns is before chunks[1] at 2500 ns"},
		"chunk before 1st tok": {`[2000,3]`, `[1900,3]`, "chunks[0] at 1900 ns is before first_token_ns 2000"},
		"chunk after end":      {`[3000,0]`, `[3100,0]`, "chunks[2] at 3100 ns is after end_ns 3000"},
		"negative chunk":       {`[2500,4]`, `[2500,-4]`, "chunks[1] counts -4 tokens"},
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
