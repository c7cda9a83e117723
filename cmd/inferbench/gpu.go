package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/gpu/backend"
	"github.com/inferbench/inferbench/rundir"
)

// Flag names of `gpu list` and `gpu watch`.
const (
	flagGPUBackend  = "backend"
	flagGPUURL      = "url"
	flagGPUInterval = "interval"
	flagGPUCount    = "count"
	flagGPUFormat   = "format"
)

// gpuOptions is what `gpu list` and `gpu watch` need.
type gpuOptions struct {
	Backend  string
	URL      string
	Interval time.Duration
	Count    int
	Format   string // table | jsonl
	// open opens the sampler; nil means backend.Open. Tests replace it.
	open func(ctx context.Context, name string, opts backend.Options) (gpu.Sampler, error)
}

func gpuCommand() *cli.Command {
	backendFlag := &cli.StringFlag{Name: flagGPUBackend, Value: backend.Auto,
		Usage: "telemetry backend: " + strings.Join(backend.Names()[:6], ", ") + " (auto: NVML if it initializes, else nvidia-smi)"}
	urlFlag := &cli.StringFlag{Name: flagGPUURL, EnvVars: []string{"INFERBENCH_GPU_URL"},
		Usage: "dcgm: the exporter's metrics URL (http://HOST:9400/metrics); mock: the mock engine's base URL"}
	options := func(c *cli.Context) (*gpuOptions, error) {
		if c.NArg() != 0 {
			return nil, usagef("gpu %s takes no arguments, got %q", c.Command.Name, c.Args().First())
		}
		o := &gpuOptions{Backend: c.String(flagGPUBackend), URL: c.String(flagGPUURL)}
		if o.Backend == backend.None {
			return nil, usagef("--%s none turns telemetry off; pick a backend to list or watch GPUs", flagGPUBackend)
		}
		return o, nil
	}
	return &cli.Command{
		Name:  "gpu",
		Usage: "list or watch the GPUs through a telemetry backend",
		Subcommands: []*cli.Command{
			{
				Name:      "list",
				Usage:     "print the GPU inventory",
				UsageText: "inferbench gpu list [--backend NAME] [--url URL]",
				Flags:     []cli.Flag{backendFlag, urlFlag},
				Action: func(c *cli.Context) error {
					o, err := options(c)
					if err != nil {
						return err
					}
					return runGPUList(c.Context, o, c.App.Writer)
				},
			},
			{
				Name:      "watch",
				Usage:     "sample the GPUs on a ticker: one line per device per tick",
				UsageText: "inferbench gpu watch [--backend NAME] [--url URL] [--interval D] [--count N] [--format table|jsonl]",
				Flags: []cli.Flag{backendFlag, urlFlag,
					&cli.DurationFlag{Name: flagGPUInterval, Value: gpu.DefaultInterval, Usage: "sampling period"},
					&cli.IntFlag{Name: flagGPUCount, Usage: "stop after N ticks (0: until interrupted)"},
					&cli.StringFlag{Name: flagGPUFormat, Value: "table", Usage: "table, or jsonl (gpu.jsonl lines, t_ns from the start of the watch)"},
				},
				Action: func(c *cli.Context) error {
					o, err := options(c)
					if err != nil {
						return err
					}
					o.Interval, o.Count, o.Format = c.Duration(flagGPUInterval), c.Int(flagGPUCount), c.String(flagGPUFormat)
					switch {
					case o.Interval <= 0:
						return usagef("--%s must be positive, got %v", flagGPUInterval, o.Interval)
					case o.Count < 0:
						return usagef("--%s must not be negative, got %d", flagGPUCount, o.Count)
					case o.Format != "table" && o.Format != "jsonl":
						return usagef("--%s must be table or jsonl, got %q", flagGPUFormat, o.Format)
					}
					return runGPUWatch(c.Context, o, c.App.Writer, c.App.ErrWriter)
				},
			},
		},
	}
}

// openSampler opens the chosen backend. Without a GPU its error is the one
// line `gpu list` prints before exiting non-zero.
func (o *gpuOptions) openSampler(ctx context.Context) (gpu.Sampler, error) {
	open := o.open
	if open == nil {
		open = backend.Open
	}
	s, err := open(ctx, o.Backend, backend.Options{URL: o.URL})
	if err != nil {
		return nil, fmt.Errorf("gpu: %w", err)
	}
	return s, nil
}

// runGPUList prints the inventory as a table.
func runGPUList(ctx context.Context, o *gpuOptions, w io.Writer) (err error) {
	s, err := o.openSampler(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := s.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("gpu: %w", cerr)
		}
	}()
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

// runGPUWatch samples until ctx ends or o.Count ticks, printing a line per
// device per tick; failed ticks print as errors and the watch goes on.
func runGPUWatch(ctx context.Context, o *gpuOptions, w, errw io.Writer) (err error) {
	s, err := o.openSampler(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := s.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("gpu: %w", cerr)
		}
	}()
	cfg := gpu.WatchConfig{Interval: o.Interval, Count: o.Count}
	var emit func([]rundir.GPUSample) error
	if o.Format == "jsonl" {
		cfg.OnError = func(tNS int64, err error) {
			fmt.Fprintf(errw, "gpu watch: %.3fs: %v\n", float64(tNS)/1e9, err)
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
	err = gpu.Watch(ctx, s, time.Now(), cfg, emit)
	if ctx.Err() != nil && err == ctx.Err() {
		return nil // interrupted watch: a normal end
	}
	if err != nil {
		return fmt.Errorf("gpu watch: %w", err)
	}
	return nil
}
