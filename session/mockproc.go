package session

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// StartMockProcess runs `inferbench mock` (this executable, which must be
// inferbench: calibrate's StartMock) with args on a free loopback port, in
// its own process so that its CPU is not the harness's, and returns its
// URL and how to stop it.
func StartMockProcess(args ...string) (string, func(), error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(exe, append([]string{"mock", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "INFERBENCH_MAIN=1") // lets a test binary act as inferbench
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	i := strings.Index(line, "http://")
	if err != nil || i < 0 {
		cmd.Process.Kill()
		cmd.Wait()
		return "", nil, fmt.Errorf("mock did not start: %q %v", line, err)
	}
	go io.Copy(io.Discard, out)
	stop := func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	return strings.TrimSpace(line[i:]), stop, nil
}
