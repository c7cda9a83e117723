package rundir

import (
	"bytes"
	"errors"
	"io"
	"sync/atomic"
	"testing"
)

// afterReturn is a reader that fails the test when read after returned.
type afterReturn struct {
	r        io.Reader
	t        *testing.T
	returned atomic.Bool
}

func (a *afterReturn) Read(p []byte) (int, error) {
	if a.returned.Load() {
		a.t.Error("ReadNumbered read its input after it returned")
	}
	return a.r.Read(p)
}

// TestReadNumberedReadsAheadInOrder: ReadNumbered decodes batches of lines
// on another goroutine, and yields what one goroutine reading line by line
// would: every record in order with its line number (blank lines counted),
// a bad line as the last yield (its number; a cut last line as a
// *TruncatedError), and nothing after yield says stop, at a batch's edge or
// within one, having stopped reading its input when it returns.
func TestReadNumberedReadsAheadInOrder(t *testing.T) {
	const n = 3*numberedBatch + 17
	var file []byte
	lineOf := map[uint64]int{}
	line := 0
	for i := range n {
		r := &Record{ID: uint64(i), Stage: StageMeasure, FirstTokenNS: 5, EndNS: 9, Chunks: [][2]int64{{5, 1}, {9, int64(i%3 + 1)}}}
		file = append(append(file, appendRecordJSON(nil, r)...), '\n')
		line++
		lineOf[r.ID] = line
		if i%100 == 7 {
			file = append(file, '\n')
			line++
		}
	}
	read := func(input []byte, stopAt int) (ids []uint64, lines []int, err error) {
		a := &afterReturn{r: bytes.NewReader(input), t: t}
		ReadNumbered(a, func(l int, rec *Record, e error) bool {
			if e != nil {
				lines, err = append(lines, l), e
				return false
			}
			ids, lines = append(ids, rec.ID), append(lines, l)
			if len(rec.Chunks) != 2 || rec.Chunks[1][1] != int64(rec.ID%3+1) {
				t.Errorf("record %d: chunks %v", rec.ID, rec.Chunks)
			}
			return len(ids) != stopAt
		})
		a.returned.Store(true)
		return ids, lines, err
	}
	ids, lines, err := read(file, -1)
	if err != nil || len(ids) != n {
		t.Fatalf("read %d records of %d, %v", len(ids), n, err)
	}
	for i, id := range ids {
		if id != uint64(i) || lines[i] != lineOf[id] {
			t.Fatalf("yield %d: record %d at line %d; want record %d at line %d", i, id, lines[i], i, lineOf[uint64(i)])
		}
	}
	for _, stopAt := range []int{1, numberedBatch, numberedBatch + 1, 2*numberedBatch + 5} {
		if ids, _, err := read(file, stopAt); len(ids) != stopAt || err != nil {
			t.Errorf("stopped at %d: %d records, %v", stopAt, len(ids), err)
		}
	}
	cut := append(bytes.Clone(file), `{"id":9999,"stage":"meas`...)
	ids, lines, err = read(cut, -1)
	if te, ok := errors.AsType[*TruncatedError](err); !ok || len(ids) != n || te.Line != line+1 || lines[len(lines)-1] != line+1 {
		t.Errorf("a cut last line: %d records, last yield at line %d, %v", len(ids), lines[len(lines)-1], err)
	}
	bad := append(append(bytes.Clone(file[:bytes.Index(file, []byte(`{"id":300,`))]), "not a record\n"...), file...)
	ids, _, err = read(bad, -1)
	if _, ok := errors.AsType[*TruncatedError](err); err == nil || ok || len(ids) != 300 || ids[299] != 299 {
		t.Errorf("a bad line after record 299: %d records, %v", len(ids), err)
	}
}
