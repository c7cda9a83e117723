package rundir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCountLines: blank lines (CRLF ones too) are not counted, a last line
// without its newline is, and a line longer than the reader's buffer is one
// line.
func TestCountLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	for body, want := range map[string]int64{
		"":                                   0,
		"a\n":                                1,
		"a\n\nb\r\n\r\n":                     2,
		"a\nb":                               2,
		"\n\n":                               0,
		strings.Repeat("x", 600<<10) + "\nb": 2,
	} {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if n, err := countLines(path); err != nil || n != want {
			t.Errorf("countLines(%.20q…) = %d, %v; want %d", body, n, err, want)
		}
	}
}
