package rundir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// MakeDir makes dir and its parents, as os.MkdirAll, and names what is in
// the way when that is why it cannot: a symbolic link to nothing at dir or
// above it (MkdirAll through one says only "mkdir DIR: file exists", of a
// path that holds no directory), or a file (it says "mkdir DIR: not a
// directory").
func MakeDir(dir string) error {
	err := os.MkdirAll(dir, 0o755)
	if err == nil {
		return nil
	}
	if link, target, ok := danglingLink(dir); ok {
		return fmt.Errorf("%s is a symbolic link to %s, which does not exist: create it, or choose another directory", link, target)
	}
	if file, ok := fileInTheWay(dir); ok {
		if file == filepath.Clean(dir) {
			return fmt.Errorf("%s is a file, not a directory: choose another directory", file)
		}
		return fmt.Errorf("%s is a file, so %s cannot be made under it: choose another directory", file, dir)
	}
	return err
}

// fileInTheWay finds the nearest path at dir or above it that exists and
// is not a directory.
func fileInTheWay(dir string) (string, bool) {
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		if fi, err := os.Stat(p); err == nil {
			return p, !fi.IsDir()
		}
		if p == filepath.Dir(p) {
			return "", false
		}
	}
}

// danglingLink finds a symbolic link to nothing at path or above it, and
// where it points.
func danglingLink(path string) (link, target string, ok bool) {
	for p := filepath.Clean(path); ; p = filepath.Dir(p) {
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
				if target, err := os.Readlink(p); err == nil {
					return p, target, true
				}
			}
		}
		if p == filepath.Dir(p) {
			return "", "", false
		}
	}
}
