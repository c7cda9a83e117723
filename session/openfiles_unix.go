//go:build unix

package session

import "syscall"

// openFileLimit is the most files this process may open (RLIMIT_NOFILE).
func openFileLimit() (uint64, bool) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil || uint64(r.Cur) == ^uint64(0) {
		return 0, false
	}
	return uint64(r.Cur), true
}
