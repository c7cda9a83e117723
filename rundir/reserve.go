package rundir

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// ReserveFile is the hidden file a run keeps in its directory while it
// runs: room held back on the disk so that, when the disk fills and the
// records stop, run.json (its exit state, the records written and lost)
// and summary.json can still be written. On a full disk run.json kept
// saying running, its rewrite finding no room. A run removes it before its
// last writes; a killed run leaves it (hidden, it is no run file).
const ReserveFile = ".inferbench-reserve"

// ReserveBytes is the most room a run holds back: run.json and
// summary.json are some 10 KB a level.
const ReserveBytes = 1 << 20

// Reserve holds back room in dir for a run's last writes: ReserveBytes, or
// a quarter of the room left on the disk when that is less (a run on a
// nearly full disk is not made to fail sooner), written out as zeros (a
// sparse file holds none). release removes the file; it is safe to call
// more than once. Where no room can be held (the disk is already full),
// release does nothing.
func Reserve(dir string) (release func()) {
	path := filepath.Join(dir, ReserveFile)
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return func() {}
	}
	size := int64(ReserveBytes)
	if free, ok := freeSpace(dir); ok {
		size = min(size, free/4)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return func() {}
	}
	_, werr := f.Write(make([]byte, size))
	serr := f.Sync()
	if errors.Join(werr, serr, f.Close()) != nil {
		os.Remove(path)
		return func() {}
	}
	return func() { os.Remove(path) }
}
