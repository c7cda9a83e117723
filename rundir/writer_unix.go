//go:build unix

package rundir

import (
	"errors"
	"syscall"
)

// processExists reports whether a process with pid exists (known: always
// here): signal 0 checks without sending (kill(2)); EPERM means it exists
// under another user.
func processExists(pid int) (exists, known bool) {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM), true
}
