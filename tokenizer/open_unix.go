//go:build unix

package tokenizer

import (
	"os"
	"syscall"
)

// open opens path for reading without waiting for a writer: os.Open of a
// named pipe that no program writes to blocks in open(2) until one opens
// it, which may be never. Opened non-blocking, such a pipe reads as empty
// at once, while one with a writer is read to its end (Go's poller waits
// for its data); a regular file is opened as os.Open opens it.
func open(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
