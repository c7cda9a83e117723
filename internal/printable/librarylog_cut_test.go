package printable

import (
	"bytes"
	"log"
	"strings"
	"testing"
)

// TestLibraryLogIsPrintable: what a library logs through the standard
// logger (net/http quotes the bytes of an unsolicited response) reaches the
// terminal written out, on one line after "inferbench: ", and cut: a server
// sent "\x1b]0;PWNED\x07" and 100 KB and the terminal got both as they were.
func TestLibraryLogIsPrintable(t *testing.T) {
	var out bytes.Buffer
	l := log.New(&LibraryLog{W: &out}, "", 0)
	l.Printf("Unsolicited response received on idle HTTP channel starting with %q; err=<nil>", "HTTP/1.1 200 OK\r\n\x1b]0;PWNED\x07"+strings.Repeat("x", 100000))
	got := out.String()
	if !strings.HasPrefix(got, "inferbench: Unsolicited response") || strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, "…\n") {
		t.Errorf("logged %q…; want one line after 'inferbench: ', cut", got[:min(len(got), 120)])
	}
	if strings.ContainsAny(got, "\x1b\x07\r") || len(got) > MaxLibraryLog+64 {
		t.Errorf("logged %d bytes with control characters %v; want them written out, at most %d bytes", len(got), strings.ContainsAny(got, "\x1b\x07"), MaxLibraryLog+64)
	}
	out.Reset()
	l.Printf("raw \x1b[31mred\x1b[0m")
	if got := out.String(); got != "inferbench: raw \\x1b[31mred\\x1b[0m\n" {
		t.Errorf("logged %q; want the escape written out", got)
	}
}
