package rundir

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCreateNamesADanglingLink: --out naming a symbolic link whose target
// does not exist (or a directory under one) is refused with that said (the link and its target);
// before, the error was "mkdir DIR: file exists", of a path that ls shows
// as no directory at all. Nothing is created at the target.
func TestCreateNamesADanglingLink(t *testing.T) {
	root := t.TempDir()
	link, target := filepath.Join(root, "out"), filepath.Join(root, "gone", "run")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	want := "--out: " + link + " is a symbolic link to " + target + ", which does not exist: create it, or choose another directory"
	for _, out := range []string{link, filepath.Join(link, "sub")} {
		if err := Create(out, false); err == nil || err.Error() != want {
			t.Errorf("Create(%s) = %v\nwant %s", out, err, want)
		}
	}
	if _, err := os.Lstat(filepath.Join(root, "gone")); !os.IsNotExist(err) {
		t.Errorf("something was created at the link's target: %v", err)
	}
}
