package rundir

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxLine is the longest telemetry line readJSONL accepts.
const MaxLine = 4 << 20

// readJSONL decodes every line of r as a T. Blank lines are skipped; a line that
// does not decode is an error naming the file (name) and the line number,
// returned with the values read before it.
func readJSONL[T any](r io.Reader, name string) ([]T, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	var out []T
	line := 1
	for ; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return out, &lineError{file: name, line: line, err: err}
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		// A lineError, so that readOptional names the run's file.
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("longer than %d MiB (the bound of a telemetry line)", MaxLine>>20)
		}
		return out, &lineError{file: name, line: line, err: err}
	}
	return out, nil
}

// lineError is a line of a telemetry file that does not decode. file is
// the name the reader was given; readOptional sets the file's path, so that
// a report of several runs says whose file it is.
type lineError struct {
	file string
	line int
	err  error
}

func (e *lineError) Error() string { return fmt.Sprintf("%s line %d: %v", e.file, e.line, e.err) }

func (e *lineError) Unwrap() error { return e.err }
