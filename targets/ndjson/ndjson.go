// Package ndjson reads a newline-delimited JSON stream (application/x-ndjson,
// as Ollama streams its native API): it turns the bytes of a response body
// into lines, one JSON value each. It knows nothing of what the values mean
// or of timing; the protocol adapters decode the lines.
//
// Framing follows the NDJSON convention (https://github.com/ndjson/ndjson-spec):
// each value ends with "\n"; a "\r" before it is dropped, as are blank lines
// and the spaces and tabs around a value. A last line without a line end is
// returned too, not dropped.
package ndjson

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/inferbench/inferbench/targets/linebuf"
)

// DefaultMaxLineSize is the longest line a Reader accepts unless told
// otherwise, in bytes: 16 MiB.
const DefaultMaxLineSize = 16 << 20

// ErrLineTooLarge is returned by Next, wrapped, when a line is longer than
// the Reader's maximum line size.
var ErrLineTooLarge = errors.New("ndjson: line too large")

// A Reader reads the lines of an NDJSON stream. It is not safe for concurrent
// use; reuse one across streams with Reset to keep its buffer.
type Reader struct {
	win linebuf.Window
	max int
}

// NewReader returns a Reader of src that accepts lines up to
// DefaultMaxLineSize bytes.
func NewReader(src io.Reader) *Reader {
	return &Reader{win: linebuf.New(src), max: DefaultMaxLineSize}
}

// SetMaxLineSize sets the longest line Next accepts, in bytes, counting the
// spaces and "\r" around it but not its "\n"; n <= 0 restores
// DefaultMaxLineSize.
func (r *Reader) SetMaxLineSize(n int) {
	if n <= 0 {
		n = DefaultMaxLineSize
	}
	r.max = n
}

// Reset makes r read a new stream from src, keeping its buffer and its
// maximum line size.
func (r *Reader) Reset(src io.Reader) { r.win.Reset(src) }

// Next returns the next non-blank line, without its line end and without
// the spaces, tabs and carriage returns around it. At the end of the stream
// it returns io.EOF; an error of the underlying reader other than io.EOF is
// returned as is, and a line cut short by it is dropped. A line longer than
// the maximum line size gives an error that wraps ErrLineTooLarge.
//
// The line is valid until the next call to Next or Reset.
func (r *Reader) Next() ([]byte, error) {
	w := &r.win
	scanFrom := 0 // bytes of the window already searched for '\n'
	for {
		b := w.Unread()
		if i := bytes.IndexByte(b[scanFrom:], '\n'); i >= 0 {
			i += scanFrom
			w.R += i + 1
			scanFrom = 0
			if i > r.max {
				return nil, fmt.Errorf("%w: more than %s", ErrLineTooLarge, linebuf.Bound(r.max))
			}
			line := trim(b[:i])
			if len(line) == 0 {
				continue
			}
			return line, nil
		}
		scanFrom = len(b)
		if len(b) > r.max {
			return nil, fmt.Errorf("%w: more than %s", ErrLineTooLarge, linebuf.Bound(r.max))
		}
		if w.Err != nil {
			w.R = w.W
			if w.Err != io.EOF {
				return nil, w.Err
			}
			if line := trim(b); len(line) > 0 {
				return line, nil // a last line without a line end
			}
			return nil, io.EOF
		}
		// Room for a line of the maximum size and its "\n" is enough: a
		// longer unread run is a line too large, reported above.
		w.Fill(r.max + 1)
	}
}

// trim drops the spaces, tabs and carriage returns around a line. Written
// out because bytes.Trim builds its set of characters on every call, which
// was 60 % of Next's time.
func trim(b []byte) []byte {
	for len(b) > 0 && isBlank(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isBlank(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }
