package scenarios

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/inferbench/inferbench/internal/printable"
)

// The scenarios subcommands (list, show, validate) as functions. known is
// what a scenario's names are checked against: the target kinds
// (targets/registry's table) and the gate's metrics and limits
// (report/compare), which this package does not import.

// OpenChecked opens a shipped scenario or a file (Open) and checks its
// target kind and gate against known.
func OpenChecked(ref string, known Known) (*Scenario, error) {
	return open(ref, known)
}

// WriteList writes one line per shipped scenario: name, description.
func WriteList(w io.Writer, known Known) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDESCRIPTION")
	for _, name := range Shipped() {
		s, err := OpenChecked(name, known)
		if err != nil {
			return fmt.Errorf("scenarios list: %w", err)
		}
		fmt.Fprintf(tw, "%s\t%s\n", s.Name, s.Description)
	}
	return tw.Flush()
}

// Show writes the resolved scenario (defaults applied) as YAML.
func Show(w io.Writer, ref string, known Known) error {
	s, err := OpenChecked(ref, known)
	if err != nil {
		return fmt.Errorf("scenarios show: %w", err)
	}
	s.ApplyDefaults()
	b, err := Marshal(s)
	if err != nil {
		return fmt.Errorf("scenarios show: %w", err)
	}
	_, err = w.Write(b)
	return err
}

// ValidateFiles opens each file (or shipped name), reads the dataset and
// trace it names (CheckData), and writes "FILE: ok" or its errors, one a
// line; it fails when any file does. An error quotes the
// file (a key's path is written as the file spells it), so each line goes
// through printable.Text: a key holding an escape sequence or a NUL is shown
// written out, never sent to the terminal (run's errors pass through
// cmd/inferbench's exitCode, which does the same).
func ValidateFiles(w io.Writer, files []string, known Known) error {
	failed := 0
	for _, f := range files {
		s, err := OpenChecked(f, known)
		if err == nil {
			// And as run reads it, its defaults applied: a short open-loop
			// level that the default warm-up takes whole is refused there.
			s.ApplyDefaults()
			err = s.Validate()
		}
		if err == nil {
			// And its dataset and trace read, as run reads them.
			err = s.CheckData()
		}
		if err != nil {
			failed++
			for _, line := range strings.Split(err.Error(), "\n") {
				fmt.Fprintln(w, printable.Text(line))
			}
			continue
		}
		fmt.Fprintf(w, "%s: ok\n", printable.Text(f))
	}
	if failed > 0 {
		return fmt.Errorf("scenarios validate: %d of %d scenario files failed validation", failed, len(files))
	}
	return nil
}
