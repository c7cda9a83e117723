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
	Reorder(app, []string{"inferbench", "report", "DIR"}) // the last one's "--" is not this run's
	if err := app.Run([]string{"inferbench", "report", "DIR", "--format", "md"}); err != nil {
		t.Fatal(err)
	}
	if errs[0] == nil || errs[0].Error() != "flags must come before positional arguments: move --format before DIR" {
		t.Errorf("report DIR --format md without Reorder: %v; want the flag refused", errs[0])
	}
}
