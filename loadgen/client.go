package loadgen

import (
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"runtime/metrics"
	"time"

	"github.com/inferbench/inferbench/internal/runwait"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// clientProbe reads the runtime's metrics, keeping the previous histograms
// to turn cumulative counts into per-interval figures.
type clientProbe struct {
	samples   []metrics.Sample
	prevSched []uint64
	prevGC    float64
	// wait reads the threads' run-queue wait (nil off Linux: unknown).
	wait *runwait.Reader
}

const (
	mSched      = "/sched/latencies:seconds"
	mGCPause    = "/sched/pauses/total/gc:seconds"
	mGoroutines = "/sched/goroutines:goroutines"
	mHeap       = "/memory/classes/heap/objects:bytes"
)

func newClientProbe() *clientProbe { return newClientProbeOf(runwait.Self()) }

// newClientProbeOf is newClientProbe reading the threads' scheduling
// counts with wait (a test's reader of a fake /proc tree).
func newClientProbeOf(wait *runwait.Reader) *clientProbe {
	p := &clientProbe{samples: []metrics.Sample{{Name: mSched}, {Name: mGCPause}, {Name: mGoroutines}, {Name: mHeap}}, wait: wait}
	p.read(0) // prime the histograms
	return p
}

// read takes one sample.
func (p *clientProbe) read(tNS int64) rundir.ClientSample {
	metrics.Read(p.samples)
	s := rundir.ClientSample{TNS: tNS, CPUSeconds: processCPUSeconds(), Cores: runtime.GOMAXPROCS(0)}
	// The OS's view, which the scheduler histogram below lacks: threads
	// the host left waiting for a CPU (docs/design.md, The client watches
	// itself). 0.3 ms a read at 36 threads (internal/runwait's benchmark).
	// The threads' time on a CPU comes from the same read, so that the wait
	// per CPU second is one clock over one set of threads, as the mock's is
	// (docs/design.md, Run-queue wait); cpu_s stays getrusage's, for the
	// CPU share and where schedstat is missing.
	if st, ok := p.wait.Read(); ok {
		w, run := float64(st.WaitNS)/1e9, float64(st.RunNS)/1e9
		s.RunWaitSeconds, s.RunSlices, s.RunCPUSeconds = &w, &st.Slices, &run
	}
	for _, m := range p.samples {
		switch m.Name {
		case mSched:
			if m.Value.Kind() == metrics.KindFloat64Histogram {
				h := m.Value.Float64Histogram()
				s.SchedHist = histDelta(h, p.prevSched)
				s.SchedLatencyP99MS = 1e3 * report.HistQuantile(s.SchedHist, 0.99) / 1e9
				p.prevSched = append(p.prevSched[:0], h.Counts...)
			}
		case mGCPause:
			if m.Value.Kind() == metrics.KindFloat64Histogram {
				h := m.Value.Float64Histogram()
				total := histApproxSum(h)
				s.GCPauseMS = 1e3 * max(total-p.prevGC, 0)
				p.prevGC = total
			}
		case mGoroutines:
			if m.Value.Kind() == metrics.KindUint64 {
				s.Goroutines = int(m.Value.Uint64())
			}
		case mHeap:
			if m.Value.Kind() == metrics.KindUint64 {
				s.HeapBytes = m.Value.Uint64()
			}
		}
	}
	return s
}

// histDelta returns the counts added to h since prev as sparse [upper
// bound ns, count] pairs (nil with none).
func histDelta(h *metrics.Float64Histogram, prev []uint64) [][2]int64 {
	var out [][2]int64
	for i, c := range h.Counts {
		if i < len(prev) {
			c -= prev[i]
		}
		if c == 0 {
			continue
		}
		up := h.Buckets[i+1]
		if math.IsInf(up, 1) {
			up = h.Buckets[i]
		}
		out = append(out, [2]int64{int64(math.Round(max(up, 0) * 1e9)), int64(c)})
	}
	return out
}

// histApproxSum estimates the sum of a histogram's values from bucket
// midpoints (lower bound for the open last bucket).
func histApproxSum(h *metrics.Float64Histogram) float64 {
	var sum float64
	for i, c := range h.Counts {
		if c == 0 {
			continue
		}
		lo, hi := h.Buckets[i], h.Buckets[i+1]
		switch {
		case math.IsInf(lo, -1):
			lo = 0
		case math.IsInf(hi, 1):
			hi = lo
		}
		sum += float64(c) * (lo + hi) / 2
	}
	return sum
}

// WatchClient samples the process every interval until ctx is done and
// writes each sample to w as a JSON line (client.jsonl), flushing each.
func WatchClient(ctx context.Context, start time.Time, interval time.Duration, w io.Writer) error {
	// The telemetry files' one writer: a write that fails (a full disk)
	// leaves no half line behind (rundir.JSONLWriter).
	jw := rundir.NewJSONLWriter[rundir.ClientSample](w, rundir.ClientFile)
	return WatchClientFunc(ctx, start, interval, func(c rundir.ClientSample) error { return jw.Write(c) })
}

// WatchClientFunc samples the process every interval until ctx is done and
// hands each sample to emit: one at once, one per interval, and one when ctx
// ends (the last interval, so the window's end is covered). It returns
// emit's first error.
func WatchClientFunc(ctx context.Context, start time.Time, interval time.Duration, emit func(rundir.ClientSample) error) error {
	if interval <= 0 {
		return fmt.Errorf("client watch: interval must be positive, got %v", interval)
	}
	p := newClientProbe()
	t := time.NewTicker(interval)
	defer t.Stop()
	sample := func() error { return emit(p.read(time.Since(start).Nanoseconds())) }
	if err := sample(); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return sample()
		case <-t.C:
			if err := sample(); err != nil {
				return err
			}
		}
	}
}
