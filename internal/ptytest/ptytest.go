//go:build linux

// Package ptytest gives tests a real pseudo-terminal to draw on and what
// was drawn on it: the terminal progress of package live and of `run` are
// tested under one (Linux only: it opens /dev/ptmx).
package ptytest

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Terminal is a pseudo-terminal pair: TTY is the terminal the code under
// test writes to; a reader drains the master side into a buffer.
type Terminal struct {
	TTY    *os.File
	master *os.File
	mu     sync.Mutex
	out    bytes.Buffer
	done   chan struct{}
}

// Open opens a pseudo-terminal of width columns and 24 rows and starts
// reading what is drawn on it; the test is skipped where there is none.
func Open(t testing.TB, width int) *Terminal {
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
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: uint16(width)}); err != nil {
		t.Fatal(err)
	}
	p := &Terminal{TTY: tty, master: master, done: make(chan struct{})}
	go p.read()
	return p
}

// read copies the master side into the buffer until it fails (EIO once the
// terminal side is closed).
func (p *Terminal) read() {
	defer close(p.done)
	buf := make([]byte, 4096)
	for {
		n, err := p.master.Read(buf)
		p.mu.Lock()
		p.out.Write(buf[:n])
		p.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// Close closes the terminal side, waits (at most 5 s) for the reader to
// drain what was written, and returns it with the line discipline's
// "\r\n" (ONLCR) turned back into "\n".
func (p *Terminal) Close() string {
	p.TTY.Close()
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.master.Close()
		<-p.done
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.ReplaceAll(p.out.String(), "\r\n", "\n")
}
