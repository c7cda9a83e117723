//go:build unix

package rundir

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/internal/proctest"
)

// TestOpenRunStillGoing: report on a run directory whose run process is
// still alive on this host says the run is still going, with its pid;
// one whose process is gone says it did not finish and that the process
// is gone. Before, both said "the process was killed?", a live run too.
func TestOpenRunStillGoing(t *testing.T) {
	host, alive, gone := proctest.Host(t), proctest.Alive(t), proctest.Gone(t)
	for _, c := range []struct {
		pid       int
		want, not string
		state     WriterState
	}{
		{alive, "the run is still going (pid", "killed", WriterAlive},
		{gone, "is gone: killed?", "still going", WriterGone},
		{0, "the process was killed?", "still going", WriterUnknown},
	} {
		dir := t.TempDir()
		rw, err := CreateRecordWriter(dir)
		if err != nil {
			t.Fatal(err)
		}
		rw.Write(&Record{ID: 1, Stage: StageMeasure, OK: true})
		rw.Close()
		m := &Manifest{Tool: "inferbench", ExitState: ExitRunning, Host: Host{Name: host, PID: c.pid}}
		if err := WriteManifest(dir, m); err != nil {
			t.Fatal(err)
		}
		r, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(r.Warnings, "\n")
		if !strings.Contains(got, c.want) || strings.Contains(got, c.not) {
			t.Errorf("pid %d: warnings %q; want %q, not %q", c.pid, got, c.want, c.not)
		}
		if s := r.Manifest.Writer(); s != c.state {
			t.Errorf("pid %d: Writer() = %d; want %d", c.pid, s, c.state)
		}
	}
}
