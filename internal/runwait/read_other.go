//go:build !linux

package runwait

import (
	"io"
	"os"
)

// readSmall reads the start of a small file into buf (a fake /proc tree in
// a test: off Linux, Self reads nothing).
func readSmall(path string, buf []byte) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := io.ReadFull(f, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return n, err
}
