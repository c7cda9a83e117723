package rundir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// MakeDir makes dir and its parents, as os.MkdirAll, and names a symbolic
// link to nothing at dir or above it when that is why it cannot: MkdirAll
// through such a link says only "mkdir DIR: file exists", of a path that
// holds no directory.
func MakeDir(dir string) error {
	err := os.MkdirAll(dir, 0o755)
	if err == nil {
		return nil
	}
	if link, target, ok := danglingLink(dir); ok {
		return fmt.Errorf("%s is a symbolic link to %s, which does not exist: create it, or choose another directory", link, target)
	}
	return err
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
