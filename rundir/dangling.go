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
	if why := inTheWay(dir); why != nil {
		return why
	}
	return err
}

// inTheWay looks at the nearest path at dir or above it that exists (the
// one MkdirAll had to make its directories under) and says why no
// directory can be made there: a symbolic link to nothing, or a file; nil
// for a directory.
func inTheWay(dir string) error {
	clean := filepath.Clean(dir)
	for p := clean; ; p = filepath.Dir(p) {
		fi, err := os.Lstat(p)
		if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			if target, err := os.Readlink(p); err == nil {
				if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("%s is a symbolic link to %s, which does not exist: create it, or choose another directory", p, target)
				}
			}
			fi, err = os.Stat(p)
		}
		switch {
		case err == nil && !fi.IsDir() && p == clean:
			return fmt.Errorf("%s is a file, not a directory: choose another directory", p)
		case err == nil && !fi.IsDir():
			return fmt.Errorf("%s is a file, so %s cannot be made under it: choose another directory", p, dir)
		case err == nil:
			return nil
		case p == filepath.Dir(p):
			return nil
		}
	}
}
