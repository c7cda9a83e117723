package cmdline

import (
	"errors"
	"testing"
)

// TestTwoFormsOfOneFlag: a flag given by its long name and its alias in
// one command line (`run -n 5 --requests 6`, `-c 4 --concurrency 8`) is
// one usage error in words, naming both as typed. urfave/cli's own was
// "merge: Cannot use two forms of the same flag: c concurrency": neither
// dashed as typed, nor saying what to do.
func TestTwoFormsOfOneFlag(t *testing.T) {
	for _, args := range [][]string{
		{"merge", "--out", "m", "-c", "4", "--concurrency", "8"},
		{"merge", "--out", "m", "--concurrency", "8", "-c", "4"},
	} {
		app := toyApp(new([]string))
		err := app.Run(Reorder(app, append([]string{"inferbench"}, args...)))
		want := "merge: -c and --concurrency are one flag, given twice: give it once"
		if ue, ok := errors.AsType[*UsageError](err); !ok || ue.Error() != want {
			t.Errorf("%q: %v (%T); want the usage error %q", args, err, err, want)
		}
	}
}
