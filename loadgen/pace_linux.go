package loadgen

import (
	"syscall"
	"time"
)

// fineSleep sleeps d with nanosleep(2), which Linux serves from its
// high-resolution timers (late by about 0.1 ms, not Go's ~1 ms). It blocks
// its thread for at most fineWindow; the runtime gives the thread's P to
// other goroutines meanwhile.
func fineSleep(d time.Duration) {
	ts := syscall.NsecToTimespec(d.Nanoseconds())
	for {
		var rem syscall.Timespec
		if err := syscall.Nanosleep(&ts, &rem); err != syscall.EINTR {
			return
		}
		ts = rem
	}
}
