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

// TestMakeDirNamesAFileInTheWay: --out naming a file, or a path under one,
// says which file is in the way; it said "mkdir DIR: not a directory".
func TestMakeDirNamesAFileInTheWay(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "afile")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ out, want string }{
		{file, file + " is a file, not a directory: choose another directory"},
		{filepath.Join(file, "run", "x"), file + " is a file, so " + filepath.Join(file, "run", "x") + " cannot be made under it: choose another directory"},
	} {
		if err := MakeDir(tt.out); err == nil || err.Error() != tt.want {
			t.Errorf("MakeDir(%s) = %v; want %q", tt.out, err, tt.want)
		}
		if err := Create(tt.out, false); err == nil || err.Error() != "--out: "+tt.want {
			t.Errorf("Create(%s) = %v; want %q", tt.out, err, tt.want)
		}
	}
	if err := MakeDir(filepath.Join(dir, "new", "run")); err != nil {
		t.Errorf("a new directory: %v", err)
	}
}
