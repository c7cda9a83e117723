package rundir

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math"
)

// Repeats finds records of requests.jsonl that repeat an earlier one: a
// line written twice (a file concatenated onto itself, a copy pasted back,
// a merge of the same shard twice). Every attempt of a request is sent at
// its own instant, so two records of one id, stage, level, worker and
// attempt with the same timestamps are one attempt counted twice; a
// report that kept both would count its tokens and latencies twice. It
// holds a 64-bit hash and a line number per record (some 20 bytes), not the
// records. Run.Records leaves the repeats out with Warning's one line, and
// so does a follower of a directory being written (live), so that the
// report and the watch count the same records.
type Repeats struct {
	h     maphash.Hash // reused: a record's key allocates nothing
	first map[uint64]int32
	// n counts the repeats; line, of and id describe the first.
	n, line, of int
	id          uint64
}

// NewRepeats returns a Repeats that has seen no record.
func NewRepeats() *Repeats {
	return &Repeats{first: make(map[uint64]int32)}
}

// Repeat reports whether rec, read at line, repeats a record read before,
// and remembers it when it does not.
func (d *Repeats) Repeat(line int, rec *Record) bool {
	k := d.key(rec)
	if prev, ok := d.first[k]; ok {
		if d.n == 0 {
			d.line, d.of, d.id = line, int(prev), rec.ID
		}
		d.n++
		return true
	}
	d.first[k] = int32(min(line, math.MaxInt32))
	return false
}

// key hashes what makes a record one attempt at one instant.
func (d *Repeats) key(rec *Record) uint64 {
	var b [8 * 11]byte
	for i, v := range []uint64{rec.ID, math.Float64bits(rec.Level), uint64(rec.Worker), uint64(rec.Attempt),
		uint64(rec.ScheduledNS), uint64(rec.SentNS), uint64(rec.EndNS), uint64(rec.DoneNS), rec.Session,
		uint64(rec.Turn), uint64(len(rec.Stage))} {
		binary.LittleEndian.PutUint64(b[8*i:], v)
	}
	d.h.Reset()
	d.h.Write(b[:])
	d.h.WriteString(string(rec.Stage))
	return d.h.Sum64()
}

// Warning is the one line that says which records were left out, "" when
// none was; path names the file read.
func (d *Repeats) Warning(path string) string {
	if d.n == 0 {
		return ""
	}
	s := fmt.Sprintf("%s:%d: record id %d repeats line %d (a line written twice): left out", path, d.line, d.id, d.of)
	if d.n > 1 {
		s += fmt.Sprintf(", and %d more repeated records", d.n-1)
	}
	return s
}
