package cmdline

import (
	"errors"
	"io"
	"maps"
	"slices"
	"testing"

	"github.com/urfave/cli/v2"
)

// toyApp is a two-level app as cmd/inferbench builds them: a command with
// a value flag, a boolean, a required flag and a number flag, and a group
// with one subcommand. ran records the arguments an action saw.
func toyApp(ran *[]string) *cli.App {
	act := func(c *cli.Context) error { *ran = append([]string{c.String("out")}, c.Args().Slice()...); return nil }
	app := &cli.App{
		Name: "inferbench", Writer: io.Discard, ErrWriter: io.Discard, ExitErrHandler: func(*cli.Context, error) {},
		Flags: []cli.Flag{&cli.StringFlag{Name: "cpuprofile"}},
		Commands: []*cli.Command{
			{Name: "merge", Action: act, Flags: []cli.Flag{
				&cli.StringFlag{Name: "out", Required: true},
				&cli.BoolFlag{Name: "force"},
				&cli.Float64Flag{Name: "rate"},
				&cli.IntFlag{Name: "concurrency", Aliases: []string{"c"}},
			}},
			{Name: "history", Subcommands: []*cli.Command{{Name: "add", Action: act, Flags: []cli.Flag{&cli.StringFlag{Name: "store"}}}}},
		},
	}
	app.Action = UnknownCommand("", app.Commands)
	OneLineUsage("", app.Commands, func(path, name, value string) string {
		if name == "c" {
			return "hint for " + path + " " + value
		}
		return ""
	})
	return app
}

// TestReorder: flags after positional arguments move before them with their
// values; "--" ends the flags; the command path and global flags stay;
// `CMD ARG --help` asks for CMD's help.
func TestReorder(t *testing.T) {
	app := toyApp(new([]string))
	for _, tt := range []struct{ in, want []string }{
		{[]string{"ib", "merge", "s0", "s1", "--out", "m"}, []string{"ib", "merge", "--out", "m", "s0", "s1"}},
		{[]string{"ib", "merge", "s0", "--force", "s1", "--out=m"}, []string{"ib", "merge", "--force", "--out=m", "s0", "s1"}},
		{[]string{"ib", "history", "add", "RUN", "--store", "x.db"}, []string{"ib", "history", "add", "--store", "x.db", "RUN"}},
		{[]string{"ib", "merge", "--out", "m", "--", "-s0", "--out"}, []string{"ib", "merge", "--out", "m", "--", "-s0", "--out"}},
		{[]string{"ib", "--cpuprofile", "p", "merge", "r", "--out", "m"}, []string{"ib", "--cpuprofile", "p", "merge", "--out", "m", "r"}},
		{[]string{"ib", "merge", "topic", "--help"}, []string{"ib", "merge", "--help"}},
		{[]string{"ib"}, []string{"ib"}},
	} {
		if got := Reorder(app, tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Reorder(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	var ran []string
	app = toyApp(&ran)
	if err := app.Run(Reorder(app, []string{"ib", "merge", "s0", "s1", "--out", "m"})); err != nil || !slices.Equal(ran, []string{"m", "s0", "s1"}) {
		t.Errorf("merge s0 s1 --out m: %v, ran with %q; want out m and s0 s1", err, ran)
	}
}

// TestUsageErrors: each mistake is one UsageError naming the command as
// typed, with "did you mean" and the hint where they apply.
func TestUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"merge", "--frce", "--out", "m"}, "merge: unknown flag --frce (did you mean --force?); see inferbench merge --help"},
		{[]string{"merge", "-z", "--out", "m"}, "merge: unknown flag -z (did you mean -c?); see inferbench merge --help"},
		{[]string{"merge", "s0"}, "merge: --out is required; see inferbench merge --help"},
		{[]string{"merge", "--out", "m", "--rate", "NaN"}, "merge: --rate: invalid value NaN: want a finite number"},
		{[]string{"merge", "--out", "m", "--rate", "-Inf"}, "merge: --rate: invalid value -Inf: want a finite number"},
		{[]string{"merge", "--out", "m", "--rate", "x"}, `merge: --rate: invalid value "x": want a number`},
		{[]string{"merge", "--out", "m", "-c", "1,2"}, `merge: -c: invalid value "1,2": want a whole number; hint for merge 1,2`},
		{[]string{"merge", "--out", "m", "--force=maybe"}, `merge: --force: invalid value "maybe": want true or false`},
		{[]string{"mrege"}, `unknown command "mrege" (did you mean merge?); see inferbench --help`},
		{[]string{"history", "ad"}, `history: unknown command "ad" (did you mean add?); see inferbench history --help`},
		{[]string{"history", "add", "--stor", "x"}, "history add: unknown flag --stor (did you mean --store?); see inferbench history add --help"},
	} {
		app := toyApp(new([]string))
		err := app.Run(Reorder(app, append([]string{"inferbench"}, tt.args...)))
		if ue, ok := errors.AsType[*UsageError](err); !ok || ue.Error() != tt.want {
			t.Errorf("%q: %v (%T); want the usage error %q", tt.args, err, err, tt.want)
		}
	}
}

func TestNoArgs(t *testing.T) {
	var got []error
	// --format is a flag of the app: NoFlagArgs refuses a positional
	// argument that names one (a word that names none is a positional
	// argument, e.g. after "--": TestDashDashEndsTheFlags).
	app := &cli.App{Writer: io.Discard, ErrWriter: io.Discard, ExitErrHandler: func(*cli.Context, error) {},
		Flags:  []cli.Flag{&cli.StringFlag{Name: "format"}},
		Action: func(c *cli.Context) error { got = append(got, NoArgs(c, "version"), NoFlagArgs(c)); return nil }}
	if err := app.Run([]string{"ib", "DIR", "--format"}); err != nil {
		t.Fatal(err)
	}
	if got[0] == nil || got[0].Error() != `version takes no arguments, got "DIR"` {
		t.Errorf("NoArgs: %v", got[0])
	}
	if got[1] == nil || got[1].Error() != "flags must come before positional arguments: move --format before DIR" {
		t.Errorf("NoFlagArgs: %v", got[1])
	}
}

// TestUnrequireEveryFlagType: the one-line "is required" check takes over
// from urfave's own for every flag type, not just those cmd/inferbench
// uses today; a required flag of a type unrequire missed kept urfave's
// multi-line "Required flag … not set".
func TestUnrequireEveryFlagType(t *testing.T) {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "a", Required: true}, &cli.IntFlag{Name: "b", Required: true},
		&cli.Int64Flag{Name: "c", Required: true}, &cli.UintFlag{Name: "d", Required: true},
		&cli.Uint64Flag{Name: "e", Required: true}, &cli.Float64Flag{Name: "f", Required: true},
		&cli.BoolFlag{Name: "g", Required: true}, &cli.DurationFlag{Name: "h", Required: true},
		&cli.StringSliceFlag{Name: "i", Required: true}, &cli.IntSliceFlag{Name: "j", Required: true},
		&cli.Float64SliceFlag{Name: "k", Required: true}, &cli.PathFlag{Name: "l", Required: true},
		&cli.GenericFlag{Name: "m", Required: true, Value: &cli.StringSlice{}},
		&cli.TimestampFlag{Name: "n", Required: true, Layout: "2006-01-02"},
	}
	for _, f := range flags {
		unrequire(f)
		if f.(cli.RequiredFlag).IsRequired() {
			t.Errorf("%T %s: still required after unrequire", f, f.Names()[0])
		}
	}
	app := &cli.App{Name: "inferbench", Writer: io.Discard, ErrWriter: io.Discard, ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{{Name: "k8s", Action: func(*cli.Context) error { return nil },
			Flags: []cli.Flag{&cli.Int64Flag{Name: "shards", Required: true}}}}}
	OneLineUsage("", app.Commands, nil)
	err := app.Run([]string{"ib", "k8s"})
	if want := "k8s: --shards is required; see inferbench k8s --help"; err == nil || err.Error() != want {
		t.Errorf("k8s without its required Int64Flag: %v; want %q", err, want)
	}
}

// TestReadFlagsWords: flags read outside a command's run name each flag
// given once, by its first name (an alias counts as it, a repeat too),
// and refuse what the command would, in its words.
func TestReadFlagsWords(t *testing.T) {
	flags := func() []cli.Flag {
		return []cli.Flag{
			&cli.IntFlag{Name: "concurrency", Aliases: []string{"c"}},
			&cli.Float64Flag{Name: "rate"},
			&cli.StringSliceFlag{Name: "header"},
			&cli.BoolFlag{Name: "quiet"},
		}
	}
	given, err := ReadFlags("run", flags(), []string{"-c", "4", "--header", "a: b", "--concurrency=8", "--quiet", "--rate", "2.5"})
	want := map[string][]string{"concurrency": {"4", "8"}, "header": {"a: b"}, "quiet": {"true"}, "rate": {"2.5"}}
	if err != nil || !maps.EqualFunc(given.Words, want, slices.Equal) {
		t.Errorf("given %q, %v; want %q", given.Words, err, want)
	}
	for msg, args := range map[string][]string{
		"run: unknown flag --concurency (did you mean --concurrency?); see inferbench run --help": {"--concurency", "1"},
		`run: --rate: invalid value "fast": want a number`:                                        {"--rate", "fast"},
		"run: --rate: invalid value NaN: want a finite number":                                    {"--rate", "NaN"},
		"run: --rate: invalid value +Inf: want a finite number":                                   {"-rate=inf"},
		`run: "8" is not a flag: only flags may follow`:                                           {"--quiet", "8"},
	} {
		_, err := ReadFlags("run", flags(), args)
		var ue *UsageError
		if !errors.As(err, &ue) || err.Error() != msg {
			t.Errorf("%q: %v; want usage error %q", args, err, msg)
		}
	}
}
