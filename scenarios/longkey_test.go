package scenarios

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestLoadShortensALongKey: an unknown key of 100,000 characters (a line
// pasted into the file) came back whole, twice, in a 200 KB error line.
// The key is shortened in the path and in the message, on a character's
// boundary.
func TestLoadShortensALongKey(t *testing.T) {
	key := strings.Repeat("é", 50000)
	_, err := Load("s.yaml", []byte("name: t\nload:\n  "+key+": 1\n"))
	if err == nil {
		t.Fatal("an unknown key loaded")
	}
	msg := err.Error()
	if len(msg) > 400 || !strings.Contains(msg, "unknown key") || !strings.Contains(msg, "…") || !utf8.ValidString(msg) {
		t.Errorf("error of %d bytes (valid UTF-8: %v): %.300s", len(msg), utf8.ValidString(msg), msg)
	}
	if !strings.HasPrefix(msg, "s.yaml:3:3: load.éé") {
		t.Errorf("error does not name the key's place: %.100s", msg)
	}
}

// TestLoadNamesAnInvisibleCharacterInAKey: a byte order mark inside the
// file (two files saved with one, joined with cat) or a zero-width space
// pasted into a key made a key that looked right and was unknown, with
// no did-you-mean and nothing to see.
func TestLoadNamesAnInvisibleCharacterInAKey(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"name: t\n\ufeffload: {concurrency: 2, requests: 4}\n",
			"s.yaml:2:1: \ufeffload: unknown key \"\\ufeffload\": it holds an invisible character, U+FEFF (did you mean \"load\"?)"},
		{"name: t\nload: {concurrency: 2, requ\u200bests: 4}\n",
			"s.yaml:2:24: load.requ\u200bests: unknown key \"requ\\u200bests\": it holds an invisible character, U+200B (did you mean \"requests\"?)"},
	} {
		_, err := Load("s.yaml", []byte(c.yaml))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.yaml, err, c.want)
		}
	}
}
