package live

import (
	"github.com/inferbench/inferbench/rundir"
)

// writerGone reports whether the process that writes the run directory of
// m is known to be gone: run.json names its host and pid (rundir.Host), the
// host is this one, and no process has that pid (rundir.Manifest.Writer).
// A kill -9 or a crash leaves run.json saying running for ever; without
// this a follower waited for ever too. Another host's run, or a run.json
// without a pid, is never judged gone.
func writerGone(m *rundir.Manifest) bool {
	return m.Writer() == rundir.WriterGone
}
