package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/gpu/backend"
	"github.com/inferbench/inferbench/internal/cmdline"
)

func gpuCommand() *cli.Command {
	var o backend.CommandOptions
	flags := []cli.Flag{
		&cli.StringFlag{Name: "backend", Value: backend.Auto, Destination: &o.Backend,
			Usage: "telemetry backend: " + strings.Join(backend.Names()[:6], ", ") + " (auto: NVML if it initializes, else nvidia-smi)"},
		&cli.StringFlag{Name: "url", EnvVars: []string{"INFERBENCH_GPU_URL"}, Destination: &o.URL,
			Usage: "dcgm: the exporter's metrics URL (http://HOST:9400/metrics); mock: the mock engine's base URL"},
	}
	check := func(c *cli.Context) error {
		if err := cmdline.NoArgs(c, "gpu "+c.Command.Name); err != nil {
			return err
		}
		switch {
		case o.Backend == backend.None:
			return usagef("--backend none turns telemetry off; pick a backend to list or watch GPUs")
		case o.URL == "" && o.Backend == backend.DCGM:
			return usagef("--backend dcgm needs --url: the exporter's metrics URL, e.g. http://HOST:9400/metrics")
		case o.URL == "" && o.Backend == backend.Mock:
			// The backend's own error names no flag ("needs the mock
			// engine's base URL"): run takes it from --gpu-url, gpu from --url.
			return usagef("--backend mock needs --url: the mock engine's base URL, e.g. http://127.0.0.1:8000")
		}
		return nil
	}
	return &cli.Command{
		Name:  "gpu",
		Usage: "list or watch the GPUs through a telemetry backend",
		Subcommands: []*cli.Command{
			{
				Name:      "list",
				Usage:     "print the GPU inventory",
				UsageText: "inferbench gpu list [--backend NAME] [--url URL]",
				Flags:     flags,
				Action: func(c *cli.Context) error {
					if err := check(c); err != nil {
						return err
					}
					return backend.ListCommand(c.Context, &o, c.App.Writer)
				},
			},
			{
				Name:      "watch",
				Usage:     "sample the GPUs on a ticker: one line per device per tick",
				UsageText: "inferbench gpu watch [--backend NAME] [--url URL] [--interval D] [--count N] [--format table|jsonl]",
				Flags: append(flags,
					&cli.DurationFlag{Name: "interval", Value: gpu.DefaultInterval, Destination: &o.Interval, Usage: "sampling period"},
					&cli.IntFlag{Name: "count", Destination: &o.Count, Usage: "stop after N ticks (0: until interrupted)"},
					&cli.StringFlag{Name: "format", Value: "table", Destination: &o.Format, Usage: "table, or jsonl (gpu.jsonl lines, t_ns from the start of the watch)"},
				),
				Action: func(c *cli.Context) error {
					switch err := check(c); {
					case err != nil:
						return err
					case o.Interval <= 0:
						return usagef("--interval must be positive, got %v", o.Interval)
					case o.Count < 0:
						return usagef("--count must not be negative, got %d", o.Count)
					case o.Format != "table" && o.Format != "jsonl":
						return usagef("--format must be table or jsonl, got %q", o.Format)
					}
					return backend.WatchCommand(c.Context, &o, c.App.Writer, c.App.ErrWriter)
				},
			},
		},
	}
}
