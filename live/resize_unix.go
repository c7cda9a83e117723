//go:build unix

package live

import (
	"os"
	"os/signal"

	"golang.org/x/sys/unix"
)

// watchSIGWINCH tells of the terminal's resizes: the kernel sends SIGWINCH
// to the terminal's foreground process group when its size changes
// (TIOCSWINSZ, as a terminal emulator's window is resized). The channel
// keeps one signal: a burst of them (a window dragged wider) is one
// redraw behind at most. stop ends the listening; SIGWINCH is then
// ignored again, as Go's runtime ignores it by default.
func watchSIGWINCH() (<-chan os.Signal, func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, unix.SIGWINCH)
	return ch, func() { signal.Stop(ch) }
}
