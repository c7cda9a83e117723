package rundir

import (
	"testing"

	"github.com/inferbench/inferbench/internal/proctest"
)

// TestWriterZombie: a run killed (kill -9) whose parent has not reaped it
// yet is a zombie: it has exited and writes nothing more, but signal 0
// reaches it, and the run read as still going: report said "the run is
// still going (pid 7851 on this host)" of a run killed 0.5 s before, and a
// watch would wait on it for as long as nothing reaps it (a container's
// init that reaps nothing: for ever).
func TestWriterZombie(t *testing.T) {
	m := &Manifest{ExitState: ExitRunning, Host: Host{Name: proctest.Host(t), PID: proctest.Zombie(t)}}
	if s := m.Writer(); s != WriterGone {
		t.Errorf("Writer() of a zombie = %d; want WriterGone (%d)", s, WriterGone)
	}
	if m.StillGoing() {
		t.Error("a run whose process is a zombie is still going")
	}
}
