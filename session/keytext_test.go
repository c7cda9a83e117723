package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
)

// TestKeysAsSent: a key from a file or the environment is sent without a
// byte-order mark or the white space around it, and one holding a control
// character is refused, saying where, never what. A key file saved with a
// BOM sent "Bearer \xef\xbb\xbfsk-…" (every request a 401); a variable
// from a Kubernetes Secret made from a file kept its newline, and net/http
// refused every request, each counted a connection failure.
func TestKeysAsSent(t *testing.T) {
	const key = "sk-secret-0123456789"
	dir := t.TempDir()
	for name, c := range map[string]struct {
		text, want, err string
	}{
		"bom":          {text: "\uFEFF" + key + "\r\n", want: key},
		"newline":      {text: key + "\n", want: key},
		"spaces":       {text: "  " + key + " \t", want: key},
		"control":      {text: "sk-sec\x04ret", err: "control character at byte 7 of 10"},
		"only spaces":  {text: " \t ", err: "white space"},
		"not set":      {text: "", want: ""},
		"escape first": {text: "\x1b[0m" + key, err: "control character at byte 1"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("INFERBENCH_TEST_KEY", c.text)
			if c.text == "" {
				os.Unsetenv("INFERBENCH_TEST_KEY")
			}
			got, err := targets.EnvKey("INFERBENCH_TEST_KEY")
			check := func(from string, got string, err error) {
				t.Helper()
				switch {
				case c.err == "" && (err != nil || got != c.want):
					t.Errorf("%s: %q, %v; want %q", from, got, err, c.want)
				case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
					t.Errorf("%s: %q, %v; want an error saying %q", from, got, err, c.err)
				case err != nil && strings.Contains(err.Error(), "sec"):
					t.Errorf("%s: the error shows the key: %v", from, err)
				}
			}
			check("environment", got, err)
			if c.text == "" || c.err == "white space" {
				return // a file says "the first line is empty" instead
			}
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
			if err := os.WriteFile(path, []byte(c.text), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err = ReadKeyFile(path)
			check("file", got, err)
		})
	}
}
