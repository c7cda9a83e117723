//go:build unix

package history

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/internal/proctest"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// TestAddRefusesARunStillGoing: a run whose process is still alive on this
// host is refused with its pid; it used to be added with a warning, its
// partial numbers stored, and the finished run later beside them (its
// run.json, the fingerprint, changes when it ends).
func TestAddRefusesARunStillGoing(t *testing.T) {
	host, alive := proctest.Host(t), proctest.Alive(t)
	dir := filepath.Join(t.TempDir(), "going")
	writeRun(t, dir, "nightly", 50, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 1)
	rundirtest.EditManifest(t, dir, func(m *rundir.Manifest) {
		m.ExitState, m.Host.Name, m.Host.PID = rundir.ExitRunning, host, alive
	})
	var stdout, stderr bytes.Buffer
	err := RunAdd(t.Context(), CommandOptions{Store: filepath.Join(t.TempDir(), "h.db"), Args: []string{dir}}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "is still going (pid") || strings.Contains(stdout.String(), "added") {
		t.Errorf("history add of a run still going: err %v, stdout %q; want it refused, naming the pid", err, stdout.String())
	}
}
