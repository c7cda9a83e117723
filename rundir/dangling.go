package rundir

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// danglingLink finds a symbolic link to nothing at path or above it, and
// where it points: MkdirAll through such a link says only "file exists".
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
