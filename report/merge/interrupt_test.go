package merge

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// cancelAfter is a context that is cancelled at its after-th call of Err
// (the merge looks at every record): a merge stopped part of the way
// through its records, at the same place on every machine.
type cancelAfter struct {
	context.Context
	looks atomic.Int64
	after int64
	once  sync.Once
	done  chan struct{}
}

func newCancelAfter(after int64) *cancelAfter {
	return &cancelAfter{Context: context.Background(), after: after, done: make(chan struct{})}
}

func (c *cancelAfter) Err() error {
	if c.looks.Add(1) < c.after {
		return nil
	}
	c.once.Do(func() { close(c.done) })
	return context.Canceled
}

func (c *cancelAfter) Done() <-chan struct{} { return c.done }

// bigShards writes two shards of n records each under root.
func bigShards(t *testing.T, root string, n int) (string, string) {
	t.Helper()
	var r0, r1 []*rundir.Record
	for i := range n {
		r0 = append(r0, rec(uint64(2*i), int64(i), 100, 300))
		r1 = append(r1, rec(uint64(2*i+1), int64(i), 150, 350))
	}
	s0 := writeShard(t, root, "s0", shardSpec{index: 0, count: 2, start: t0, records: r0,
		gpu: []string{`{"t_ns":0,"index":0,"uuid":"GPU-a","power_w":300}`}})
	s1 := writeShard(t, root, "s1", shardSpec{index: 1, count: 2, start: t0.Add(time.Millisecond), records: r1})
	return s0, s1
}

// TestCancelledMergeLeavesNoRun: a merge whose context ends part of the way
// through the records returns the context's error and leaves --out as it
// found it — absent when it was absent, an empty directory (its hidden
// entries kept) when it was one — never a cut requests.jsonl that reads as
// a run, and a second merge into the same --out succeeds with every record.
func TestCancelledMergeLeavesNoRun(t *testing.T) {
	const n = 20000
	root := t.TempDir()
	s0, s1 := bigShards(t, root, n)
	for _, existing := range []bool{false, true} {
		name := "new out"
		if existing {
			name = "empty out with a hidden file"
		}
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "a", "merged")
			var want []string
			if existing {
				if err := os.MkdirAll(out, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(out, ".keep"), nil, 0o644); err != nil {
					t.Fatal(err)
				}
				want = []string{".keep"}
			}
			ctx := newCancelAfter(n / 2)
			res, err := MergeContext(ctx, Options{Dirs: []string{s0, s1}, Out: out})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("merge cancelled after %d looks at its context: %v, %v records; want context.Canceled", ctx.looks.Load(), err, records(res))
			}
			entries, err := os.ReadDir(out)
			switch {
			case !existing && !errors.Is(err, os.ErrNotExist):
				t.Fatalf("cancelled merge left %s (%v, %d entries); want no directory", out, err, len(entries))
			case !existing:
				if _, err := os.Stat(filepath.Dir(out)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("cancelled merge left %s, a parent it made", filepath.Dir(out))
				}
			case err != nil:
				t.Fatal(err)
			default:
				var got []string
				for _, e := range entries {
					got = append(got, e.Name())
				}
				if len(got) != len(want) || (len(got) > 0 && got[0] != want[0]) {
					t.Errorf("cancelled merge left %s holding %v; want %v", out, got, want)
				}
			}
			res, err = Merge(Options{Dirs: []string{s0, s1}, Out: out})
			if err != nil {
				t.Fatalf("second merge: %v", err)
			}
			if res.Manifest.Records != 2*n || len(readRecords(t, out)) != 2*n {
				t.Errorf("second merge: run.json counts %d records; want %d", res.Manifest.Records, 2*n)
			}
			if _, err := os.Stat(filepath.Join(out, rundir.SummaryFile)); err != nil {
				t.Errorf("second merge: %v", err)
			}
		})
	}
}

func records(res *Result) int64 {
	if res == nil {
		return 0
	}
	return res.Manifest.Records
}

// TestLeftStageWarned: a merge killed outright (SIGKILL) leaves its hidden
// directory in --out, its records taking room and read by nothing; the
// next merge there succeeds and warns of it by name, removing nothing (it
// may be another merge's, still going).
func TestLeftStageWarned(t *testing.T) {
	root := t.TempDir()
	s0, s1 := bigShards(t, root, 10)
	out := filepath.Join(root, "merged")
	left := filepath.Join(out, stagePrefix+"12345")
	if err := os.MkdirAll(left, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(left, rundir.RecordsFile), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Merge(Options{Dirs: []string{s0, s1}, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	var warned bool
	for _, w := range res.Warnings {
		warned = warned || strings.Contains(w, filepath.Base(left))
	}
	if !warned {
		t.Errorf("warnings %q name no %s", res.Warnings, filepath.Base(left))
	}
	if _, err := os.Stat(filepath.Join(left, rundir.RecordsFile)); err != nil {
		t.Errorf("the left directory was touched: %v", err)
	}
}
