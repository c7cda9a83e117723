//go:build unix

package rundir

import (
	"errors"
	"syscall"
)

// processExists reports whether a process with pid exists (known: always
// here): signal 0 checks without sending (kill(2)); EPERM means it exists
// under another user. A zombie (exited, not yet reaped) does not: signal
// 0 reaches it, but it writes nothing more.
func processExists(pid int) (exists, known bool) {
	err := syscall.Kill(pid, 0)
	return (err == nil || errors.Is(err, syscall.EPERM)) && !zombie(pid), true
}

// freeSpace is the room left on dir's disk for this user, in bytes
// (statfs(2)).
func freeSpace(dir string) (int64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return int64(st.Bavail) * int64(st.Bsize), true
}
