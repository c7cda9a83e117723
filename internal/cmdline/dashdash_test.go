package cmdline

import (
	"io"
	"slices"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestDashDashEndsTheFlags: what follows "--" is positional wherever "--"
// stands, as README's "Flags may come before or after the positional
// arguments; -- ends the flags" says. `report -- -x` said "move -x before
// -x" and `report r/c8 -- -x` "move -- before r/c8"; a run directory whose
// name starts with a dash could not be given at all. A flag of the command
// after a positional argument is still refused where Reorder did not run.
func TestDashDashEndsTheFlags(t *testing.T) {
	var seen []string
	var errs []error
	app := &cli.App{Name: "inferbench", Writer: io.Discard, ErrWriter: io.Discard, ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{{Name: "report", Flags: []cli.Flag{&cli.StringFlag{Name: "format"}},
			Action: func(c *cli.Context) error {
				seen = c.Args().Slice()
				errs = append(errs, NoFlagArgs(c))
				return nil
			}}}}
	for _, tt := range []struct{ args, want []string }{
		{[]string{"report", "--", "-x"}, []string{"-x"}},
		{[]string{"report", "r/c8", "--", "-x"}, []string{"r/c8", "-x"}},
		{[]string{"report", "r/c8", "--format", "md", "--", "-x", "y"}, []string{"r/c8", "-x", "y"}},
		// A run directory named as a flag is the user's to name after "--":
		// `report -- --format` said "move --format before --format".
		{[]string{"report", "--", "--format"}, []string{"--format"}},
		{[]string{"report", "--format", "md", "r/c8", "--", "--format"}, []string{"r/c8", "--format"}},
	} {
		seen, errs = nil, nil
		if err := app.Run(Reorder(app, append([]string{"inferbench"}, tt.args...))); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(seen, tt.want) || errs[0] != nil {
			t.Errorf("inferbench %q: positional %q, NoFlagArgs %v; want %q and no error", tt.args, seen, errs[0], tt.want)
		}
	}
	errs = nil
	if err := app.Run([]string{"inferbench", "report", "DIR", "--format", "md"}); err != nil {
		t.Fatal(err)
	}
	if errs[0] == nil || errs[0].Error() != "flags must come before positional arguments: move --format before DIR" {
		t.Errorf("report DIR --format md without Reorder: %v; want the flag refused", errs[0])
	}
}

// TestDashDashIsOneRunsOnly: one App run twice, first with "--" (a run
// directory named --format), then without it and without Reorder (a
// caller that runs the App again, a test's second case): the second run's
// flag after its positional argument is refused. The "--" was kept on the
// App (its Metadata), so the second run read it as its own and let
// --format pass as a run directory, ignored as a flag.
func TestDashDashIsOneRunsOnly(t *testing.T) {
	var errs []error
	var format string
	app := &cli.App{Name: "inferbench", Writer: io.Discard, ErrWriter: io.Discard, ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{{Name: "report", Flags: []cli.Flag{&cli.StringFlag{Name: "format"}},
			Action: func(c *cli.Context) error {
				format = c.String("format")
				errs = append(errs, NoFlagArgs(c))
				return nil
			}}}}
	if err := app.Run(Reorder(app, []string{"inferbench", "report", "--", "--format"})); err != nil || errs[0] != nil {
		t.Fatalf("report -- --format: %v, NoFlagArgs %v; want a run directory named --format", err, errs[0])
	}
	errs = nil
	if err := app.Run([]string{"inferbench", "report", "DIR", "--format", "md"}); err != nil {
		t.Fatal(err)
	}
	if want := "flags must come before positional arguments: move --format before DIR"; errs[0] == nil || errs[0].Error() != want {
		t.Errorf("then report DIR --format md: NoFlagArgs %v (format %q); want %q", errs[0], format, want)
	}
}
