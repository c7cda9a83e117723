//go:build unix

package openfile

import (
	"os"
	"syscall"
)

// Open opens path for reading without waiting for a writer: os.Open of a
// named pipe (mkfifo) that no program writes to blocks until one opens
// it, which may be never, and `inferbench scenarios validate p` hung with
// no word. Opened non-blocking, such a pipe reads as empty at once (Linux
// pipe(7): a read with no writer is end of file), while a pipe with a
// writer (a process substitution, <(envsubst < s.yaml)) is still read
// to its end: Go's poller waits for its data. A regular file or a device
// is opened as os.Open opens it (O_NONBLOCK does not apply to them).
func Open(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
