package rundir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// TestCountRecordsEndsOnAnEndlessDeviceOfLines: a requests.jsonl that is a
// link to /dev/urandom (endless, with a newline every few hundred bytes,
// so no line reaches the line bound) is refused at its first line. Before,
// countLines counted its lines to no end: `cost --run DIR` hung.
func TestCountRecordsEndsOnAnEndlessDeviceOfLines(t *testing.T) {
	if _, err := os.Stat("/dev/urandom"); err != nil {
		t.Skip("no /dev/urandom here:", err)
	}
	dir := t.TempDir()
	if err := os.Symlink("/dev/urandom", filepath.Join(dir, RecordsFile)); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := countWithin(t, dir); err == nil || !strings.Contains(err.Error(), RecordsFile+":1:") {
		t.Errorf("CountRecords(requests.jsonl → /dev/urandom) = %v; want its line 1 refused", err)
	}
}

// countWithin is CountRecords(dir, 3)'s error, the test failed if it has
// not returned in 10 s (it hung on files that never end).
func countWithin(t *testing.T, dir string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := CountRecords(dir, 3)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("CountRecords(%s) still running after 10 s", dir)
		return nil
	}
}
