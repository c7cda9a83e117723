package gpu

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/inferbench/inferbench/internal/tick"
	"github.com/inferbench/inferbench/rundir"
)

// DefaultInterval is the sampling period of [Watch] when
// WatchConfig.Interval is zero: four readings a second, inside the 250–500 ms
// the notes recommend for benchmark windows.
const DefaultInterval = 250 * time.Millisecond

// WatchConfig configures [Watch]. The zero value samples every
// [DefaultInterval] until ctx is done.
type WatchConfig struct {
	// Interval is the sampling period; 0 means DefaultInterval.
	Interval time.Duration
	// Count stops Watch after this many ticks (gaps included); 0 means no
	// limit.
	Count int
	// OnError, if set, is called with the tick's time (ns from start) and
	// the error of every failed or partly failed tick, e.g. to log it. It
	// runs on Watch's goroutine.
	OnError func(tNS int64, err error)
}

// Watch samples s at once and then every cfg.Interval until ctx is done (or
// cfg.Count ticks have run), stamps every Sample of a tick with the same TNS
// (its offset from start, taken when Sample returned), and hands each batch
// to emit. emit must not keep the slice: Watch reuses it.
//
// A failed tick is not fatal: its error goes to cfg.OnError and emit gets a
// gap Sample (Index -1, Error set) in place of, or after, the readings it got;
// the loop goes on. When a tick takes longer than the interval, the ticks
// that fell in between are skipped, not queued. Watch returns ctx.Err() when
// ctx is done, nil after cfg.Count ticks, or the first error from emit.
func Watch(ctx context.Context, s Sampler, start time.Time, cfg WatchConfig, emit func([]rundir.GPUSample) error) error {
	interval := cfg.Interval
	if interval == 0 {
		interval = DefaultInterval
	}
	if interval < 0 {
		return fmt.Errorf("gpu watch: interval %v: must be positive", interval)
	}
	if cfg.Count < 0 {
		return fmt.Errorf("gpu watch: count %d: must not be negative", cfg.Count)
	}
	var buf []rundir.GPUSample
	var seen seenGPUs
	return tick.Every(ctx, interval, cfg.Count, func() error {
		var err error
		buf, err = s.Sample(ctx, buf[:0])
		tNS := time.Since(start).Nanoseconds()
		if ctx.Err() != nil {
			// A tick cut short by the end of the run is not a gap.
			return ctx.Err()
		}
		for i := range buf {
			buf[i].TNS = tNS
		}
		// Checked only when the backend said nothing: a GPU that appeared
		// carries it on its reading, one missing is a gap of the tick.
		if appeared, missing := seen.check(buf); err == nil && (appeared != "" || missing != "") {
			err = errors.New(strings.Join(slices.DeleteFunc([]string{appeared, missing}, func(m string) bool { return m == "" }), "; "))
			if cfg.OnError != nil {
				cfg.OnError(tNS, err)
			}
			if missing != "" {
				buf = append(buf, rundir.GPUSample{TNS: tNS, Index: -1, Error: missing})
			}
			return emit(buf)
		}
		if err != nil {
			if cfg.OnError != nil {
				cfg.OnError(tNS, err)
			}
			if len(buf) == 0 || !hasError(buf) {
				buf = append(buf, rundir.GPUSample{TNS: tNS, Index: -1, Error: err.Error()})
			}
		}
		return emit(buf)
	})
}

// seenGPUs remembers the GPUs read so far, by UUID (by index where a
// backend gives none), in the order first read.
type seenGPUs struct {
	keys  []string
	index map[string]int
	read  bool // a tick has read a GPU
}

func gpuKey(s *rundir.GPUSample) string {
	if s.UUID != "" {
		return s.UUID
	}
	return fmt.Sprint(s.Index)
}

// check records the GPUs of a tick's readings. It returns what it set on
// the readings of GPUs first read after the first tick that read any
// (appeared), and the words naming every GPU read before that is not among
// them (missing); "" for none, and both "" when the tick read nothing (a
// failed tick is a gap of its own). A GPU that drops out with no error from
// its backend (off the bus: nvidia-smi prints the others) would otherwise
// leave no trace.
func (g *seenGPUs) check(ss []rundir.GPUSample) (appeared, missing string) {
	var news []string
	now := map[string]bool{}
	at := map[int]bool{}     // the indexes read
	noUUID := map[int]bool{} // a reading whose UUID failed stands for its index's GPU
	for i := range ss {
		if ss[i].IsGap() {
			continue
		}
		k := gpuKey(&ss[i])
		now[k], at[ss[i].Index] = true, true
		if ss[i].UUID == "" {
			noUUID[ss[i].Index] = true
			if _, ok := g.index[k]; !ok && g.anyAt(ss[i].Index) {
				continue
			}
		}
		if g.index == nil {
			g.index = map[string]int{}
		}
		if _, ok := g.index[k]; !ok && ss[i].UUID != "" {
			g.named(k, ss[i].Index) // a GPU first read without its UUID now has it
		}
		if _, ok := g.index[k]; !ok {
			g.keys = append(g.keys, k)
			if g.read {
				// A GPU first read after the first tick (hot-plugged, a MIG
				// layout changed) is summed into the levels' power and
				// memory, and is not in the run's inventory: its first
				// reading says so.
				msg := fmt.Sprintf("gpu %d", ss[i].Index)
				if ss[i].UUID != "" {
					msg += " (" + ss[i].UUID + ")"
				}
				AddError(&ss[i], msg+" appeared: not read at the first tick")
				news = append(news, ss[i].Error)
			}
		}
		g.index[k] = ss[i].Index
	}
	if len(now) == 0 {
		return "", ""
	}
	g.read = true
	var names []string
	for _, k := range g.keys {
		i := g.index[k]
		byIndex := k == fmt.Sprint(i) // read without a UUID: any reading at i is it
		if now[k] || (byIndex && at[i]) || (!byIndex && noUUID[i]) {
			continue
		}
		name := fmt.Sprintf("gpu %d", i)
		if !byIndex {
			name += " (" + k + ")"
		}
		names = append(names, name)
	}
	if len(names) > 0 {
		verb := "is"
		if len(names) > 1 {
			verb = "are"
		}
		missing = fmt.Sprintf("%s %s missing from this reading (read before)", strings.Join(names, ", "), verb)
	}
	return strings.Join(news, "; "), missing
}

// named keys the GPU read before at index i without its UUID by uuid, now
// that a reading gives it; nothing when none was.
func (g *seenGPUs) named(uuid string, i int) {
	byIndex := fmt.Sprint(i)
	if j, ok := g.index[byIndex]; !ok || j != i {
		return
	}
	delete(g.index, byIndex)
	g.index[uuid] = i
	g.keys[slices.Index(g.keys, byIndex)] = uuid
}

// anyAt reports whether a GPU was read before at index i.
func (g *seenGPUs) anyAt(i int) bool {
	for _, k := range g.keys {
		if g.index[k] == i {
			return true
		}
	}
	return false
}

// hasError reports whether any sample already carries the tick's error.
func hasError(ss []rundir.GPUSample) bool {
	for i := range ss {
		if ss[i].Error != "" {
			return true
		}
	}
	return false
}

// Record runs [Watch] and writes every Sample, gaps included, to w as JSON
// Lines (gpu.jsonl), flushing after every tick so that an interrupted run
// keeps what it sampled. It returns nil when ctx is done or cfg.Count ticks
// have run, and an error only when writing fails.
//
// A run starts it beside the load generator and cancels ctx after the last
// measured window has ended:
//
//	g.Go(func() error { return gpu.Record(telemetryCtx, sampler, start, gpu.WatchConfig{}, f) })
func Record(ctx context.Context, s Sampler, start time.Time, cfg WatchConfig, w io.Writer) error {
	jw := rundir.NewJSONLWriter[rundir.GPUSample](w, rundir.GPUFile)
	err := Watch(ctx, s, start, cfg, func(ss []rundir.GPUSample) error { return jw.Write(ss...) })
	return tick.IgnoreStop(ctx, err)
}
