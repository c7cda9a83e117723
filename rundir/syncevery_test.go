package rundir

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSyncEvery: a writer told SyncEvery(n) syncs each time the file has
// grown by n bytes or more since its last sync (the file's size, read
// here), and never without it; what it wrote reads back whole.
func TestSyncEvery(t *testing.T) {
	for _, every := range []int64{0, 1000, 5000} {
		dir := t.TempDir()
		rw, err := CreateRecordWriter(dir)
		if err != nil {
			t.Fatal(err)
		}
		rw.SyncEvery(every)
		var want, last int64
		for i := range 100 {
			if err := rw.Write(&Record{ID: uint64(i), Stage: StageMeasure, OK: true, Chunks: [][2]int64{}}); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(filepath.Join(dir, RecordsFile))
			if err != nil {
				t.Fatal(err)
			}
			if every > 0 && fi.Size()-last >= every {
				want, last = want+1, fi.Size()
			}
		}
		if rw.syncs != want || (every > 0 && want == 0) {
			t.Errorf("SyncEvery(%d): %d syncs; want %d (one each %d bytes), and some", every, rw.syncs, want, every)
		}
		if err := rw.Close(); err != nil {
			t.Fatal(err)
		}
		if n, err := CountRecords(dir, 3); err != nil || n != 100 {
			t.Errorf("SyncEvery(%d): %d records read back (%v); want 100", every, n, err)
		}
	}
}
