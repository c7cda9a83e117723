package rundir

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
)

// WriteFileWith writes the file at path through write, atomically
// (WriteFile: a temporary file renamed over it); an error of write names
// the path.
func WriteFileWith(path string, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return WriteFile(filepath.Dir(path), filepath.Base(path), b.Bytes())
}
