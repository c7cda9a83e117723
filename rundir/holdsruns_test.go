package rundir

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestADirectoryOfRunsIsNamed: the directory that holds runs, given where
// a run belongs (`report runs`, `history add runs`), is refused naming the
// first three of its runs and how many more: Open said "not a run
// directory (no requests.jsonl)" and ReadManifestRaw "open runs/run.json:
// no such file or directory". A directory of no runs is not run-like.
func TestADirectoryOfRunsIsNamed(t *testing.T) {
	root := filepath.Join(t.TempDir(), "runs")
	for _, name := range []string{"a", "b", "c", "d"} {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := WriteManifest(dir, &Manifest{Tool: "inferbench", Start: time.Unix(1e9, 0).UTC(), ExitState: ExitComplete}); err != nil {
			t.Fatal(err)
		}
	}
	want := root + " holds runs, not a run: name one of them (" + filepath.Join(root, "a") + ", " + filepath.Join(root, "b") + ", " + filepath.Join(root, "c") + " and 1 more)"
	_, err := Open(root)
	if _, ok := errors.AsType[*HoldsRunsError](err); !ok || err.Error() != want {
		t.Errorf("Open: %v\nwant %s", err, want)
	}
	if _, _, err := ReadManifestRaw(root); err == nil || err.Error() != want {
		t.Errorf("ReadManifestRaw: %v\nwant %s", err, want)
	}
	empty := t.TempDir()
	if _, err := Open(empty); err == nil || !strings.Contains(err.Error(), "not a run directory") {
		t.Errorf("Open of an empty directory: %v", err)
	}
}
