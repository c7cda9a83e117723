package rundir

import (
	"fmt"
	"io/fs"
	"os"
)

// OpenFile opens a run directory's file for reading, refusing a named pipe
// (opening one waits for a writer that never comes: the report would hang)
// and a directory, each with its path. A device is opened: the readers'
// bounds stop an endless one.
func OpenFile(path string) (*os.File, error) {
	if err := checkFile(path); err != nil {
		return nil, err
	}
	return os.Open(path)
}

// checkFile says what path is when it is a named pipe or a directory
// instead of a file; nil otherwise (a missing file is for the open to say).
func checkFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return nil
	}
	return checkMode(path, fi)
}

// checkMode is checkFile of a file already stat'ed.
func checkMode(path string, fi fs.FileInfo) error {
	switch {
	case fi.Mode()&fs.ModeNamedPipe != 0:
		return fmt.Errorf("%s is a named pipe, not a file: a run directory holds files", path)
	case fi.IsDir():
		return fmt.Errorf("%s is a directory, not a file", path)
	}
	return nil
}
