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

// readJSONL decodes every line of r as a T (eachSample): blank lines are
// skipped; a line that does not decode, or whose time is more than
// MaxOffsetNS from the run's start (as a record's may not be: an edited t_ns
// of 2^63−1 stretched the report's timeline to 9e9 s), is an error naming
// the file (name) and the line number, returned with the values read before
// it; a last line cut short is a *TruncatedError, returned with every value
// before it (EachLine).
func readJSONL[T any, P sample[T]](r io.Reader, name string) ([]T, error) {
	var out []T
	err := eachSample[T, P](r, name, func(v *T, _ []byte) error {
		out = append(out, *v)
		return nil
	})
	return out, err
}

// sample is a telemetry line type: *GPUSample, *ServerSample, *ClientSample.
type sample[T any] interface {
	*T
	offset() int64
}

// eachSample calls use with each line of the telemetry stream r decoded as
// a T, and the line, by EachLine's rule: a line that does not decode as a
// T, or whose time lies more than MaxOffsetNS from the run's start, is
// refused at its line (or, the last line cut short, ends the reading with
// a *TruncatedError).
func eachSample[T any, P sample[T]](r io.Reader, name string, use func(v *T, line []byte) error) error {
	return EachLine(r, name, func(_ int, line []byte) error {
		var v T
		if err := json.Unmarshal(line, &v); err != nil {
			return err
		}
		if t := P(&v).offset(); outsideRun(t) {
			return fmt.Errorf("t_ns %d is more than a year (%d ns) from the run's start: the line is corrupt", t, MaxOffsetNS)
		}
		return use(&v, line)
	})
}

// EachLine calls use with each line of the telemetry stream r that is not
// blank (trimmed of white space) and its number, from 1, until use returns
// an error. A line is read whole up to MaxLine bytes, so that a file that
// is a link to a device (/dev/zero) stops at the bound instead of filling
// memory.
//
// It is the one reading rule of the telemetry files (gpu.jsonl,
// server.jsonl, client.jsonl), the rule ReadRecords reads requests.jsonl
// by: when use refuses the stream's last line and that line is cut short
// (an unfinished JSON object at the end of the stream, as a run killed
// mid-write leaves), the reading ends with a *TruncatedError, which a reader
// takes as a warning, keeping every line before it; any other error of use,
// or a line past the bound, comes back naming the file (name) and the line.
func EachLine(r io.Reader, name string, use func(n int, line []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	n := 1
	for ; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := use(n, line); err != nil {
			le := &lineError{file: name, line: n, err: err}
			line = bytes.Clone(line) // the next Scan may reuse its bytes
			if !sc.Scan() && sc.Err() == nil && cutShort(line) {
				return &TruncatedError{Line: n, Err: le}
			}
			return le
		}
	}
	if err := sc.Err(); err != nil {
		// A lineError, so that readTelemetry names the run's file.
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("longer than %d MiB (the bound of a telemetry line)", MaxLine>>20)
		}
		return &lineError{file: name, line: n, err: err}
	}
	return nil
}

// lineError is a line of a telemetry file that does not decode. file is
// the name the reader was given; readTelemetry sets the file's path, so that
// a report of several runs says whose file it is.
type lineError struct {
	file string
	line int
	err  error
}

func (e *lineError) Error() string { return fmt.Sprintf("%s line %d: %v", e.file, e.line, e.err) }

func (e *lineError) Unwrap() error { return e.err }
