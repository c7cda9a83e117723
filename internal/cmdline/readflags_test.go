package cmdline

import (
	"io"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

// TestReadFlagsReadsAsRun: ReadFlags takes and refuses what the command
// takes and refuses, and reads each value as the command's cli.Context
// does: the run flags after `k8s manifest … --` are every pod's run's.
// --requests 08 was refused ("want a whole number") though run, whose
// Reorder reads a leading zero as decimal, runs 8 requests.
func TestReadFlagsReadsAsRun(t *testing.T) {
	flags := func() []cli.Flag {
		return []cli.Flag{
			&cli.IntFlag{Name: "requests", Aliases: []string{"n"}, Value: 100},
			&cli.IntFlag{Name: "concurrency", Aliases: []string{"c"}, Value: 1},
			&cli.Float64Flag{Name: "burstiness", Value: 1},
			&cli.DurationFlag{Name: "duration"},
			&cli.BoolFlag{Name: "search"},
			&cli.StringFlag{Name: "model"},
		}
	}
	type read struct {
		n, c  int
		b     float64
		d     time.Duration
		s     bool
		model string
	}
	for _, args := range [][]string{
		{"--requests", "08"}, {"-n=010", "-c", "0x10"}, {"-n", "1_000", "--model", "010"}, {"--requests", "-007"},
		{"-c", "4", "--burstiness", "0.5", "--duration", "90s", "--search"}, {"--search=false", "--model", "m"},
		{"--requests", "8.5"}, {"--duration", "5"}, {"--burstiness", "NaN"}, {"--search=maybe"}, {"-n"},
	} {
		var run read
		ran := false
		app := &cli.App{Name: "ib", Writer: io.Discard, ErrWriter: io.Discard, ExitErrHandler: func(*cli.Context, error) {},
			Commands: []*cli.Command{{Name: "run", Flags: flags(), Action: func(c *cli.Context) error {
				ran = true
				run = read{c.Int("requests"), c.Int("concurrency"), c.Float64("burstiness"), c.Duration("duration"), c.Bool("search"), c.String("model")}
				return nil
			}}}}
		OneLineUsage("", app.Commands, nil)
		runErr := app.Run(Reorder(app, append([]string{"ib", "run"}, args...)))
		g, err := ReadFlags("run", flags(), args)
		if (runErr == nil) != (err == nil) || ran != (err == nil) {
			t.Errorf("%q: run says %v (ran %v), ReadFlags %v; want both to take it or both to refuse it", args, runErr, ran, err)
			continue
		}
		if err != nil {
			continue
		}
		// A flag not given reads as its zero value, not its default: over
		// a scenario file, LayRunFlags reads the flags given.
		for name, v := range map[string]*int{"requests": &run.n, "concurrency": &run.c} {
			if !g.IsSet(name) {
				*v = 0
			}
		}
		if !g.IsSet("burstiness") {
			run.b = 0
		}
		got := read{g.Int("requests"), g.Int("concurrency"), g.Float64("burstiness"), g.Duration("duration"), g.Bool("search"), g.String("model")}
		if got != run {
			t.Errorf("%q: ReadFlags read %+v; run reads %+v", args, got, run)
		}
	}
}
