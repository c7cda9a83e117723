package merge

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestMergeWarningsWriteOutControlCharacters: merge's warnings, which
// `inferbench merge` prints as they are, name a shard whose directory name
// carries an ANSI escape written out (here the shard holds a line written
// twice, which is warned about with its path). Before, the escape reached
// the terminal.
func TestMergeWarningsWriteOutControlCharacters(t *testing.T) {
	root := t.TempDir()
	s0 := writeShard(t, root, "s0\x1b[31m", shardSpec{index: 0, count: 2, start: t0,
		records: []*rundir.Record{rec(0, 0, 100, 300), rec(2, 1000, 200, 400)}})
	s1 := writeShard(t, root, "s1", shardSpec{index: 1, count: 2, start: t0.Add(time.Millisecond),
		records: []*rundir.Record{rec(1, 0, 300, 500), rec(3, 1000, 400, 600)}})
	path := filepath.Join(s0, rundir.RecordsFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	first := b[:strings.IndexByte(string(b), '\n')+1]
	if err := os.WriteFile(path, append(b, first...), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Merge(Options{Dirs: []string{s0, s1}, Out: filepath.Join(root, "out")})
	if err != nil {
		t.Fatal(err)
	}
	saw := false
	for _, w := range res.Warnings {
		if strings.ContainsRune(w, 0x1b) {
			t.Errorf("warning with an escape byte: %q", w)
		}
		saw = saw || strings.Contains(w, `s0\x1b[31m`)
	}
	if !saw {
		t.Errorf("warnings %q; want one naming the shard s0\\x1b[31m written out", res.Warnings)
	}
}
