//go:build !unix

package rundir

// processExists cannot tell here (known false): a run that says running
// is WriterUnknown.
func processExists(int) (exists, known bool) { return false, false }
