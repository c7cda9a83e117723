// Package linebuf is the read buffer under the line-framed stream readers
// (package sse and package ndjson): a window of unread bytes over a response
// body that the reader scans for line ends in place, refilled and grown on
// demand up to a bound the reader chooses. It knows nothing of lines' meaning.
//
// It is hand-written rather than a bufio.Reader because the readers return
// slices into the window (no copy per line, no allocation per event) and
// choose the growth bound themselves: bufio.Reader's buffer does not grow and
// bufio.Scanner hides its buffer's unread bytes, which the SSE reader needs to
// look at across a bare CR that ends one read.
package linebuf

import (
	"errors"
	"fmt"
	"io"
)

// InitialSize is the size of a new Window's buffer in bytes; it grows, up to
// the bound given to Fill, when a line does not fit.
const InitialSize = 4 << 10

// MaxKept is the largest buffer Reset keeps for the next stream, in bytes; a
// larger one, grown for one long line, is dropped for a new InitialSize one,
// so a reader reused across streams (the adapters pool theirs) does not hold
// a huge event's buffer for the rest of a run after one such event, as fmt
// drops its grown buffers (golang/go#23199). A normal event is a few hundred
// bytes; 64 KiB keeps the buffer of a stream of long events.
const MaxKept = 64 << 10

// ErrInvalidCount is the sticky error of a Window whose source's Read
// returned a count below zero or beyond the space it was given.
var ErrInvalidCount = errors.New("linebuf: reader returned an invalid count")

// A Window is the unread part of a stream, Buf[R:W], and the source's sticky
// error, which a reader reports once the window is drained. The zero Window
// has no buffer; New makes one. It is not safe for concurrent use.
type Window struct {
	Src  io.Reader
	Buf  []byte
	R, W int
	// Err is the first error of Src (io.EOF at its end), kept until Reset.
	Err error
}

// New returns a Window over src with an InitialSize buffer.
func New(src io.Reader) Window {
	return Window{Src: src, Buf: make([]byte, InitialSize)}
}

// Reset makes w read a new stream from src, keeping its buffer unless it
// grew past MaxKept.
func (w *Window) Reset(src io.Reader) {
	if cap(w.Buf) > MaxKept {
		w.Buf = make([]byte, InitialSize)
	}
	w.Src = src
	w.R, w.W = 0, 0
	w.Err = nil
}

// Unread returns the bytes read from the source and not yet consumed. The
// slice is valid until the next Fill.
func (w *Window) Unread() []byte { return w.Buf[w.R:w.W] }

// Fill reads more of the source into the window. It first moves the unread
// bytes to the start of the buffer; when the buffer is then full it grows,
// doubling, to at most limit bytes but always by at least one, so a caller
// that allows lines of n bytes passes n+1 (room for the line end) and
// reports a line too long before asking for more. A source error, including
// io.EOF, is kept in Err; a nil source is at its end. Like bufio, Fill tries
// a source that returns 0, nil up to 100 times before giving up with
// io.ErrNoProgress.
func (w *Window) Fill(limit int) {
	if w.R > 0 {
		w.W = copy(w.Buf, w.Buf[w.R:w.W])
		w.R = 0
	}
	if w.W == len(w.Buf) {
		grown := max(min(2*len(w.Buf), limit), len(w.Buf)+1, InitialSize)
		nb := make([]byte, grown)
		copy(nb, w.Buf[:w.W])
		w.Buf = nb
	}
	if w.Src == nil {
		w.Err = io.EOF
		return
	}
	for range 100 {
		n, err := w.Src.Read(w.Buf[w.W:])
		if n < 0 || n > len(w.Buf)-w.W {
			w.Err = ErrInvalidCount
			return
		}
		w.W += n
		if err != nil {
			w.Err = err
			return
		}
		if n > 0 {
			return
		}
	}
	w.Err = io.ErrNoProgress
}

// Bound writes a reader's bound of n bytes in the unit people read it in,
// for its "too large" error: 16 MiB, 64 KiB, or 1000 bytes where it is no
// whole number of either.
func Bound(n int) string {
	switch {
	case n > 0 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n > 0 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
