// Package cmdline owns inferbench's command-line contract over urfave/cli
// (README, "Exit codes"): flags may come before or after the positional
// arguments, as people type them; a usage error is one line (exit 2) with
// "did you mean" for a mistyped flag or command, never a screen of help;
// no number flag takes NaN or Inf; a count or money flag takes 100M,
// 100,000,000 and $3K (Quantity). cmd/inferbench declares the commands and
// their flags and maps errors to exit codes; this package is the grammar
// they are read with.
package cmdline

import (
	"flag"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/internal/typo"
)

// UsageError marks an error in how the command was called: exit 2.
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

// Usagef is a UsageError with a formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{msg: fmt.Sprintf(format, args...)}
}

// Reorder returns args with the flags of the command they name moved
// before its positional arguments, each flag with its value (urfave/cli v2
// stops reading flags at the first positional one, so `merge s0 s1 --out
// m` would ignore --out). "--" ends the flags: what follows stays as it
// is. The program name and the command path (run, history add, …) keep
// their places.
func Reorder(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	rest := args[1:]
	flags := app.Flags
	cmds := app.Commands
	// Global flags and the command path.
	for len(rest) > 0 && rest[0] != "--" {
		if w, after, ok := nextFlag(flags, rest); ok {
			out, rest = append(out, w...), after
			continue
		}
		c := FindCommand(cmds, rest[0])
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
	dashes := false
	for len(rest) > 0 {
		if rest[0] == "--" {
			// What follows is positional. "--" itself goes right after
			// the flags, where the parser takes it as their end (after a
			// positional argument it would be one more).
			dashes = true
			pos = append(pos, rest[1:]...)
			break
		}
		if len(rest) == 1 && len(pos) > 0 && takesValue(flags, rest[0]) {
			// A flag that takes a value, last with none: moved before the
			// positional arguments it would take one of them as its value
			// (`report DIR --format`: "takes at least one RUN_DIR"). Left
			// last, NoFlagArgs says it needs a value.
			pos, rest = append(pos, rest[0]), nil
			break
		}
		if w, after, ok := nextFlag(flags, rest); ok {
			fl, rest = append(fl, w...), after
			continue
		}
		pos, rest = append(pos, rest[0]), rest[1:]
	}
	if slices.Contains(fl, "--help") || slices.Contains(fl, "-h") {
		pos = nil // `CMD ARG --help` asks for CMD's help, not for a topic ARG
	}
	out = append(out, fl...)
	if dashes {
		out = append(out, "--")
	}
	if app.Metadata == nil {
		app.Metadata = map[string]any{}
	}
	app.Metadata[reorderedKey] = true
	return append(out, pos...)
}

// reorderedKey is the app's Metadata key that says Reorder lays out its
// arguments: a flag that takes a value, left last, had none (NoFlagArgs).
// It says nothing of one run: whether a run's flags ended with "--" is
// read from that run's contexts (endedFlags).
const reorderedKey = "cmdline.reordered"

// endedFlags reports whether c's command had its flags ended by "--": every
// word after it is positional, a run directory named --format too, and
// NoFlagArgs leaves them be. The parser consumes the "--", so it is read
// from the words the command was handed (its parent's arguments after its
// name), walked as the parser walks them: flags, each with its value where
// it takes one, then "--" right before the positional arguments. Read from
// the run's own contexts: kept on the App, one run's "--" was the next
// run's too.
func endedFlags(c *cli.Context) bool {
	given, ok := commandWords(c)
	pos := c.Args().Slice()
	n := len(given) - len(pos)
	if !ok || n < 1 || !slices.Equal(given[n:], pos) {
		return false
	}
	for i := 0; i < n; i += max(1, flagLen(c.Command.Flags, given[i:n])) {
		if given[i] == "--" {
			return i == n-1
		}
	}
	return false
}

// Typed reports whether the flag name was typed on c's command line, not
// taken from its environment variable: c.IsSet says yes to both. The words
// are read as endedFlags reads them: the parent's arguments after the
// command's name, flags (each with its value where it takes one) up to the
// first positional word or "--", where Reorder has put them all.
func Typed(c *cli.Context, name string) bool {
	given, ok := commandWords(c)
	if !ok {
		return false
	}
	var names []string
	for _, f := range c.Command.Flags {
		if slices.Contains(f.Names(), name) {
			names = f.Names()
		}
	}
	for i := 0; i < len(given) && len(given[i]) > 1 && strings.HasPrefix(given[i], "-") && given[i] != "--"; {
		w, _, _ := strings.Cut(strings.TrimPrefix(given[i][1:], "-"), "=")
		if slices.Contains(names, w) {
			return true
		}
		i += flagLen(c.Command.Flags, given[i:])
	}
	return false
}

// commandWords is what c's command was handed: its parent's arguments
// after the command's name (the parser consumes "--" and env values leave
// no word, so the words say what was typed); ok is false where c has no
// command or parent, or the parent's words do not start with its name.
func commandWords(c *cli.Context) (given []string, ok bool) {
	lin := c.Lineage()
	if c.Command == nil || len(lin) < 2 {
		return nil, false
	}
	given = lin[1].Args().Slice()
	if len(given) == 0 || !slices.Contains(c.Command.Names(), given[0]) {
		return nil, false
	}
	return given[1:], true
}

// flagLen is how many words the flag at rest[0] takes: 2 when it takes a
// value given as the next word, 1 for --x=v, a boolean or a flag not
// defined (which the parser then names), 0 when rest[0] is no flag.
func flagLen(flags []cli.Flag, rest []string) int {
	if !strings.HasPrefix(rest[0], "-") || len(rest[0]) < 2 {
		return 0
	}
	if len(rest) >= 2 && takesValue(flags, rest[0]) {
		return 2
	}
	return 1
}

// nextFlag splits the flag at rest[0], with its value where it takes one
// (flagLen), off rest: its words as the command is given them (decimal)
// and the words after them; ok is false, and nothing split, where
// rest[0] is no flag. Reorder and ReadFlags walk a command line by it.
func nextFlag(flags []cli.Flag, rest []string) (words, after []string, ok bool) {
	n := flagLen(flags, rest)
	if n == 0 {
		return nil, rest, false
	}
	return decimal(flags, rest[:n]), rest[n:], true
}

// takesValue reports whether word names, without "=value", a flag of flags
// that takes a value.
func takesValue(flags []cli.Flag, word string) bool {
	if !strings.HasPrefix(word, "-") || strings.Contains(word, "=") {
		return false
	}
	name := strings.TrimLeft(word, "-")
	for _, f := range flags {
		if slices.Contains(f.Names(), name) {
			dv, ok := f.(cli.DocGenerationFlag)
			return ok && dv.TakesValue()
		}
	}
	return false
}

// leadingZero is a whole number written with a leading zero: 010, -007.
var leadingZero = regexp.MustCompile(`^[+-]?0[0-9]+$`)

// decimal returns the words of one flag (--x v, or --x=v), an integer
// flag's value written with a leading zero read as the decimal a person
// means: Go's flag package reads integers in the base their prefix says,
// so --requests 010 ran 8 requests and --requests 08 was refused. 0x10,
// 0b101 and 1_000 stay Go's, written on purpose.
func decimal(flags []cli.Flag, words []string) []string {
	name, value, eq := strings.Cut(strings.TrimLeft(words[0], "-"), "=")
	if !eq {
		if len(words) < 2 {
			return words
		}
		value = words[1]
	}
	if !leadingZero.MatchString(value) {
		return words
	}
	for _, f := range flags {
		if !slices.Contains(f.Names(), name) {
			continue
		}
		switch f.(type) {
		case *cli.IntFlag, *cli.Int64Flag, *cli.UintFlag, *cli.Uint64Flag:
			sign, digits := "", value
			if value[0] == '+' || value[0] == '-' {
				sign, digits = value[:1], value[1:]
			}
			digits = strings.TrimLeft(digits, "0")
			if digits == "" {
				digits = "0"
			}
			if eq {
				return []string{words[0][:strings.Index(words[0], "=")+1] + sign + digits}
			}
			return []string{words[0], sign + digits}
		}
		return words
	}
	return words
}

// FindCommand returns the command of cmds named name (or one of its
// aliases), nil when none is.
func FindCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

// A Hint adds to the one-line error of a flag value that does not parse:
// what the user of the command path probably meant by value for the flag
// name (as typed, without dashes), "" when nothing.
type Hint func(path, name, value string) string

// OneLineUsage makes every command's usage errors one line (exit 2): a
// flag-parsing error gets "did you mean" when a defined flag is close (and
// hint's words, where hint is not nil), a required flag is checked by the
// command itself rather than by urfave/cli, which prints the whole help
// first, and a command that only groups others answers an unknown one in a
// line (UnknownCommand). parent is the path of the commands above cmds (""
// at the top), so that the help named is the command as typed (inferbench
// k8s manifest --help).
func OneLineUsage(parent string, cmds []*cli.Command, hint Hint) {
	for _, c := range cmds {
		path := strings.TrimSpace(parent + " " + c.Name)
		c.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
			return Usagef("%s: %s", path, flagError(path, c.Flags, err.Error(), hint))
		}
		checkValues(path, c)
		if len(c.Subcommands) > 0 && c.Action == nil {
			c.Action = UnknownCommand(path, c.Subcommands)
		}
		OneLineUsage(path, c.Subcommands, hint)
	}
}

// flagError is urfave/cli's message msg about the flags of the command
// path as the user would read it.
func flagError(path string, flags []cli.Flag, msg string, hint Hint) string {
	if bad, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		// As the user would type it: --name, or -n for a one-letter flag.
		name := strings.TrimLeft(bad, "-")
		msg = "unknown flag " + Dashed(name)
		var names []string
		for _, f := range flags {
			names = append(names, f.Names()...)
		}
		s := typo.Nearest(name, names)
		if s == "" {
			s = oneWordApart(name, names)
		}
		if s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", Dashed(s))
		}
		return msg + fmt.Sprintf("; see inferbench %s --help", path)
	}
	if bare, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		// Go's flag package names it with one dash (-out) whatever was
		// typed: said as NoFlagArgs says it, the flag as typed.
		f := Dashed(strings.TrimLeft(bare, "-"))
		return fmt.Sprintf("%s needs a value (%s … %s VALUE)", f, path, f)
	}
	if two, ok := strings.CutPrefix(msg, "Cannot use two forms of the same flag: "); ok {
		// urfave/cli's words for a flag given by its name and its alias
		// (-n 5 --requests 6), both bare.
		if a, b, ok := strings.Cut(two, " "); ok {
			return fmt.Sprintf("%s and %s are one flag, given twice: give it once", Dashed(a), Dashed(b))
		}
	}
	if m := invalidValue.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("%s: invalid value %q: %s", Dashed(m[2]), m[1], want(flags, m[2], msg[len(m[0]):]))
		if hint != nil {
			if h := hint(path, m[2], m[1]); h != "" {
				msg += "; " + h
			}
		}
	}
	return msg
}

// oneWordApart returns the one flag of names that is name with a
// dash-separated word more or less at its start or end, "" when none is or
// several are: one command's flag said with another's words, such as run's
// --gpu-backend given to gpu list, whose flag is --backend (four edits
// apart, too far for typo.Nearest), or --backend given to run. Words are
// whole: --max-c is not near --c.
func oneWordApart(name string, names []string) string {
	near := func(long, short string) bool {
		return len(short) >= 3 && (strings.HasSuffix(long, "-"+short) || strings.HasPrefix(long, short+"-")) &&
			!strings.Contains(strings.TrimSuffix(strings.TrimPrefix(long, short+"-"), "-"+short), "-")
	}
	found := ""
	for _, c := range names {
		if c == found || !near(name, c) && !near(c, name) {
			continue
		}
		if found != "" {
			return ""
		}
		found = c
	}
	return found
}

// checkValues makes c check its required flags itself, in a line, and
// refuse NaN and Inf in its number flags: strconv.ParseFloat, under every
// number flag, reads them, and `cost --output-tokens-per-s Inf` printed a
// table of dashes with exit 0 (and its --format json "json: unsupported
// value: +Inf"). No quantity here is infinite.
func checkValues(path string, c *cli.Command) {
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
	if len(required) == 0 && len(floats) == 0 {
		return
	}
	before := c.Before
	c.Before = func(ctx *cli.Context) error {
		for _, name := range floats {
			if v := ctx.Float64(name); ctx.IsSet(name) && (math.IsNaN(v) || math.IsInf(v, 0)) {
				return Usagef("%s: %s: invalid value %v: want a finite number", path, Dashed(name), v)
			}
		}
		for _, name := range required {
			if !ctx.IsSet(name) {
				return Usagef("%s: --%s is required; see inferbench %s --help", path, name, path)
			}
		}
		if before != nil {
			return before(ctx)
		}
		return nil
	}
}

// invalidValue is urfave/cli's error for a flag value that does not parse
// (a boolean's has words of its own: "invalid boolean value … for -force"):
// the value, the flag's name (one dash) and the parser's words.
var invalidValue = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-([^:]+): `)

// want says what a value of the flag named name must look like; parsed
// is what the flag's parser said, kept where it says more (a Quantity's).
func want(flags []cli.Flag, name, parsed string) string {
	for _, f := range flags {
		if !slices.Contains(f.Names(), name) {
			continue
		}
		switch f := f.(type) {
		case *cli.GenericFlag:
			if _, ok := f.Value.(*Quantity); ok {
				return parsed
			}
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

// Dashed is a flag name as the user types it: --name, or -n for a
// one-letter flag.
func Dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// unrequire clears a flag's Required, so that the command's own check
// (checkValues) says what is missing in one line. urfave/cli v2 reads
// Required through an interface but offers no way to set it; every flag
// type is a pointer to a struct with that bool field, so it is set by
// name (a switch over the types missed those it did not list, whose
// Required then stayed and gave urfave's own multi-line error).
func unrequire(f cli.Flag) {
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return
	}
	if r := v.Elem().FieldByName("Required"); r.Kind() == reflect.Bool && r.CanSet() {
		r.SetBool(false)
	}
}

// UnknownCommand is the Action of the app, and of each command that only
// groups others (history, gpu, …), path being the command as typed: with no
// argument it shows the help; otherwise the first argument names no command
// of cmds, said in one line with "did you mean".
func UnknownCommand(path string, cmds []*cli.Command) cli.ActionFunc {
	return func(c *cli.Context) error {
		if c.NArg() == 0 && path == "" {
			return cli.ShowAppHelp(c)
		}
		if c.NArg() == 0 {
			return cli.ShowSubcommandHelp(c)
		}
		msg := fmt.Sprintf("unknown command %q", c.Args().First())
		var names []string
		for _, cmd := range cmds {
			names = append(names, cmd.Names()...)
		}
		if s := typo.Nearest(c.Args().First(), names); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		if path == "" {
			return Usagef("%s; see inferbench --help", msg)
		}
		return Usagef("%s: %s; see inferbench %s --help", path, msg, path)
	}
}

// NoArgs rejects the positional arguments of a command that takes none;
// name is the command as typed (run, gpu list).
func NoArgs(c *cli.Context, name string) error { return NoArgsGiven(name, c.Args().Slice()) }

// NoArgsGiven is NoArgs for a command given its arguments (a package's
// Run function): a usage error naming the first, quoted.
func NoArgsGiven(name string, args []string) error {
	if len(args) > 0 {
		return Usagef("%s takes no arguments, got %q", name, args[0])
	}
	return nil
}

// NoFlagArgs rejects positional arguments that name a flag of the
// command: urfave/cli v2 stops parsing flags at the first positional
// argument, so "report DIR --format json" would silently ignore the flag
// where Reorder did not run. Another word that starts with a dash is a
// positional argument: Reorder leaves one only after "--" (a run directory
// named -x), and where it did not run, a mistyped flag fails as the path
// or ID it is then read as. After "--" (this run's: endedFlags), every word is
// positional, even one that names a flag: `report -- --format`.
func NoFlagArgs(c *cli.Context) error {
	if endedFlags(c) {
		return nil // "--" said every word after the flags is positional
	}
	var names []string
	if c.Command != nil {
		for _, f := range c.Command.Flags {
			names = append(names, f.Names()...)
		}
	}
	if cli.HelpFlag != nil {
		names = append(names, cli.HelpFlag.Names()...)
	}
	args := c.Args().Slice()
	reordered := c.App != nil && c.App.Metadata[reorderedKey] == true // Reorder left a value flag last only when it had none
	for i, a := range args {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if len(a) > 1 && a[0] == '-' && slices.Contains(names, name) {
			if reordered && i == len(args)-1 && c.Command != nil && takesValue(c.Command.Flags, a) {
				return Usagef("%s needs a value (%s … %s VALUE)", a, c.Command.FullName(), a)
			}
			return Usagef("flags must come before positional arguments: move %s before %s", a, c.Args().First())
		}
	}
	return nil
}

// ReadFlags reads args as the flags of the command path, flags only (the
// run flags a k8s Job's args carry after `k8s manifest … --`), with the
// command's own grammar and words: an integer's leading zero is decimal,
// as Reorder gives it to the command; an unknown flag with the one it is
// near, a value that does not parse with what it must look like, NaN and
// Inf refused. It returns the flags given with their words and the values
// the flag set parsed (Given), what checks of the values (k8s's stop
// sequences, run's flags laid over a scenario) read as the command would.
// Parsing writes the flags' Destinations: pass a command made for the
// purpose.
func ReadFlags(path string, flags []cli.Flag, args []string) (Given, error) {
	fs := flag.NewFlagSet(path, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	first := map[string]string{}
	for _, f := range flags {
		if err := f.Apply(fs); err != nil {
			return Given{}, fmt.Errorf("%s: %v", path, err)
		}
		for _, n := range f.Names() {
			first[n] = f.Names()[0]
		}
	}
	g := Given{Words: map[string][]string{}, values: map[string]flag.Value{}}
	fs.VisitAll(func(f *flag.Flag) {
		f.Value = &recorded{Value: f.Value, name: first[f.Name], given: g}
	})
	var words []string
	for rest := args; len(rest) > 0; {
		if rest[0] == "--" {
			words = append(words, rest...) // what follows is positional, as Reorder leaves it
			break
		}
		w, after, ok := nextFlag(flags, rest)
		if !ok {
			w, after = rest[:1], rest[1:]
		}
		words, rest = append(words, w...), after
	}
	if err := fs.Parse(words); err != nil {
		return Given{}, Usagef("%s: %s", path, flagError(path, flags, err.Error(), nil))
	}
	if fs.NArg() > 0 {
		return Given{}, Usagef("%s: %q is not a flag: only flags may follow", path, fs.Arg(0))
	}
	var bad error
	fs.Visit(func(f *flag.Flag) {
		if g, ok := f.Value.(flag.Getter); ok && bad == nil {
			if v, ok := g.Get().(float64); ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
				bad = Usagef("%s: %s: invalid value %v: want a finite number", path, Dashed(f.Name), v)
			}
		}
	})
	if bad != nil {
		return Given{}, bad
	}
	return g, nil
}

// Given are the flags ReadFlags read. Words holds each flag given, by its
// first name (an alias is the flag it names), with the words given for it
// in order ("true" for a boolean named alone). Its methods read the value
// the flag set parsed (the last given) as a command's cli.Context reads
// it, from the value as its flag writes it, so that run's code
// (scenarios.Flags) reads what run would; a flag not given reads as its
// zero value.
type Given struct {
	Words map[string][]string
	// values holds the flag.Value each flag was last set in (an alias
	// has a Value of its own), by the flag's first name.
	values map[string]flag.Value
}

func (g Given) IsSet(name string) bool { return len(g.Words[name]) > 0 }

func (g Given) String(name string) string {
	if v := g.values[name]; v != nil {
		return v.String()
	}
	return ""
}

func (g Given) Int(name string) int { n, _ := strconv.ParseInt(g.String(name), 0, 64); return int(n) }

func (g Given) Float64(name string) float64 { x, _ := strconv.ParseFloat(g.String(name), 64); return x }

func (g Given) Duration(name string) time.Duration {
	d, _ := time.ParseDuration(g.String(name))
	return d
}

func (g Given) Bool(name string) bool { b, _ := strconv.ParseBool(g.String(name)); return b }

// recorded is a flag's Value that notes each word set to it, and itself,
// under the flag's first name (ReadFlags), keeping the Value's boolean
// form (a flag named alone) and its Get.
type recorded struct {
	flag.Value
	name  string
	given Given
}

func (r *recorded) Set(s string) error {
	r.given.Words[r.name] = append(r.given.Words[r.name], s)
	r.given.values[r.name] = r.Value
	return r.Value.Set(s)
}

func (r *recorded) IsBoolFlag() bool {
	b, ok := r.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func (r *recorded) Get() any {
	if g, ok := r.Value.(flag.Getter); ok {
		return g.Get()
	}
	return nil
}
