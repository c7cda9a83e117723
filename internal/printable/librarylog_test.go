package printable

import (
	"fmt"
	"strings"
	"testing"
)

// TestLibraryLogSaysAKindOnce: net/http's line for a server that sent
// bytes past a response's end comes once per request, each quoting the
// server's bytes; the log shows the first (its escape written out), says
// once that more are left out, and shows a line of another kind.
func TestLibraryLogSaysAKindOnce(t *testing.T) {
	var b strings.Builder
	l := &LibraryLog{W: &b}
	for i := range 50 {
		fmt.Fprintf(l, "Unsolicited response received on idle HTTP channel starting with %q; err=<nil>\n", fmt.Sprintf("GARBAGE\x1b[2J%d\r\n", i))
	}
	fmt.Fprintln(l, "http: TLS handshake error from 127.0.0.1:5555: EOF")
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	want := []string{
		`inferbench: Unsolicited response received on idle HTTP channel starting with "GARBAGE\x1b[2J0\r\n"; err=<nil>`,
		`inferbench: (Unsolicited response received on idle HTTP channel: said again; more of these are not shown)`,
		`inferbench: http: TLS handshake error from 127.0.0.1:5555: EOF`,
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines:\n%s\nwant %d", len(lines), b.String(), len(want))
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d: %q\nwant %q", i, lines[i], want[i])
		}
	}
	if strings.Contains(b.String(), "\x1b") {
		t.Error("an escape reached the terminal")
	}
}
