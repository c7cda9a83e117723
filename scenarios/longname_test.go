package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAFileNameTooLongIsShownShort: a data file's name longer than a
// file's name can be (a prompt pasted where the file's name belongs) is
// refused in a line a terminal can show: the name's start and its length.
// Before, the error was os's "stat <the whole name>: file name too long":
// a line of 5,074 characters for a 5,006-byte name, 200,065 for a name
// given by an alias to a 200 KB anchor.
func TestAFileNameTooLongIsShownShort(t *testing.T) {
	dir := t.TempDir()
	name := strings.Repeat("What is the capital of France? ", 200)
	for _, key := range []string{"workload:\n  dataset: {format: jsonl, file: %q}\n", "load:\n  trace: {file: %q}\n"} {
		file := filepath.Join(dir, "s.yaml")
		yaml := "name: a\n" + strings.ReplaceAll(key, "%q", `"`+name+`"`)
		if !strings.Contains(key, "trace") {
			yaml += "load: {concurrency: 1}\n"
		}
		if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadFile(file)
		if err == nil {
			t.Fatalf("%s: no error", yaml[:40])
		}
		msg := err.Error()
		if len(msg) > 300 || strings.Contains(msg, "\n") || !strings.Contains(msg, "What is the capital") || !strings.Contains(msg, fmt.Sprintf("a name of %d bytes", len(filepath.Join(dir, name)))) {
			t.Errorf("a %d-byte file name: %d-byte error %.400q; want one line under 300 bytes with the name's start and its length", len(name), len(msg), msg)
		}
	}
	// A name of ordinary length is shown whole.
	short := filepath.Join(dir, strings.Repeat("d", 150)+".jsonl")
	if got := fileTrouble(short); got != short+": no such file" {
		t.Errorf("fileTrouble(%q) = %q", short, got)
	}
}
