package rendertest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// WriteLarge writes a run rundir reads without a warning: the records
// run.json counts, warm-ups first, every FailEvery-th one failed, the
// others with OutputTokens tokens in their chunks; the same Large gives
// the same bytes.
func TestWriteLarge(t *testing.T) {
	l := DefaultLarge(3000)
	l.OutputTokens = 16
	dirs := []string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
	for _, d := range dirs {
		if err := WriteLarge(d, l); err != nil {
			t.Fatal(err)
		}
	}
	x, _ := os.ReadFile(filepath.Join(dirs[0], rundir.RecordsFile))
	y, _ := os.ReadFile(filepath.Join(dirs[1], rundir.RecordsFile))
	if len(x) == 0 || !bytes.Equal(x, y) {
		t.Error("two writes of one Large differ (or are empty)")
	}
	rd, err := rundir.Open(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	var n, warm, failed, multi int
	for r, err := range rd.Records() {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if r.Stage == rundir.StageWarmup {
			warm++
		}
		if !r.OK {
			failed++
			continue
		}
		tokens := int64(0)
		for _, c := range r.Chunks {
			tokens += c[1]
			if c[1] > 1 {
				multi++
			}
		}
		if tokens != int64(l.OutputTokens) || r.OutputTokens != l.OutputTokens || r.EndNS != r.Chunks[len(r.Chunks)-1][0] {
			t.Fatalf("record %d: %d tokens in its chunks, %d counted, end %d; want %d", r.ID, tokens, r.OutputTokens, r.EndNS, l.OutputTokens)
		}
	}
	if n != l.Records || warm != l.Warmup || failed != l.Records/l.FailEvery || multi == 0 || len(rd.Warnings) != 0 {
		t.Errorf("%d records, %d warm-ups, %d failed, %d multi-token events, warnings %q; want %d, %d, %d, some, none",
			n, warm, failed, multi, rd.Warnings, l.Records, l.Warmup, l.Records/l.FailEvery)
	}
}
