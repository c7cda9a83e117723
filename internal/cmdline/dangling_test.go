package cmdline

import (
	"io"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestDanglingFlagNeedsAValue: a flag that takes a value, typed last with
// none, is said to need one; moved before the positional arguments it took
// the run directory as its value, and `report DIR --format` said "report
// takes at least one RUN_DIR". A boolean flag last is still a flag, and a
// value-taking flag with its value stays as it was.
func TestDanglingFlagNeedsAValue(t *testing.T) {
	var errs []error
	var format string
	var args []string
	app := &cli.App{Name: "inferbench", Writer: io.Discard, ErrWriter: io.Discard, ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{{Name: "report", Flags: []cli.Flag{&cli.StringFlag{Name: "format"}, &cli.BoolFlag{Name: "quiet"}},
			Action: func(c *cli.Context) error {
				format, args = c.String("format"), c.Args().Slice()
				errs = append(errs, NoFlagArgs(c))
				return nil
			}}}}
	run := func(a ...string) error {
		errs = nil
		if err := app.Run(Reorder(app, append([]string{"inferbench", "report"}, a...))); err != nil {
			return err
		}
		return errs[0]
	}
	if err := run("r/c8", "--format"); err == nil || err.Error() != "--format needs a value (report … --format VALUE)" {
		t.Errorf("report r/c8 --format: %v (format %q, args %q); want it to need a value", err, format, args)
	}
	if err := run("r/c8", "--quiet"); err != nil || len(args) != 1 {
		t.Errorf("report r/c8 --quiet: %v, args %q", err, args)
	}
	if err := run("r/c8", "--format", "md"); err != nil || format != "md" || len(args) != 1 {
		t.Errorf("report r/c8 --format md: %v, format %q, args %q", err, format, args)
	}
}
