package backend

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// deadGPUs is a sampler every tick of which fails: an exporter that answers
// but not with GPU metrics.
type deadGPUs struct{}

func (deadGPUs) Devices(context.Context) ([]rundir.GPUDevice, error) { return nil, nil }
func (deadGPUs) Sample(_ context.Context, dst []rundir.GPUSample) ([]rundir.GPUSample, error) {
	return dst, errors.New("no DCGM metrics on the page")
}
func (deadGPUs) Close() error { return nil }

// TestWatchCommandFailsWhenEveryTickFailed: `gpu watch --count N` whose
// every tick failed read no GPU at all and exits non-zero, as `gpu list`
// does on the same backend; it exited 0 after printing N errors. One good
// tick among failed ones is a watch that worked (TestWatchCommandFormats).
func TestWatchCommandFailsWhenEveryTickFailed(t *testing.T) {
	for _, format := range []string{"table", "jsonl"} {
		var out, errw bytes.Buffer
		o := &CommandOptions{Backend: "dcgm", Interval: time.Millisecond, Count: 2, Format: format, Open: fakeOpen(deadGPUs{})}
		err := WatchCommand(t.Context(), o, &out, &errw)
		if err == nil || !strings.Contains(err.Error(), "all 2 ticks failed") || !strings.Contains(err.Error(), "no DCGM metrics on the page") {
			t.Errorf("%s: err = %v; want all 2 ticks failed, with the reason", format, err)
		}
	}
}
