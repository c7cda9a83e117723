package rundir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMoveFileReplacesNothing: MoveFile moves a file into a directory, and
// refuses to replace a file or a link already at the name (the link's
// target is left as it was, and the file to move stays where it was).
func TestMoveFileReplacesNothing(t *testing.T) {
	from, to := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(from, RecordsFile), []byte("new\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(from, ManifestFile), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "precious")
	if err := os.WriteFile(target, []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(to, ManifestFile)); err != nil {
		t.Fatal(err)
	}
	if err := MoveFile(from, to, RecordsFile); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(to, RecordsFile)); err != nil || string(b) != "new\n" {
		t.Errorf("moved file holds %q, %v", b, err)
	}
	if _, err := os.Lstat(filepath.Join(from, RecordsFile)); !os.IsNotExist(err) {
		t.Errorf("moved file still at its old name: %v", err)
	}
	err := MoveFile(from, to, ManifestFile)
	if err == nil || !strings.Contains(err.Error(), "a link is there: refusing") {
		t.Fatalf("move onto a link: %v; want a refusal naming the link", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep\n" {
		t.Errorf("the link's target now holds %q", b)
	}
	if fi, err := os.Lstat(filepath.Join(to, ManifestFile)); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if _, err := os.Stat(filepath.Join(from, ManifestFile)); err != nil {
		t.Errorf("refused file lost: %v", err)
	}
}
