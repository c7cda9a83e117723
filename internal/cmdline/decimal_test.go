package cmdline

import (
	"slices"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestLeadingZeroIsDecimal: an integer flag's value with a leading zero is
// the decimal a person means. Go's flag package reads a leading 0 as
// octal: --requests 010 ran 8 requests, --requests 08 was refused. A string
// flag's 010 (a model's name) and Go's 0x and _ forms stay as written.
func TestLeadingZeroIsDecimal(t *testing.T) {
	var requests, seed int
	var model string
	app := &cli.App{Name: "ib", Commands: []*cli.Command{{Name: "run", Flags: []cli.Flag{
		&cli.IntFlag{Name: "requests", Aliases: []string{"n"}, Destination: &requests},
		&cli.IntFlag{Name: "seed", Destination: &seed},
		&cli.StringFlag{Name: "model", Destination: &model},
	}, Action: func(*cli.Context) error { return nil }}}}
	for _, c := range []struct {
		args         []string
		wantN, wantS int
		wantModel    string
	}{
		{[]string{"ib", "run", "--requests", "010", "--model", "010"}, 10, 0, "010"},
		{[]string{"ib", "run", "-n=08", "--seed", "-007"}, 8, -7, ""},
		{[]string{"ib", "run", "-n", "0x10", "--seed=1_000"}, 16, 1000, ""},
		{[]string{"ib", "run", "-n", "000"}, 0, 0, ""},
	} {
		requests, seed, model = 0, 0, ""
		args := Reorder(app, c.args)
		if err := app.Run(args); err != nil || requests != c.wantN || seed != c.wantS || model != c.wantModel {
			t.Errorf("%q (as %q): %v, requests %d, seed %d, model %q; want %d, %d, %q", c.args, args, err, requests, seed, model, c.wantN, c.wantS, c.wantModel)
		}
	}
	if !slices.Equal(decimal(nil, []string{"--x", "010"}), []string{"--x", "010"}) {
		t.Error("a flag not defined got its value changed")
	}
}
