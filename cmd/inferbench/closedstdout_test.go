package main

import (
	"io"
	"net/http/httptest"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
)

// closedPipe is a stdout whose reader has gone: every write fails as
// write(2) does then.
type closedPipe struct{}

func (closedPipe) Write([]byte) (int, error) { return 0, syscall.EPIPE }

// TestClosedStdoutKeepsTheVerdict: `run … | head -1` closes run's stdout
// before the table; the run completed, so it exits as its verdict says (0),
// not 2 with "write /dev/stdout: broken pipe" beside a complete run.json.
func TestClosedStdoutKeepsTheVerdict(t *testing.T) {
	m, err := mock.New(mock.Config{TTFT: time.Millisecond, ITL: time.Millisecond, OutputTokens: 4})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "run")
	err = newApp(closedPipe{}, io.Discard).RunContext(t.Context(), []string{"inferbench", "run", "--url", srv.URL, "--model", "m", "--requests", "4", "--out", dir})
	if err != nil {
		t.Errorf("run with its stdout closed: %v; want its verdict, a pass", err)
	}
}
