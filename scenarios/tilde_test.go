package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestATildeIsNoHomeDirectory: a data file written ~/data.jsonl (in a
// scenario, or after --dataset jsonl:, where no shell expands it) that
// does not exist is refused saying why: the ~ is a directory of that name
// here. It said only "~/data.jsonl: no such file", the file being right
// there in the home directory. A directory really named ~ is read.
func TestATildeIsNoHomeDirectory(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"~/ShareGPT.json", filepath.Join(dir, "~", "ShareGPT.json")} {
		got := fileTrouble(p)
		if !strings.HasPrefix(got, p+": no such file") || !strings.Contains(got, "no shell expands") {
			t.Errorf("fileTrouble(%q) = %q; want no such file, and that ~ is not expanded", p, got)
		}
	}
	real := filepath.Join(dir, "~", "data.jsonl")
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, []byte("{\"prompt\": \"x\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := fileTrouble(real); got != "" {
		t.Errorf("a file under a directory named ~: %q", got)
	}
	if got := fileTrouble(filepath.Join(dir, "none.jsonl")); strings.Contains(got, "~") {
		t.Errorf("a path without ~: %q", got)
	}
}
