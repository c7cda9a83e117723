package loadgen

import (
	"github.com/inferbench/inferbench/targets/targettest"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestNotHTTPHasNoStatus: a server that answers with a line that is not an
// HTTP status line gave no response: its record has no status (before, the
// bytes it sent made the record say 200), and its class is protocol, the
// server's answer broke HTTP (TestClassifyFraming).
func TestNotHTTPHasNoStatus(t *testing.T) {
	rec := oneChatRequest(t, targettest.RawServer(t, targettest.Reply("HELLO THERE\r\n\r\n")))
	if rec.OK || rec.ErrorClass != rundir.Protocol || rec.Status != 0 || !strings.Contains(rec.Error, "malformed HTTP") {
		t.Errorf("record: ok %v, class %q, status %d, error %q; want a protocol failure with no status, naming the malformed response", rec.OK, rec.ErrorClass, rec.Status, rec.Error)
	}
}
