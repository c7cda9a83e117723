// Package sse reads a Server-Sent Events stream: it turns the bytes of a
// response body into events. It knows nothing of JSON or timing; the protocol
// adapters (openai, tgi, anthropic, gemini) decode what the events carry.
//
// The framing follows the HTML Living Standard, "Server-sent events",
// §9.2.6 "Interpreting an event stream"
// (https://html.spec.whatwg.org/multipage/server-sent-events.html): lines end
// in CRLF, LF or a bare CR; a line that starts with a colon is a comment; one
// space after "field:" is stripped; several data lines are joined with "\n";
// an empty line dispatches the event. Two departures, both for what real
// servers send (see docs/notes/protocols.md §1):
//
//   - A final event that is not followed by an empty line before the end of
//     the stream is dispatched, not dropped.
//   - Lines that are not a known SSE field (data, event, id, retry) are kept
//     in Event.Raw instead of being ignored: Gemini appends a pretty-printed
//     JSON error object, not framed as SSE, after its data events.
package sse

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/inferbench/inferbench/targets/linebuf"
)

// DefaultMaxEventSize is the largest event a Reader accepts unless told
// otherwise, in bytes: 16 MiB. It bounds the joined data of one event plus
// its raw lines, and each line (less its "data: " prefix), so a Reader's
// memory stays within about twice the limit, and once for an event of one
// data line, which is read in place.
const DefaultMaxEventSize = 16 << 20

// ErrEventTooLarge is returned by Next when an event's data and raw lines,
// or a single line less a "data: " prefix, exceed the Reader's maximum event
// size.
var ErrEventTooLarge = errors.New("sse: event too large")

// An Event is one dispatched server-sent event.
//
// Its byte slices point into the Reader's buffers: they are valid only until
// the next call to Next or Reset. Copy what must outlive that.
type Event struct {
	// Type is the value of the event's "event:" field, "" when it had none
	// (the standard calls that type "message").
	Type string
	// Data is the event's data lines joined with "\n", without the optional
	// space after "data:" and without a trailing newline. It is empty, not
	// nil, for an event whose only data line was empty, and nil for an event
	// that had no data line at all (one made only of Raw lines).
	Data []byte
	// ID is the value of the event's "id:" field, nil when it had none.
	ID []byte
	// Raw holds the event's lines that are not SSE fields (no known field
	// name before a colon), each followed by "\n", with their line ends
	// normalized. A block made only of such lines is dispatched as an event
	// with nil Data, so a caller can see, for example, a JSON error object a
	// server wrote without SSE framing.
	Raw []byte
}

// A Reader reads events from an SSE stream. It is not safe for concurrent
// use; reuse one across streams with Reset to avoid allocating its buffers.
type Reader struct {
	win     linebuf.Window
	max     int
	started bool // the first line has been read (for the byte order mark)
	skipLF  bool // the previous line ended in a bare CR: skip one LF

	lineOff int // where in win.Buf the line readLine returned starts

	// the event being assembled
	data     []byte // the data: in the window (inWin) or in own
	inWin    bool   // data is the event's only data line, in the window at dataOff
	dataOff  int
	own      []byte // data lines joined, for an event of more than one
	hasData  bool
	id       []byte
	hasID    bool
	raw      []byte
	typ      string
	lastType string // the last event type seen, reused to avoid allocations

	comments int
}

// NewReader returns a Reader that reads events from src, accepting events up
// to DefaultMaxEventSize bytes.
func NewReader(src io.Reader) *Reader {
	return &Reader{win: linebuf.New(src), max: DefaultMaxEventSize}
}

// SetMaxEventSize sets the largest event Next accepts, in bytes; n <= 0
// restores DefaultMaxEventSize. Call it before the first Next.
func (r *Reader) SetMaxEventSize(n int) {
	if n <= 0 {
		n = DefaultMaxEventSize
	}
	r.max = n
}

// Reset makes r read a new stream from src, keeping its maximum event size
// and its buffers, except those grown past linebuf.MaxKept (a reader reused
// after one huge event does not hold it).
func (r *Reader) Reset(src io.Reader) {
	r.win.Reset(src)
	for _, b := range []*[]byte{&r.own, &r.raw, &r.id} {
		if cap(*b) > linebuf.MaxKept {
			*b = nil
		}
	}
	r.started = false
	r.skipLF = false
	r.clearEvent()
	r.comments = 0
}

// Comments returns the number of comment lines (lines starting with a colon,
// such as keep-alive pings) read from the current stream so far.
func (r *Reader) Comments() int { return r.comments }

func (r *Reader) clearEvent() {
	r.data, r.inWin = nil, false
	r.own = r.own[:0]
	r.hasData = false
	r.id = r.id[:0]
	r.hasID = false
	r.raw = r.raw[:0]
	r.typ = ""
}

// Next returns the next event of the stream. At the end of the stream it
// dispatches a pending event that had no closing empty line, then returns
// io.EOF. An error of the underlying reader other than io.EOF is returned as
// is and the pending event, possibly cut short, is dropped. An event larger
// than the maximum event size gives an error that wraps ErrEventTooLarge.
//
// The returned Event's slices are valid until the next call to Next or Reset.
func (r *Reader) Next() (Event, error) {
	for {
		line, ok, err := r.readLine()
		if err != nil {
			return Event{}, err
		}
		if !ok {
			// End of stream: dispatch what is pending, once.
			if r.pending() {
				ev := r.event()
				r.clearEvent()
				return ev, nil
			}
			return Event{}, io.EOF
		}
		if len(line) == 0 {
			if r.pending() {
				ev := r.event()
				// clearEvent only truncates the buffers: ev keeps its bytes
				// until the next event's lines overwrite them.
				r.clearEvent()
				return ev, nil
			}
			r.typ = "" // a block of comments or ignored fields
			r.id = r.id[:0]
			r.hasID = false
			continue
		}
		if err := r.field(line); err != nil {
			return Event{}, err
		}
	}
}

func (r *Reader) pending() bool { return r.hasData || len(r.raw) > 0 }

func (r *Reader) event() Event {
	ev := Event{Type: r.typ}
	if r.hasData {
		ev.Data = r.data
		if ev.Data == nil {
			ev.Data = []byte{}
		}
	}
	if r.hasID {
		ev.ID = r.id
		if ev.ID == nil {
			ev.ID = []byte{}
		}
	}
	if len(r.raw) > 0 {
		ev.Raw = r.raw
	}
	return ev
}

// field interprets one non-empty line.
func (r *Reader) field(line []byte) error {
	if len(line) > r.maxLine() {
		return fmt.Errorf("%w: a line of more than %s", ErrEventTooLarge, linebuf.Bound(r.max))
	}
	if line[0] == ':' {
		r.comments++
		return nil
	}
	name, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(name) { // the compiler does not allocate for this switch
	case "data":
		if !r.hasData {
			// The event's first data line is left where it is, in the
			// window (fill keeps it there): an event of one data line, as
			// servers send them, is not copied, which for an event of
			// 15 MiB was a 15 MiB copy kept for the reader's life.
			r.data, r.inWin, r.dataOff = value, true, r.lineOff+len(line)-len(value)
			r.hasData = true
			break
		}
		if r.inWin {
			r.own = append(r.own[:0], r.data...)
			r.inWin = false
		}
		r.own = append(r.own, '\n')
		r.own = append(r.own, value...)
		r.data = r.own
	case "event":
		r.setType(value)
	case "id":
		// The standard ignores an id that contains NUL.
		if bytes.IndexByte(value, 0) < 0 {
			r.id = append(r.id[:0], value...)
			r.hasID = true
		}
	case "retry":
		// A reconnection hint: meaningless to a benchmark, but an SSE field.
	default:
		// A line of blanks alone (not an empty line: that dispatches) is
		// a field of no name the standard ignores, and says nothing raw
		// either: kept, a server sending them without end filled the
		// event to its limit and failed as "event too large" rather than
		// running to its timeout as one sending comments does.
		if len(bytes.Trim(line, " \t")) > 0 {
			r.raw = append(r.raw, line...)
			r.raw = append(r.raw, '\n')
		}
	}
	if len(r.data)+len(r.raw) > r.max {
		return fmt.Errorf("%w: more than %d bytes", ErrEventTooLarge, r.max)
	}
	return nil
}

// maxLine is the longest line accepted: one that carries a data value of
// the maximum event size.
func (r *Reader) maxLine() int { return r.max + len("data: ") }

// setType sets the event type, reusing the previous type's string when it is
// the same, so a stream whose events all name a few types does not allocate.
func (r *Reader) setType(v []byte) {
	if string(v) != r.lastType {
		r.lastType = string(v)
	}
	r.typ = r.lastType
}

// readLine returns the next line without its line end. ok is false at the end
// of the stream, after a last line that had no line end has been returned.
// The line is valid until the next call.
func (r *Reader) readLine() (line []byte, ok bool, err error) {
	w := &r.win
	scanFrom := 0 // bytes of the window already searched for a line end
	for {
		if r.skipLF && w.R < w.W {
			if w.Buf[w.R] == '\n' {
				w.R++
				scanFrom = 0
			}
			r.skipLF = false
		}
		if !r.started && w.W-w.R >= 3 {
			// A UTF-8 byte order mark at the start of the stream is skipped.
			if bytes.HasPrefix(w.Unread(), []byte("\xEF\xBB\xBF")) {
				w.R += 3
				scanFrom = 0
			}
			r.started = true
		}
		b := w.Unread()
		if i := lineEnd(b, scanFrom); i >= 0 {
			line = b[:i]
			r.lineOff = w.R
			w.R += i + 1
			if b[i] == '\r' {
				if i+1 < len(b) {
					if b[i+1] == '\n' {
						w.R++
					}
				} else {
					r.skipLF = true
				}
			}
			r.started = true
			return line, true, nil
		}
		scanFrom = len(b)
		if w.Err != nil {
			if w.Err != io.EOF {
				return nil, false, w.Err
			}
			if len(b) == 0 {
				return nil, false, nil
			}
			// A last line without a line end.
			r.lineOff = w.R
			w.R = w.W
			r.started = true
			return b, true, nil
		}
		if len(b) > r.maxLine() {
			return nil, false, fmt.Errorf("%w: a line of more than %s", ErrEventTooLarge, linebuf.Bound(r.max))
		}
		r.fill()
	}
}

// fill reads more of the stream into the window, room for the longest line
// and its line end. A pending data line in the window is kept there: the
// window is refilled from its start, not from the unread bytes, unless the
// line and the bytes after it fill the window's bound, when the line is
// copied out (the window's bound is what it was without the line).
func (r *Reader) fill() {
	w := &r.win
	limit := r.maxLine() + 1
	if !r.inWin {
		w.Fill(limit)
		return
	}
	if w.W-r.dataOff >= limit {
		r.own = append(r.own[:0], r.data...)
		r.data, r.inWin = r.own, false
		w.Fill(limit)
		return
	}
	// Fill moves Buf[R:W] to the front (or, R being 0, leaves it there):
	// with R at the data line, the line starts the buffer after it.
	n, unread := len(r.data), w.R-r.dataOff
	w.R = r.dataOff
	w.Fill(limit)
	r.data, r.dataOff = w.Buf[:n:n], 0
	w.R += unread
}

// lineEnd returns the index in b of the first CR or LF at or after from, or -1.
func lineEnd(b []byte, from int) int {
	rest := b[from:]
	i := bytes.IndexByte(rest, '\n')
	limit := rest
	if i >= 0 {
		limit = rest[:i]
	}
	if j := bytes.IndexByte(limit, '\r'); j >= 0 {
		return from + j
	}
	if i >= 0 {
		return from + i
	}
	return -1
}
