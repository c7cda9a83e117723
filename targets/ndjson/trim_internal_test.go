package ndjson

import (
	"bytes"
	"testing"
)

// TestTrimIsBytesTrim: the written-out trim drops exactly what
// bytes.Trim(b, " \t\r") drops, and nothing else (a line feed, a form feed
// or a no-break space stays).
func TestTrimIsBytesTrim(t *testing.T) {
	for _, in := range []string{"", " ", "\r", " \t\r ", `{"a":1}`, " \t{\"a\": 1}\r", "\r\r{ } \t", "\f{}", "{}\v", "\u00a0{}", "a b\tc", "\n{}\n"} {
		if got, want := trim([]byte(in)), bytes.Trim([]byte(in), " \t\r"); !bytes.Equal(got, want) {
			t.Errorf("trim(%q) = %q, want %q", in, got, want)
		}
	}
}
