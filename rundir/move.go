package rundir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// MoveFile moves the file name from the directory from into the directory
// to (the same filesystem: a directory made inside to, or beside it),
// never replacing what is already at to/name, a symbolic link included:
// the file is hard-linked at its new name (link(2) fails on anything at
// the path and follows no link there) and then unlinked at its old one.
// Where the filesystem has no hard links, it is renamed, once nothing is
// seen at to/name. A merge builds its run in a hidden directory and moves
// it into place with this, run.json last.
func MoveFile(from, to, name string) error {
	src, dst := filepath.Join(from, name), filepath.Join(to, name)
	err := os.Link(src, dst)
	switch {
	case errors.Is(err, fs.ErrExist):
		return alreadyThere(dst)
	case err != nil:
		if _, lerr := os.Lstat(dst); !errors.Is(lerr, fs.ErrNotExist) {
			return alreadyThere(dst)
		}
		if err := os.Rename(src, dst); err != nil {
			return fmt.Errorf("move %s into %s: %w", name, to, bareError(err))
		}
		return nil
	}
	return os.Remove(src)
}
