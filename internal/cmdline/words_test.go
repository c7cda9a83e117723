package cmdline

import (
	"io"
	"slices"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestWordsKeepsEachValueWhole: a flag given twice is two words, each with
// its commas and new lines, in order; not given, none.
func TestWordsKeepsEachValueWhole(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--stop", "Human, AI:", "--stop", "\n\nUser:"}, []string{"Human, AI:", "\n\nUser:"}},
		{[]string{"--stop=a,b"}, []string{"a,b"}},
		{nil, nil},
	} {
		var got []string
		app := &cli.App{Writer: io.Discard, ErrWriter: io.Discard,
			Flags: []cli.Flag{&cli.GenericFlag{Name: "stop", Value: &Words{}}},
			Action: func(c *cli.Context) error {
				got = *c.Generic("stop").(*Words)
				return nil
			}}
		if err := app.Run(append([]string{"ib"}, c.args...)); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: %q; want %q", c.args, got, c.want)
		}
	}
	w := Words{"a, b", `"`}
	if s := w.String(); s != `"a, b", "\""` {
		t.Errorf("String() = %s", s)
	}
}
