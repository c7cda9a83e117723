package cmdline

import (
	"errors"
	"testing"
)

// TestFlagWithoutValueIsNamedAsTyped: a value flag last with no value and
// no positional argument (report --out) gave urfave/cli's "flag needs an
// argument: -out", one dash, where the user typed --out; it now reads as
// NoFlagArgs' "--out needs a value", the flag as it is typed.
func TestFlagWithoutValueIsNamedAsTyped(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"merge", "--out"}, "merge: --out needs a value (merge … --out VALUE)"},
		{[]string{"merge", "--out", "m", "-c"}, "merge: -c needs a value (merge … -c VALUE)"},
		{[]string{"history", "add", "--store"}, "history add: --store needs a value (history add … --store VALUE)"},
	} {
		app := toyApp(new([]string))
		err := app.Run(Reorder(app, append([]string{"inferbench"}, tt.args...)))
		if ue, ok := errors.AsType[*UsageError](err); !ok || ue.Error() != tt.want {
			t.Errorf("%q: %v (%T); want the usage error %q", tt.args, err, err, tt.want)
		}
	}
}
