//go:build !unix

package rundir

// processExists cannot tell here (known false): a run that says running
// is WriterUnknown.
func processExists(int) (exists, known bool) { return false, false }

// freeSpace is not known here: a run holds back ReserveBytes.
func freeSpace(string) (int64, bool) { return 0, false }
