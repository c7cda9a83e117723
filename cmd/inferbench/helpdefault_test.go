package main

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestHelpStatesOneDefault: no flag's --help line states its default twice.
// A default written into the usage beside the one the help appends from the
// flag's zero value read "(default 50) (default: 0)" for --min-requests,
// contradicting itself and README ("default 50 and 1,000 judged requests");
// cost, crossover and advise had four more. The default the usage means is
// the flag's DefaultText instead. Nor is a default written in Go's
// exponent form: report's --tokens-per-day read "(default: 1e+07)".
func TestHelpStatesOneDefault(t *testing.T) {
	twice := regexp.MustCompile(`default( with [^:]*)?[: ].*\(default: `)
	exponent := regexp.MustCompile(`\(default: [^)]*[0-9]e[+-][0-9]`)
	var walk func(path []string, cmds []*cli.Command)
	checked := 0
	walk = func(path []string, cmds []*cli.Command) {
		for _, c := range cmds {
			p := append(append([]string{}, path...), c.Name)
			if len(c.Subcommands) > 0 {
				walk(p, c.Subcommands)
				continue
			}
			var out bytes.Buffer
			args := append(append([]string{"inferbench"}, p...), "--help")
			if err := newApp(&out, io.Discard).Run(args); err != nil {
				t.Errorf("%s: %v", strings.Join(args, " "), err)
				continue
			}
			for _, line := range strings.Split(out.String(), "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "-") && twice.MatchString(line) {
					t.Errorf("inferbench %s --help states a default twice:\n%s", strings.Join(p, " "), line)
				}
				if exponent.MatchString(line) {
					t.Errorf("inferbench %s --help writes a default in exponent form:\n%s", strings.Join(p, " "), line)
				}
			}
			checked++
		}
	}
	walk(nil, newApp(io.Discard, io.Discard).Commands)
	if checked < 20 {
		t.Errorf("checked the help of %d commands; want every command's", checked)
	}
}
