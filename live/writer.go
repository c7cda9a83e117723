package live

import (
	"os"

	"github.com/inferbench/inferbench/rundir"
)

// writerGone reports whether the process that writes the run directory of
// m is known to be gone: run.json names its host and pid (rundir.Host), the
// host is this one, and no process has that pid. A kill -9 or a crash
// leaves run.json saying running for ever; without this a follower waited
// for ever too. Another host's run, or a run.json without a pid, is never
// judged gone.
func writerGone(m *rundir.Manifest) bool {
	if m.Host.PID <= 0 || m.Host.PID == os.Getpid() {
		return false
	}
	if h, err := os.Hostname(); err != nil || h != m.Host.Name {
		return false
	}
	return !processAlive(m.Host.PID)
}
