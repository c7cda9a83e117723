package scenarios

import (
	"strings"
	"testing"
	"unicode/utf16"
)

// TestLoadRefusesTextNotUTF8: a scenario saved in Latin-1 (description:
// café) was accepted and its é became U+FFFD in run.json, and a model
// name's stray byte was sent to the server as U+FFFD: a file that is not
// UTF-8 is refused at the first byte that is not, by line and column.
func TestLoadRefusesTextNotUTF8(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{"name: t\nload: {concurrency: 1, requests: 4}\ndescription: caf\xe9\n", "s.yaml:3:17: the file is not UTF-8 text (byte 0xe9): save it as UTF-8"},
		{"name: t\ntarget: {model: m\xffx}\nload: {concurrency: 1, requests: 4}\n", "s.yaml:2:18: the file is not UTF-8 text (byte 0xff): save it as UTF-8"},
		{"n\x00a\x00m\x00e\x00:\x00", "s.yaml: the file looks like UTF-16 without a byte order mark (a NUL byte every other byte): save it as UTF-8"},
	} {
		_, err := Load("s.yaml", []byte(c.data))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q:\n got %v\nwant %s", c.data, err, c.want)
		}
	}
}

// TestLoadReadsUTF16: Windows PowerShell 5's > and Notepad's "Unicode"
// save UTF-16 with a byte order mark, which YAML allows; such a file was
// refused as "s.yaml:1:1: want a mapping of keys". It is read as the text
// it holds, its mistakes at their lines.
func TestLoadReadsUTF16(t *testing.T) {
	text := "name: café\nload: {concurrency: 2, requests: 4}\n"
	for _, bigEndian := range []bool{false, true} {
		data := utf16Bytes("\ufeff"+text, bigEndian)
		_, err := Load("s.yaml", data)
		if err == nil || err.Error() != `s.yaml:1:7: name: must be 1–64 lower-case letters, digits and hyphens, starting with a letter or digit, got "café"` {
			t.Errorf("big endian %v: %v", bigEndian, err)
		}
		s, err := Load("s.yaml", utf16Bytes("\ufeff"+strings.Replace(text, "café", "cafe", 1), bigEndian))
		if err != nil || s.Name != "cafe" || s.Load.Concurrency != 2 {
			t.Errorf("big endian %v: %+v, %v", bigEndian, s, err)
		}
	}
}

func utf16Bytes(s string, bigEndian bool) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}
