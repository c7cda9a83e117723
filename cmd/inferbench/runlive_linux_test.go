//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/inferbench/inferbench/mock"
)

// ptyPair opens a pseudo-terminal of width columns: the master, to read
// what was drawn, and the terminal the command writes its stderr to.
func ptyPair(t *testing.T, width int) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
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

// TestRunProgressOnPTY: `run` with its stderr on a pseudo-terminal (the
// default --progress auto) redraws the level's live line in place, showing
// at least three distinct done/total values before the level ends, then the
// level's result line; stdout stays free of control characters.
func TestRunProgressOnPTY(t *testing.T) {
	master, tty := ptyPair(t, 100)
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
	url := liveMock(t, mock.Config{TTFT: 20 * time.Millisecond, ITL: 10 * time.Millisecond, OutputTokens: 8})
	var stdout bytes.Buffer
	err := newApp(&stdout, tty).RunContext(t.Context(), []string{"inferbench", "run", "--target", "vllm", "--url", url,
		"--model", "m", "-c", "1", "-n", "40", "--max-tokens", "8", "--gpu-backend", "none", "--out", filepath.Join(t.TempDir(), "run")})
	if err != nil {
		t.Fatal(err)
	}
	tty.Close()
	select { // the reader drains what was written (EIO once the terminal side is closed)
	case <-readDone:
	case <-time.After(5 * time.Second):
		master.Close()
		<-readDone
	}
	mu.Lock()
	text := strings.ReplaceAll(out.String(), "\r\n", "\n")
	mu.Unlock()
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`level 1  (\d+)/40`).FindAllStringSubmatch(text, -1) {
		seen[m[1]] = true
	}
	if len(seen) < 3 {
		t.Errorf("%d distinct done/total values on the terminal: %v; want at least 3\n%q", len(seen), seen, text)
	}
	if !strings.Contains(text, "\x1b[1A\x1b[J") {
		t.Errorf("no redraw in place:\n%q", text)
	}
	if !regexp.MustCompile(`(?m)^\s+1\s+40\s+0\s`).MatchString(text) {
		t.Errorf("no result line for level 1:\n%q", text)
	}
	if strings.Contains(stdout.String(), "\x1b") || !strings.Contains(stdout.String(), "goodput req/s") {
		t.Errorf("stdout: want the results table and no control character:\n%q", stdout.String())
	}
}
