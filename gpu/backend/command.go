package backend

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/rundir"
)

// CommandOptions is what `gpu list` and `gpu watch` need.
type CommandOptions struct {
	Backend  string
	URL      string
	Interval time.Duration
	Count    int
	Format   string // table | jsonl
	// Open opens the sampler; nil means Open. Tests replace it.
	Open func(ctx context.Context, name string, opts Options) (gpu.Sampler, error)
}

// openSampler opens the chosen backend. Without a GPU its error is the one
// line `gpu list` prints before exiting non-zero.
func (o *CommandOptions) openSampler(ctx context.Context) (gpu.Sampler, error) {
	open := o.Open
	if open == nil {
		open = Open
	}
	s, err := open(ctx, o.Backend, Options{URL: o.URL})
	if err != nil {
		return nil, fmt.Errorf("gpu: %w", err)
	}
	return s, nil
}

// closeInto closes s, setting *err to its error if none was set.
func closeInto(s gpu.Sampler, err *error) {
	if cerr := s.Close(); *err == nil && cerr != nil {
		*err = fmt.Errorf("gpu: %w", cerr)
	}
}

// ListCommand prints the inventory as a table.
func ListCommand(ctx context.Context, o *CommandOptions, w io.Writer) (err error) {
	s, err := o.openSampler(ctx)
	if err != nil {
		return err
	}
	defer closeInto(s, &err)
	devs, err := s.Devices(ctx)
	if len(devs) == 0 {
		if err == nil {
			err = fmt.Errorf("no GPUs found by the %s backend", o.Backend)
		}
		return fmt.Errorf("gpu list: %w", err)
	}
	tw := gpu.NewTable(w)
	tw.Devices(devs)
	if ferr := tw.Flush(); ferr != nil {
		return fmt.Errorf("gpu list: %w", ferr)
	}
	if err != nil {
		// The inventory is partial (a field failed on some GPU): say so, but
		// the table above stands.
		return fmt.Errorf("gpu list: %w", err)
	}
	return nil
}

// WatchCommand samples until ctx ends or o.Count ticks, printing a line per
// device per tick; failed ticks print as errors and the watch goes on.
func WatchCommand(ctx context.Context, o *CommandOptions, w, errw io.Writer) (err error) {
	s, err := o.openSampler(ctx)
	if err != nil {
		return err
	}
	defer closeInto(s, &err)
	cfg := gpu.WatchConfig{Interval: o.Interval, Count: o.Count}
	var emit func([]rundir.GPUSample) error
	if o.Format == "jsonl" {
		cfg.OnError = func(tNS int64, err error) {
			// The tool's or the exporter's text, written out: one line a
			// tick, no escape sequence reaching the terminal.
			fmt.Fprintf(errw, "gpu watch: %.3fs: %s\n", float64(tNS)/1e9, printable.Text(err.Error()))
		}
		jw := rundir.NewJSONLWriter[rundir.GPUSample](w, rundir.GPUFile)
		emit = func(ss []rundir.GPUSample) error { return jw.Write(ss...) }
	} else {
		fmt.Fprint(w, gpu.WatchHeader())
		emit = func(ss []rundir.GPUSample) error {
			for i := range ss {
				if _, err := io.WriteString(w, gpu.WatchLine(&ss[i])); err != nil {
					return err
				}
			}
			return nil
		}
	}
	// A tick that read no GPU is a gap alone (gpu.Watch); a watch whose
	// every tick was one read nothing, and says so as gpu list does.
	var ticks, failed int
	var firstErr string
	count := func(ss []rundir.GPUSample) error {
		ticks++
		if len(ss) == 1 && ss[0].Index == -1 {
			if failed++; failed == 1 {
				firstErr = ss[0].Error
			}
		}
		return emit(ss)
	}
	err = gpu.Watch(ctx, s, time.Now(), cfg, count)
	if ctx.Err() != nil && err == ctx.Err() {
		return nil // interrupted watch: a normal end
	}
	if err != nil {
		return fmt.Errorf("gpu watch: %w", err)
	}
	if ticks > 0 && failed == ticks {
		return fmt.Errorf("gpu watch: %s failed, no GPU was read: %s", printable.All(ticks, "tick"), printable.Text(firstErr))
	}
	return nil
}
