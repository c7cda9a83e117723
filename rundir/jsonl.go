package rundir

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxLine is the longest telemetry line readJSONL accepts.
const MaxLine = 4 << 20

// readJSONL decodes every line of r as a T. Blank lines are skipped; a line that
// does not decode, or whose time is more than MaxOffsetNS from the run's
// start (as a record's may not be: an edited t_ns of 2^63−1 stretched the
// report's timeline to 9e9 s), is an error naming the file (name) and the
// line number, returned with the values read before it.
func readJSONL[T any, P interface {
	*T
	offset() int64
}](r io.Reader, name string) ([]T, error) {
	var out []T
	err := EachLine(r, name, func(n int, line []byte) error {
		var v T
		if err := json.Unmarshal(line, &v); err != nil {
			return err
		}
		if t := P(&v).offset(); t < -MaxOffsetNS || t > MaxOffsetNS {
			return fmt.Errorf("t_ns %d is more than a year (%d ns) from the run's start: the line is corrupt", t, MaxOffsetNS)
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// ErrStop, returned by EachLine's use, ends the reading without an error.
var ErrStop = errors.New("stop reading")

// EachLine calls use with each line of the telemetry stream r that is not
// blank (trimmed of white space) and its number, from 1, until use returns
// an error. A line is read whole up to MaxLine bytes, so that a file that
// is a link to a device (/dev/zero) stops at the bound instead of filling
// memory. An error of use (ErrStop: none), or a line past the bound, comes
// back naming the file (name) and the line.
func EachLine(r io.Reader, name string, use func(n int, line []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	n := 1
	for ; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := use(n, line); errors.Is(err, ErrStop) {
			return nil
		} else if err != nil {
			return &lineError{file: name, line: n, err: err}
		}
	}
	if err := sc.Err(); err != nil {
		// A lineError, so that readOptional names the run's file.
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("longer than %d MiB (the bound of a telemetry line)", MaxLine>>20)
		}
		return &lineError{file: name, line: n, err: err}
	}
	return nil
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
