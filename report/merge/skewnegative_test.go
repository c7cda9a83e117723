package merge

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestMergeRefusesANegativeSkewBound: merge --skew-warn -1s merged with the
// default bound of 1 s, as if the flag had not been given; it is refused
// before anything is written.
func TestMergeRefusesANegativeSkewBound(t *testing.T) {
	root := t.TempDir()
	a := writeShard(t, root, "a", shardSpec{index: 0, count: 2, start: t0, records: []*rundir.Record{rec(0, 0, 100, 200)}})
	b := writeShard(t, root, "b", shardSpec{index: 1, count: 2, start: t0, records: []*rundir.Record{rec(1, 0, 100, 200)}})
	out := filepath.Join(root, "out")
	_, err := Merge(Options{Dirs: []string{a, b}, Out: out, SkewBound: -time.Second})
	if err == nil || !strings.Contains(err.Error(), "--skew-warn") {
		t.Errorf("skew bound -1s: err %v; want it refused, naming --skew-warn", err)
	}
	if _, serr := os.Stat(out); !os.IsNotExist(serr) {
		t.Errorf("%s written (%v); want nothing", out, serr)
	}
}
