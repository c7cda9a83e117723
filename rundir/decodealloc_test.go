package rundir

import (
	"bytes"
	"reflect"
	"runtime"
	"testing"
)

// TestDecodeLaysOutChunksOnce: reading records as run writes them
// allocates each record's chunks once, 16 bytes an entry, beside the
// Record itself and nothing for its keys: counted bytes
// (runtime.MemStats.TotalAlloc) of reading 200 records less those of
// reading 100 (the reader's own buffers), the same on any machine. Grown
// by doubling from 64, a 1,000-chunk record's 16 KB of chunks cost 49 KB
// of allocation, and each key was looked up among the interned strings. A
// record with spaces in its chunks, and one after a longer one, still
// decode whole.
func TestDecodeLaysOutChunksOnce(t *testing.T) {
	want := benchRecord()
	line := append(appendRecordJSON(nil, want), '\n')
	read := func(n int) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		got := 0
		for r, err := range ReadRecords(bytes.NewReader(bytes.Repeat(line, n))) {
			if err != nil || !reflect.DeepEqual(r, want) {
				t.Fatalf("read %+v, %v; wrote %+v", r, err, want)
			}
			got++
		}
		runtime.ReadMemStats(&after)
		if got != n {
			t.Fatalf("read %d records of %d", got, n)
		}
		return after.TotalAlloc - before.TotalAlloc - uint64(n*len(line)) // less the lines themselves
	}
	perRecord := (read(200) - read(100)) / 100
	if limit := uint64(16*len(want.Chunks) + 1024); perRecord > limit {
		t.Errorf("a %d-chunk record allocates %d bytes a read; want at most %d", len(want.Chunks), perRecord, limit)
	}
	short := &Record{Stage: StageMeasure, FirstTokenNS: 1, EndNS: 2, Chunks: [][2]int64{{1, 1}, {2, 1}}}
	lines := append(append(bytes.Clone(line), appendRecordJSON(nil, short)...), "\n"+`{"stage":"measure","chunks":[[1,1] , [2,1] ],"error":"]] [[[["}`+"\n"...)
	var got []*Record
	for r, err := range ReadRecords(bytes.NewReader(lines)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if len(got) != 3 || !reflect.DeepEqual(got[0], want) || !reflect.DeepEqual(got[1], short) || !reflect.DeepEqual(got[2].Chunks, short.Chunks) {
		t.Errorf("records after one another: %+v", got)
	}
}
