//go:build linux

package live

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair of width columns: the master, to
// read what was drawn, and the terminal a Progress writes to.
func openPTY(t *testing.T, width int) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: uint16(width)}); err != nil {
		t.Fatal(err)
	}
	return master, tty
}

// TestProgressOnPTY: under a real pseudo-terminal of 60 columns, ModeAuto
// finds the terminal and its width: the live line is redrawn in place,
// shows several done/total values, and no line is wider than 59 columns.
func TestProgressOnPTY(t *testing.T) {
	master, tty := openPTY(t, 60)
	var (
		mu  sync.Mutex
		out bytes.Buffer
	)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()

	s := New(Options{})
	p := NewProgress(tty, s, ProgressOptions{Refresh: 20 * time.Millisecond})
	if !p.TTY() {
		t.Fatal("ModeAuto did not find the pseudo-terminal")
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	s.LevelStarted(LevelPlan{Level: 3, Requests: 8})
	for range 8 {
		time.Sleep(60 * time.Millisecond)
		now := time.Since(s.start).Nanoseconds()
		s.Add(rec(3, now-50*ms, 10*ms, 2*ms, 21))
	}
	s.LevelFinished(3, nil)
	time.Sleep(60 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	tty.Close()
	// Wait for the reader to drain what was written (EIO once the terminal
	// side is closed), bounded.
	select {
	case <-readDone:
	case <-time.After(5 * time.Second):
		master.Close()
		<-readDone
	}
	mu.Lock()
	text := strings.ReplaceAll(out.String(), "\r\n", "\n") // the line discipline's ONLCR
	mu.Unlock()

	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`level 3  (\d)/8`).FindAllStringSubmatch(text, -1) {
		seen[m[1]] = true
	}
	if len(seen) < 3 {
		t.Errorf("%d distinct done/total values on the terminal: %v; want at least 3\n%q", len(seen), seen, text)
	}
	if !strings.Contains(text, "\x1b[1A\x1b[J") {
		t.Error("no redraw in place")
	}
	for _, l := range strings.Split(regexp.MustCompile(`\r?\x1b\[\d+A\x1b\[J`).ReplaceAllString(text, "\n"), "\n") {
		if len(l) > 59 {
			t.Errorf("line of %d columns on a 60-column terminal: %q", len(l), l)
		}
	}
	if !strings.Contains(text, "     3       8      0") {
		t.Errorf("no result line for level 3:\n%q", text)
	}
}
