package loadgen

import (
	"bytes"
	"context"
	"io"
	"math"
	"os"
	"reflect"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// TestHistDelta: the counts added since the previous read, one [upper
// bound ns, count] pair per non-empty bucket; the open last bucket gets its
// lower bound and the negative one 0.
func TestHistDelta(t *testing.T) {
	h := &metrics.Float64Histogram{
		Buckets: []float64{math.Inf(-1), 0, 1e-6, 2e-6, 4e-6, math.Inf(1)},
		Counts:  []uint64{1, 3, 5, 0, 7},
	}
	got := histDelta(h, []uint64{0, 1, 5, 0, 2})
	want := [][2]int64{{0, 1}, {1000, 2}, {4000, 5}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("histDelta = %v, want %v", got, want)
	}
	if got := histDelta(h, h.Counts); got != nil {
		t.Errorf("no new counts: %v, want nil", got)
	}
	// No previous read: everything counts.
	if got := histDelta(h, nil); len(got) != 4 || got[3] != [2]int64{4000, 7} {
		t.Errorf("first read = %v", got)
	}
}

// TestWatchClient: samples of a busy process, one a line, each consistent:
// time and CPU rise, the interval's histogram is in bucket order and its
// p99 is the one recorded, and the last sample comes at cancellation.
func TestWatchClient(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var buf bytes.Buffer
	cw := &countingWriter{w: &buf}
	done := make(chan error, 1)
	go func() { done <- WatchClient(ctx, time.Now(), 10*time.Millisecond, cw) }()
	// Work that makes goroutines runnable, so there is something to count,
	// until four samples are written (a count, not a time: a loaded
	// machine may take far longer than 40 ms for four 10-ms ticks).
	var wg sync.WaitGroup
	giveUp := time.Now().Add(time.Minute)
	for range 4 {
		wg.Go(func() {
			for cw.writes.Load() < 4 && time.Now().Before(giveUp) {
				ch := make(chan int)
				go func() { ch <- 1 }()
				<-ch
			}
		})
	}
	wg.Wait()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	samples, err := rundir.ReadClientSamples(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) < 3 {
		t.Fatalf("%d samples; want at least 3", len(samples))
	}
	events := 0
	for i, s := range samples {
		if s.Cores != runtime.GOMAXPROCS(0) || s.Goroutines <= 0 || s.HeapBytes == 0 {
			t.Errorf("sample %d: %+v", i, s)
		}
		if i > 0 && (s.TNS <= samples[i-1].TNS || s.CPUSeconds < samples[i-1].CPUSeconds) {
			t.Errorf("sample %d goes back: %+v after %+v", i, s, samples[i-1])
		}
		// On Linux (with schedstats) every sample carries the threads'
		// run-queue wait, a running total.
		if _, err := os.Stat("/proc/self/schedstat"); err == nil && runtime.GOOS == "linux" {
			if s.RunWaitSeconds == nil || s.RunSlices == nil || *s.RunSlices == 0 || s.RunCPUSeconds == nil {
				t.Errorf("sample %d: no run_wait_s, run_slices and run_cpu_s on Linux", i)
			} else if i > 0 && samples[i-1].RunWaitSeconds != nil && (*s.RunWaitSeconds < *samples[i-1].RunWaitSeconds || *s.RunSlices < *samples[i-1].RunSlices) {
				p := samples[i-1]
				t.Errorf("sample %d: run wait went back, %v over %d after %v over %d", i, *s.RunWaitSeconds, *s.RunSlices, *p.RunWaitSeconds, *p.RunSlices)
			}
		}
		if !slices.IsSortedFunc(s.SchedHist, func(a, b [2]int64) int { return int(a[0] - b[0]) }) {
			t.Errorf("sample %d histogram out of order: %v", i, s.SchedHist)
		}
		for _, b := range s.SchedHist {
			events += int(b[1])
		}
		if want := report.HistQuantile(s.SchedHist, 0.99) / 1e6; s.SchedLatencyP99MS != want {
			t.Errorf("sample %d p99 %v ms, its histogram says %v", i, s.SchedLatencyP99MS, want)
		}
	}
	if events == 0 {
		t.Error("no scheduling events counted while goroutines ran")
	}
	if err := WatchClient(ctx, time.Now(), 0, &buf); err == nil {
		t.Error("zero interval accepted")
	}
}

// countingWriter counts the writes that reach w; WatchClient writes one
// sample per write.
type countingWriter struct {
	w      io.Writer
	writes atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.writes.Add(1)
	return n, err
}
