package rundir

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// RecordWriter appends Records to requests.jsonl, one JSON object a line, as
// requests complete. It is safe for concurrent use. Each record is flushed to
// the file as it is written, so a run that dies loses nothing that completed;
// memory does not grow with the run's length.
type RecordWriter struct {
	mu   sync.Mutex // guards w, buf, n, lost, err
	f    *os.File
	w    *bufio.Writer
	buf  []byte
	n    int64
	lost int64
	off  int64 // bytes of whole records written
	err  error
	// syncEvery and synced: Write syncs the file once syncEvery more bytes
	// than at the last sync (synced) are written (SyncEvery); 0: only
	// Close syncs.
	syncEvery, synced int64
	syncs             int64 // the syncs Write made, for tests
}

// CreateRecordWriter creates dir/requests.jsonl for writing records
// (CreateFile: a new file, never through a link).
func CreateRecordWriter(dir string) (*RecordWriter, error) {
	f, err := CreateFile(dir, RecordsFile)
	if err != nil {
		return nil, err
	}
	return NewRecordWriter(f), nil
}

// NewRecordWriter writes records to f, which it closes on Close.
func NewRecordWriter(f *os.File) *RecordWriter {
	return &RecordWriter{f: f, w: bufio.NewWriterSize(f, 64<<10)}
}

// Write appends one record. A record that cannot be written whole (disk
// full) is lost and counted (Lost); the writer then refuses every later
// record, counting each, and returns the first error, so a run that stops
// can say how many records it lost.
func (rw *RecordWriter) Write(r *Record) error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.err != nil {
		rw.lost++
		return rw.err
	}
	rw.buf = append(appendRecordJSON(rw.buf[:0], r), '\n')
	_, err := rw.w.Write(rw.buf)
	if err == nil {
		err = rw.w.Flush()
	}
	if err != nil {
		rw.err = err
		rw.lost++
		// Cut what the failed write left of the line, so the file ends on
		// whole records (a cut line reads as a crash's truncation).
		if st, serr := rw.f.Stat(); serr == nil && rw.off < st.Size() {
			_ = rw.f.Truncate(rw.off)
		}
		rw.w.Reset(rw.f)
		return err
	}
	rw.off += int64(len(rw.buf))
	rw.n++
	if rw.syncEvery > 0 && rw.off-rw.synced >= rw.syncEvery {
		rw.synced = rw.off
		rw.syncs++
		if err := rw.f.Sync(); err != nil {
			return fmt.Errorf("sync %s: %w", rw.f.Name(), err) // the record is written
		}
	}
	return nil
}

// SyncEvery makes Write sync the file each time n more bytes have been
// written since the last sync, so that Close's sync waits on at most n
// bytes: a merge writing hundreds of MB whose one sync at the end took
// 0.4 s on 600 MB, unstoppable. 0 (the default): only Close syncs.
func (rw *RecordWriter) SyncEvery(n int64) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	rw.syncEvery = n
}

// Count returns the number of records written.
func (rw *RecordWriter) Count() int64 {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	return rw.n
}

// Lost returns the number of records that could not be written.
func (rw *RecordWriter) Lost() int64 {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	return rw.lost
}

// Discard closes the file without flushing or syncing what is buffered:
// for a file about to be removed (a merge given up), whose sync would only
// make its caller wait on the disk.
func (rw *RecordWriter) Discard() error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	return rw.f.Close()
}

// Close flushes, syncs and closes the file.
func (rw *RecordWriter) Close() error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	err := rw.err
	if err == nil {
		err = rw.w.Flush()
	}
	return errors.Join(err, rw.f.Sync(), rw.f.Close())
}

// MaxRecordLine is the longest requests.jsonl line ReadRecords accepts.
const MaxRecordLine = 64 << 20

// ReadRecords yields the records of a requests.jsonl stream one at a time,
// so a report never holds a whole run in memory. A line that does not decode
// is yielded as an error naming its line number, and reading stops; when it
// is the last line (a write cut short by a crash) the error is a
// *TruncatedError, which a reader may treat as a warning.
func ReadRecords(r io.Reader) iter.Seq2[*Record, error] {
	return func(yield func(*Record, error) bool) {
		ReadNumbered(r, func(line int, rec *Record, err error) bool {
			if _, ok := err.(*TruncatedError); err != nil && !ok {
				err = fmt.Errorf("line %d: %w", line, err)
			}
			return yield(rec, err)
		})
	}
}

// ReadNumbered is ReadRecords for a caller that needs each record's line
// number (1 for r's first line), such as a Repeats' warning: yield gets the
// line, the record or the error, and reading stops when it returns false or
// after an error. An error of a line other than a *TruncatedError does not
// repeat the number.
//
// Past its first batch of lines (numberedBatch), a goroutine reads and
// decodes the lines ahead while yield works on those before them: decoding
// was a third of `report`'s time over a million records, done on the one
// core that summarized them. The lines are read, decoded and yielded in
// order, as one goroutine would; ReadNumbered returns only once that
// goroutine has stopped reading r.
func ReadNumbered(r io.Reader, yield func(line int, rec *Record, err error) bool) {
	d := &numberedReader{sc: bufio.NewScanner(r)}
	d.sc.Buffer(make([]byte, 0, 64<<10), MaxRecordLine)
	first := d.fill(nil)
	if d.done {
		first.yield(yield)
		return
	}
	batches, free := make(chan batch, 2), make(chan batch, 4)
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(batches)
		for !d.done && !stop.Load() {
			var b batch
			select {
			case b = <-free:
			default:
			}
			batches <- d.fill(b[:0])
		}
	})
	defer wg.Wait()
	more := first.yield(yield)
	for b := range batches {
		if more {
			more = b.yield(yield)
		}
		if !more {
			stop.Store(true) // and read on to let the reader end
			continue
		}
		clear(b)
		select {
		case free <- b:
		default:
		}
	}
}

// numberedBatch bounds a batch of lines ReadNumbered decodes ahead: so many
// records, or fewer holding this many bytes of lines.
const (
	numberedBatch      = 256
	numberedBatchBytes = 1 << 20
)

// numbered is one line's yield: its number, and its record or error.
type numbered struct {
	line int
	rec  *Record
	err  error
}

type batch []numbered

// yield passes b's lines to f in order, reporting false when f stopped
// (or a line was an error, the last ReadNumbered yields).
func (b batch) yield(f func(line int, rec *Record, err error) bool) bool {
	for _, n := range b {
		if !f(n.line, n.rec, n.err) || n.err != nil {
			return false
		}
	}
	return true
}

// numberedReader reads and decodes the lines of ReadNumbered in order.
type numberedReader struct {
	sc     *bufio.Scanner
	line   int
	chunks [][2]int64 // room for a record's chunks, kept from line to line
	done   bool       // the input ended, or a line was an error
}

// fill appends the next lines' records (an error ends them, and the input)
// to b, up to numberedBatch of them or numberedBatchBytes of lines.
func (d *numberedReader) fill(b batch) batch {
	size := 0
	for len(b) < numberedBatch && size < numberedBatchBytes {
		if !d.sc.Scan() {
			d.done = true
			if err := d.sc.Err(); err != nil {
				if errors.Is(err, bufio.ErrTooLong) {
					err = fmt.Errorf("a line longer than %d MiB (the bound of a record)", MaxRecordLine>>20)
				}
				b = append(b, numbered{line: d.line + 1, err: err})
			}
			return b
		}
		d.line++
		line := d.sc.Bytes()
		if len(line) == 0 {
			continue
		}
		size += len(line)
		rec := new(Record)
		err := unmarshalRecordWith(line, rec, &d.chunks)
		if err == nil && rec.Stage == "" {
			err = errNoStage
		}
		if err != nil {
			if !d.sc.Scan() && d.sc.Err() == nil && cutShort(line) {
				err = &TruncatedError{Line: d.line, Err: fmt.Errorf("line %d: %w", d.line, err)}
			}
			d.done = true
			return append(b, numbered{line: d.line, err: err})
		}
		b = append(b, numbered{line: d.line, rec: rec})
	}
	return b
}

// cutShort reports whether line is what a write cut short leaves of a
// record: the start of a JSON object that ends too soon. A last line that
// is no such prefix (text, a whole object that is no record) was never a
// record being written: a file that is not a requests.jsonl (a link to a
// key file) read as a run cut short at its line 1, with no records and no
// error.
func cutShort(line []byte) bool {
	line = bytes.TrimSpace(line)
	if len(line) == 0 || line[0] != '{' {
		return false
	}
	var v json.RawMessage
	se, ok := errors.AsType[*json.SyntaxError](json.Unmarshal(line, &v))
	return ok && se.Offset == int64(len(line))
}

// errNoStage is a line that decodes but is no request record: every record
// has a stage (run writes it always), and one without it ({}, null, an
// object of other fields) would be counted as a record of no level.
var errNoStage = errors.New("not a request record (no stage)")

// MaxOffsetNS bounds every time offset a record holds: a year either side
// of the run's start. No run lasts that long; a larger offset (2^63−1 in an
// edited or corrupted line) makes every span and rate computed from the
// record garbage. (run writes no negative offset; a reader takes one within
// the bound, as test fixtures and other tools write them, and leaves it out
// of the timeline.)
const MaxOffsetNS = int64(366 * 24 * time.Hour)

// checkOffsets returns an error naming the first time offset of r more
// than MaxOffsetNS from the run's start (an absent one is zero): the line
// is not what run wrote. chunks false leaves the chunks unchecked, for a
// record decodeRecordFast read, whose chunks it has bounded as it parsed
// them (a walk over a thousand of them cost 1.7 % of the decode).
func (r *Record) checkOffsets(chunks bool) error {
	for _, f := range [...]struct {
		name string
		ns   int64
	}{
		{"scheduled_ns", r.ScheduledNS}, {"sent_ns", r.SentNS}, {"connect_ns", r.ConnectNS},
		{"headers_ns", r.HeadersNS}, {"first_byte_ns", r.FirstByteNS}, {"first_token_ns", r.FirstTokenNS},
		{"first_content_ns", r.FirstContentNS}, {"end_ns", r.EndNS}, {"done_ns", r.DoneNS},
	} {
		if outsideRun(f.ns) {
			return fmt.Errorf("%s %d is more than a year (%d ns) from the run's start: the record is corrupt", f.name, f.ns, MaxOffsetNS)
		}
	}
	for i, c := range r.Chunks {
		if chunks && outsideRun(c[0]) {
			return fmt.Errorf("chunks[%d] offset %d is more than a year (%d ns) from the run's start: the record is corrupt", i, c[0], MaxOffsetNS)
		}
	}
	return nil
}

// outsideRun reports whether offset ns is more than MaxOffsetNS from the
// run's start.
func outsideRun(ns int64) bool { return ns < -MaxOffsetNS || ns > MaxOffsetNS }

// TruncatedError is a last line of requests.jsonl, or of a telemetry file
// (EachLine), that does not decode and is cut short: the process died while
// writing it. Every line before it is intact.
type TruncatedError struct {
	Line int
	Err  error
}

func (e *TruncatedError) Error() string {
	return fmt.Sprintf("last line %d is incomplete (run cut short?): %v", e.Line, e.Err)
}

func (e *TruncatedError) Unwrap() error { return e.Err }
