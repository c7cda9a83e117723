package session

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCreateDirNamesADanglingLink: --out under a symbolic link to nothing
// is refused with the link and its target named, as rundir.Create says it;
// before, createDir's os.MkdirAll, which runs first, said only "--out:
// mkdir LINK: file exists".
func TestCreateDirNamesADanglingLink(t *testing.T) {
	root := t.TempDir()
	link, target := filepath.Join(root, "out"), filepath.Join(root, "gone")
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	want := "--out: " + link + " is a symbolic link to " + target + ", which does not exist: create it, or choose another directory"
	if created, err := createDir(filepath.Join(link, "sub")); len(created) > 0 || err == nil || err.Error() != want {
		t.Errorf("createDir(LINK/sub) = %v, %v\nwant none made, %s", created, err, want)
	}
}
