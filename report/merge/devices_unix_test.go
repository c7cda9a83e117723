//go:build unix

package merge

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestMergeReadsTelemetryWithinBounds: a shard's telemetry file that is a
// named pipe, or a link to an endless device, is refused with its path
// instead of read whole: merge read gpu.jsonl, server.jsonl and
// client.jsonl with os.ReadFile, so a pipe hung it and a link to /dev/zero
// took memory until the process died ("fatal error: out of memory" under
// a 2 GB limit). The readers of a run bound every line (rundir.MaxLine).
// The 60 s only tells a hang from an answer.
func TestMergeReadsTelemetryWithinBounds(t *testing.T) {
	merge := func(t *testing.T, file string, mk func(path string) error) error {
		t.Helper()
		root := t.TempDir()
		a := writeShard(t, root, "a", shardSpec{index: 0, count: 2, start: t0, records: []*rundir.Record{rec(0, 0, 100, 200)}})
		b := writeShard(t, root, "b", shardSpec{index: 1, count: 2, start: t0, records: []*rundir.Record{rec(1, 0, 100, 200)}})
		if err := mk(filepath.Join(b, file)); err != nil {
			t.Skipf("cannot make %s here: %v", file, err)
		}
		errc := make(chan error, 1)
		go func() {
			_, err := Merge(Options{Dirs: []string{a, b}, Out: filepath.Join(root, "out")})
			errc <- err
		}()
		select {
		case err := <-errc:
			return err
		case <-time.After(60 * time.Second):
			t.Fatalf("merge with %s a named pipe or a device hung", file)
			return nil
		}
	}
	for _, file := range []string{rundir.GPUFile, rundir.ServerFile, rundir.ClientFile} {
		err := merge(t, file, func(path string) error { return syscall.Mkfifo(path, 0o644) })
		if err == nil || !strings.Contains(err.Error(), "named pipe") || !strings.Contains(err.Error(), file) {
			t.Fatalf("merge with %s a named pipe: %v; want it refused, named", file, err)
		}
	}
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	for _, file := range []string{rundir.GPUFile, rundir.ServerFile, rundir.ClientFile} {
		err := merge(t, file, func(path string) error { return os.Symlink("/dev/zero", path) })
		if err == nil || !strings.Contains(err.Error(), file+" line 1: longer than 4 MiB") {
			t.Errorf("merge with %s a link to /dev/zero: %v; want it refused at the line bound", file, err)
		}
	}
}
