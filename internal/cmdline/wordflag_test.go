package cmdline

import (
	"errors"
	"io"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestUnknownFlagOneWordApart: a flag typed with a word more or less than
// the command's own name for it (run's --gpu-backend given to gpu list,
// whose flag is --backend) gets that flag as "did you mean". Before,
// `gpu list --gpu-backend mock` had no suggestion: --backend is four edits
// from it. Where the words fit several flags, none is guessed.
func TestUnknownFlagOneWordApart(t *testing.T) {
	gpuFlags := func(more ...cli.Flag) []cli.Flag {
		return append([]cli.Flag{&cli.StringFlag{Name: "backend"}, &cli.StringFlag{Name: "url"}}, more...)
	}
	app := &cli.App{
		Name: "inferbench", Writer: io.Discard, ErrWriter: io.Discard, ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{
			{Name: "gpu", Subcommands: []*cli.Command{
				{Name: "list", Action: func(*cli.Context) error { return nil }, Flags: gpuFlags()},
				{Name: "watch", Action: func(*cli.Context) error { return nil }, Flags: gpuFlags(&cli.DurationFlag{Name: "interval"})},
			}},
			{Name: "run", Action: func(*cli.Context) error { return nil }, Flags: []cli.Flag{
				&cli.StringFlag{Name: "gpu-backend"}, &cli.DurationFlag{Name: "gpu-interval"}, &cli.DurationFlag{Name: "progress-interval"},
				&cli.StringFlag{Name: "slo-ttft"}, &cli.IntFlag{Name: "concurrency", Aliases: []string{"c"}},
			}},
		},
	}
	OneLineUsage("", app.Commands, nil)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"gpu", "list", "--gpu-backend", "mock"}, "gpu list: unknown flag --gpu-backend (did you mean --backend?); see inferbench gpu list --help"},
		{[]string{"gpu", "watch", "--gpu-interval", "1s"}, "gpu watch: unknown flag --gpu-interval (did you mean --interval?); see inferbench gpu watch --help"},
		{[]string{"gpu", "list", "--gpu-url", "http://h:9400"}, "gpu list: unknown flag --gpu-url (did you mean --url?); see inferbench gpu list --help"},
		{[]string{"run", "--backend", "mock"}, "run: unknown flag --backend (did you mean --gpu-backend?); see inferbench run --help"},
		{[]string{"run", "--slo-ttft-ms", "200"}, "run: unknown flag --slo-ttft-ms (did you mean --slo-ttft?); see inferbench run --help"},
		// Two flags end in -interval: neither is guessed.
		{[]string{"run", "--interval", "1s"}, "run: unknown flag --interval; see inferbench run --help"},
		// A word is whole: --c is no word of --concurrency's.
		{[]string{"run", "--max-c", "1"}, "run: unknown flag --max-c; see inferbench run --help"},
	} {
		err := app.Run(Reorder(app, append([]string{"inferbench"}, tt.args...)))
		if ue, ok := errors.AsType[*UsageError](err); !ok || ue.Error() != tt.want {
			t.Errorf("%q: %v (%T); want the usage error %q", tt.args, err, err, tt.want)
		}
	}
}
