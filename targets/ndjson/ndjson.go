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
)

// DefaultMaxLineSize is the longest line a Reader accepts unless told
// otherwise, in bytes: 16 MiB.
const DefaultMaxLineSize = 16 << 20

// initialBufSize is the size of a new Reader's buffer, in bytes; it grows, up
// to the line size limit, when a line does not fit.
const initialBufSize = 4 << 10

// ErrLineTooLarge is returned by Next, wrapped, when a line is longer than
// the Reader's maximum line size.
var ErrLineTooLarge = errors.New("ndjson: line too large")

// A Reader reads the lines of an NDJSON stream. It is not safe for concurrent
// use; reuse one across streams with Reset to keep its buffer.
type Reader struct {
	src  io.Reader
	max  int
	buf  []byte // unread bytes are buf[r:w]
	r, w int
	err  error // sticky error of src, returned once buf is drained
}

// NewReader returns a Reader of src that accepts lines up to
// DefaultMaxLineSize bytes.
func NewReader(src io.Reader) *Reader {
	return &Reader{src: src, max: DefaultMaxLineSize, buf: make([]byte, initialBufSize)}
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
func (r *Reader) Reset(src io.Reader) {
	r.src = src
	r.r, r.w = 0, 0
	r.err = nil
}

// Next returns the next non-blank line, without its line end and without
// the spaces, tabs and carriage returns around it. At the end of the stream
// it returns io.EOF; an error of the underlying reader other than io.EOF is
// returned as is, and a line cut short by it is dropped. A line longer than
// the maximum line size gives an error that wraps ErrLineTooLarge.
//
// The line is valid until the next call to Next or Reset.
func (r *Reader) Next() ([]byte, error) {
	scanFrom := 0 // bytes of buf[r.r:r.w] already searched for '\n'
	for {
		b := r.buf[r.r:r.w]
		if i := bytes.IndexByte(b[scanFrom:], '\n'); i >= 0 {
			i += scanFrom
			r.r += i + 1
			scanFrom = 0
			if i > r.max {
				return nil, fmt.Errorf("%w: more than %d bytes", ErrLineTooLarge, r.max)
			}
			line := trim(b[:i])
			if len(line) == 0 {
				continue
			}
			return line, nil
		}
		scanFrom = len(b)
		if len(b) > r.max {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrLineTooLarge, r.max)
		}
		if r.err != nil {
			r.r = r.w
			if r.err != io.EOF {
				return nil, r.err
			}
			if line := trim(b); len(line) > 0 {
				return line, nil // a last line without a line end
			}
			return nil, io.EOF
		}
		r.fill()
	}
}

// fill reads more of src into buf, moving the unread bytes to its start and
// growing it when it is full.
func (r *Reader) fill() {
	if r.r > 0 {
		r.w = copy(r.buf, r.buf[r.r:r.w])
		r.r = 0
	}
	if r.w == len(r.buf) {
		// Room for a line of the maximum size and its "\n" is enough: a
		// full buffer larger than that is a line too large, which Next
		// reports before asking for more.
		grown := max(min(2*len(r.buf), r.max+1), len(r.buf)+1)
		nb := make([]byte, grown)
		copy(nb, r.buf[:r.w])
		r.buf = nb
	}
	if r.src == nil {
		r.err = io.EOF
		return
	}
	// io.Reader may return 0, nil; a few tries before giving up, as bufio does.
	for range 100 {
		n, err := r.src.Read(r.buf[r.w:])
		r.w += n
		if err != nil {
			r.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	r.err = io.ErrNoProgress
}

// trim drops the spaces, tabs and carriage returns around a line.
func trim(b []byte) []byte { return bytes.Trim(b, " \t\r") }
