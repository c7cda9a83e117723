//go:build !unix

package tokenizer

import "os"

// open opens path for reading (open_unix.go says why unix differs).
func open(path string) (*os.File, error) { return os.Open(path) }
