//go:build unix

package live

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// TestFollowRefusesANamedPipe: a requests.jsonl that is a named pipe is
// refused by name, as report refuses it; opening it waited for a writer
// that never came, and watch hung until killed.
func TestFollowRefusesANamedPipe(t *testing.T) {
	d := newRunDir(t, scenarios.SLO{}, 3)
	d.f.Close()
	path := filepath.Join(d.dir, rundir.RecordsFile)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	f, err := NewFollower(ctx, d.dir, FollowOptions{})
	if err == nil {
		err = f.Run(ctx)
	}
	if err == nil || !strings.Contains(err.Error(), rundir.RecordsFile+" is a named pipe") {
		t.Errorf("error %v; want requests.jsonl is a named pipe", err)
	}
}
