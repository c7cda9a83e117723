//go:build !unix

package openfile

import "os"

// Open opens path for reading (os.Open: there are no named pipes to wait
// on here as on unix).
func Open(path string) (*os.File, error) { return os.Open(path) }
