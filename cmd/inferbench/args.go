package main

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/inferbench/inferbench/scenarios"
	"github.com/urfave/cli/v2"
)

// The command-line contract (README, "Exit codes"): flags may come before
// or after the positional arguments, as people type them; a usage error is
// one line on stderr and exit 2, with "did you mean" for a mistyped flag,
// never a screen of help.

// runArgs runs app on args with every command's flags moved before its
// positional arguments (urfave/cli v2 stops reading flags at the first
// positional one, so `merge s0 s1 --out m` would ignore --out).
func runArgs(ctx context.Context, app *cli.App, args []string) error {
	return app.RunContext(ctx, reorderArgs(app, args))
}

// reorderArgs returns args with the flags of the command they name moved
// before its positional arguments, each flag with its value. "--" ends the
// flags: what follows stays as it is. The program name and the command
// path (run, history add, …) keep their places.
func reorderArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	rest := args[1:]
	flags := app.Flags
	cmds := app.Commands
	// Global flags and the command path.
	for len(rest) > 0 && rest[0] != "--" {
		if n := flagLen(flags, rest); n > 0 {
			out, rest = append(out, rest[:n]...), rest[n:]
			continue
		}
		c := findCommand(cmds, rest[0])
		if c == nil {
			break
		}
		out, rest = append(out, rest[0]), rest[1:]
		flags, cmds = c.Flags, c.Subcommands
		if len(cmds) == 0 {
			break
		}
	}
	var fl, pos []string
	for len(rest) > 0 {
		if rest[0] == "--" {
			pos = append(pos, rest...)
			break
		}
		if n := flagLen(flags, rest); n > 0 {
			fl, rest = append(fl, rest[:n]...), rest[n:]
			continue
		}
		pos, rest = append(pos, rest[0]), rest[1:]
	}
	if slices.Contains(fl, "--help") || slices.Contains(fl, "-h") {
		pos = nil // `CMD ARG --help` asks for CMD's help, not for a topic ARG
	}
	return append(append(out, fl...), pos...)
}

// flagLen is how many words the flag at rest[0] takes: 2 when it takes a
// value given as the next word, 1 for --x=v, a boolean or a flag not
// defined (which the parser then names), 0 when rest[0] is no flag.
func flagLen(flags []cli.Flag, rest []string) int {
	if !strings.HasPrefix(rest[0], "-") || len(rest[0]) < 2 {
		return 0
	}
	name := strings.TrimLeft(rest[0], "-")
	if strings.Contains(name, "=") || len(rest) < 2 {
		return 1
	}
	for _, f := range flags {
		if slices.Contains(f.Names(), name) {
			if dv, ok := f.(cli.DocGenerationFlag); ok && dv.TakesValue() {
				return 2
			}
			return 1
		}
	}
	return 1
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

// levelList is a --concurrency value that lists levels as --sweep takes
// them, without the empty items typed ("1,2,,4" → "1,2,4": the suggestion
// repeated the typo); "" when an item is not a whole number (--sweep's own
// parse, parseList, judges).
func levelList(v string) string {
	items := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
	list := strings.Join(items, ",")
	if _, err := parseList(list, strconv.Atoi); err != nil || list == "" {
		return ""
	}
	return list
}

// oneLineUsage makes every command's usage errors one line (exit 2): a
// flag-parsing error gets "did you mean" when a defined flag is close, and a
// required flag is checked by the command itself rather than by urfave/cli,
// which prints the whole help first. parent is the path of the commands
// above cmds ("" at the top), so that the help named is the command as
// typed (inferbench k8s manifest --help).
func oneLineUsage(parent string, cmds []*cli.Command) {
	for _, c := range cmds {
		path := strings.TrimSpace(parent + " " + c.Name)
		c.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
			msg := err.Error()
			if bad, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
				// As the user would type it: --name, or -n for a one-letter flag.
				name := strings.TrimLeft(bad, "-")
				msg = "unknown flag " + dashed(name)
				var names []string
				for _, f := range c.Flags {
					names = append(names, f.Names()...)
				}
				if s := scenarios.Nearest(name, names); s != "" {
					msg += fmt.Sprintf(" (did you mean %s?)", dashed(s))
				}
				msg += fmt.Sprintf("; see inferbench %s --help", path)
			} else if m := invalidValue.FindStringSubmatch(msg); m != nil {
				msg = fmt.Sprintf("%s: invalid value %q: %s", dashed(m[2]), m[1], want(c.Flags, m[2]))
				if (m[2] == "concurrency" || m[2] == "c") && strings.Contains(m[1], ",") && path == "run" {
					if list := levelList(m[1]); list != "" {
						msg += "; for several levels, --sweep " + list
					}
				}
			}
			return usagef("%s: %s", path, msg)
		}
		var required, floats []string
		for _, f := range c.Flags {
			if rf, ok := f.(cli.RequiredFlag); ok && rf.IsRequired() {
				required = append(required, f.Names()[0])
				unrequire(f)
			}
			if _, ok := f.(*cli.Float64Flag); ok {
				floats = append(floats, f.Names()[0])
			}
		}
		if len(required) > 0 || len(floats) > 0 {
			before := c.Before
			c.Before = func(ctx *cli.Context) error {
				// strconv.ParseFloat, under every number flag, reads NaN
				// and Inf: `cost --output-tokens-per-s Inf` printed a
				// table of dashes with exit 0 (and its --format json
				// "json: unsupported value: +Inf"). No quantity here is
				// infinite.
				for _, name := range floats {
					if v := ctx.Float64(name); ctx.IsSet(name) && (math.IsNaN(v) || math.IsInf(v, 0)) {
						return usagef("%s: %s: invalid value %v: want a finite number", path, dashed(name), v)
					}
				}
				for _, name := range required {
					if !ctx.IsSet(name) {
						return usagef("%s: --%s is required; see inferbench %s --help", path, name, path)
					}
				}
				if before != nil {
					return before(ctx)
				}
				return nil
			}
		}
		if len(c.Subcommands) > 0 && c.Action == nil {
			c.Action = unknownCommand(path, c.Subcommands)
		}
		oneLineUsage(path, c.Subcommands)
	}
}

// invalidValue is urfave/cli's error for a flag value that does not parse:
// the value, the flag's name (one dash) and the parser's words.
var invalidValue = regexp.MustCompile(`^invalid value "(.*)" for flag -([^:]+): `)

// want says what a value of the flag named name must look like.
func want(flags []cli.Flag, name string) string {
	for _, f := range flags {
		if !slices.Contains(f.Names(), name) {
			continue
		}
		switch f.(type) {
		case *cli.DurationFlag:
			return "want a duration with its unit, such as 250ms, 1s or 2m"
		case *cli.IntFlag, *cli.Int64Flag, *cli.UintFlag, *cli.Uint64Flag:
			return "want a whole number"
		case *cli.Float64Flag:
			return "want a number"
		case *cli.BoolFlag:
			return "want true or false"
		}
	}
	return "cannot be read"
}

// dashed is a flag name as the user types it: --name, or -n for a
// one-letter flag.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// unrequire clears a flag's Required, so that the command's own check
// (oneLineUsage) says what is missing in one line.
func unrequire(f cli.Flag) {
	switch f := f.(type) {
	case *cli.StringFlag:
		f.Required = false
	case *cli.IntFlag:
		f.Required = false
	case *cli.Float64Flag:
		f.Required = false
	case *cli.BoolFlag:
		f.Required = false
	case *cli.DurationFlag:
		f.Required = false
	case *cli.StringSliceFlag:
		f.Required = false
	}
}
