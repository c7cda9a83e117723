package rundir

import "os"

// WriterState is what is known of the process writing a run directory
// whose run.json says running.
type WriterState int

const (
	// WriterUnknown: the run was made on another host, its run.json has
	// no pid, or this platform cannot tell.
	WriterUnknown WriterState = iota
	// WriterAlive: a process with the run's pid exists on this host: the
	// run is still going.
	WriterAlive
	// WriterGone: the run was made on this host and no process has its
	// pid: it was killed or crashed, and run.json will say running for
	// ever.
	WriterGone
)

// StillGoing reports whether m's run is still being written: run.json says
// running and its process is alive on this host (Writer).
func (m *Manifest) StillGoing() bool {
	return m != nil && m.ExitState == ExitRunning && m.Writer() == WriterAlive
}

// Writer says whether the process that writes m's run directory is still
// there: run.json names its host and pid (Host), and only this host's
// processes can be asked. A run written by this very process (a test) is
// WriterUnknown, as a run without a pid.
func (m *Manifest) Writer() WriterState {
	if m == nil || m.Host.PID <= 0 || m.Host.PID == os.Getpid() {
		return WriterUnknown
	}
	if h, err := os.Hostname(); err != nil || h != m.Host.Name {
		return WriterUnknown
	}
	exists, known := processExists(m.Host.PID)
	switch {
	case !known:
		return WriterUnknown
	case exists:
		return WriterAlive
	}
	return WriterGone
}
