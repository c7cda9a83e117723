package backend

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// escSampler fails every tick with a tool's stderr that holds escape
// sequences, as a driver's message in colour does.
type escSampler struct{ fakeGPUs }

func (escSampler) Sample(_ context.Context, dst []rundir.GPUSample) ([]rundir.GPUSample, error) {
	return dst, errors.New("nvidia-smi: exit status 1: \x1b[31mFailed to initialize NVML\x1b[0m\nDriver/library version mismatch")
}

// `gpu watch --format jsonl` writes each failed tick to standard error: the
// tool's text reached the terminal as it was, escape sequences and line
// breaks included. It is written out, one line a tick.
func TestWatchCommandJSONLErrorsWrittenOut(t *testing.T) {
	var out, errw bytes.Buffer
	o := &CommandOptions{Backend: "smi", Count: 2, Format: "jsonl", Open: fakeOpen(&escSampler{})}
	err := WatchCommand(t.Context(), o, &out, &errw)
	if err == nil {
		t.Fatal("WatchCommand with every tick failed = nil; want an error")
	}
	if s := errw.String(); strings.Contains(s, "\x1b") || strings.Count(s, "\n") != 2 || !strings.Contains(s, `\x1b[31mFailed`) {
		t.Errorf("stderr = %q; want two lines, the escapes written out", s)
	}
	if strings.Contains(err.Error(), "\x1b") {
		t.Errorf("error = %q; want the escapes written out", err)
	}
}
