package rundir

import (
	"bytes"
	"os"
	"strconv"
)

// zombie reports whether process pid has exited and waits to be reaped:
// state Z (or X, dead) in /proc/PID/stat, the field after the command
// name, which is in parentheses and may itself hold ") ".
func zombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || len(b) < i+3 {
		return false
	}
	return b[i+2] == 'Z' || b[i+2] == 'X'
}
