package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report/render"
	"github.com/inferbench/inferbench/rundir"
)

var (
	// exponent is a number printed with %g's exponent (1e+08, 2.038e+10).
	exponent = regexp.MustCompile(`\d(\.\d+)?e[+-]\d`)
	// bareDollars is a dollar amount of 1,000 or more without separators.
	bareDollars = regexp.MustCompile(`\$\d{4,}`)
	// internalRef is wording only the project's authors understand.
	internalRef = regexp.MustCompile(`(?i)seed's|seed framework|CommitBrief|issue #\d`)
	// fileRef is a token that names a file.
	fileRef = regexp.MustCompile(`[\w./-]+\.(md|ya?ml|toml|json|jsonl)\b`)
	// publicURL is a public address a line may cite a file of.
	publicURL = regexp.MustCompile(`github\.com/|huggingface\.co/|://`)
)

// TestOutputsCiteOnlyWhatReadersCanFind runs every command that prints
// money, volumes or sources on a run directory (cost, crossover, advise,
// gpus, report in every format) and greps what they write: no %g
// exponents, no unseparated dollars (issue #20 item 5), no internal
// references, and no file named that is neither in this repository, nor a
// run directory's or report's own file, nor cited with a public address
// on the same line (item 15).
func TestOutputsCiteOnlyWhatReadersCanFind(t *testing.T) {
	a100, h100 := reportRuns(t)
	var outs []string
	dir := filepath.Join(t.TempDir(), "rep")
	out, err := costRunApp(t, "report", "--out", dir, "--png-dpi", "48", "--tokens-per-day", "100000000", a100, h100)
	if err != nil {
		t.Fatal(err)
	}
	outs = append(outs, "report stdout\n"+out)
	for _, f := range []string{render.MarkdownFile, render.HTMLFile, render.JSONFile, render.CSVFile} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, f+"\n"+string(b))
	}
	for _, args := range [][]string{
		{"cost", "--run", h100}, {"cost", "--run", h100, "--format", "md"}, {"cost", "--run", h100, "--format", "json"},
		{"crossover", "--run", h100, "--tokens-per-day", "100000000"}, {"crossover", "--tokens-per-day", "20400000000", "--format", "md"},
		{"crossover", "--run", a100, "--tokens-per-day", "100000000", "--api-model", "groq/llama-3.1-8b-instant"},
		{"advise", "--tokens-per-day", "100000000", "--compliance", "hipaa", "--team-runs-gpus"}, {"advise", "--monthly-api-spend", "13125"},
		{"gpus"}, {"gpus", "--format", "json"}, {"gpus", "--fit", "llama-3-70b"},
	} {
		out, err := costRunApp(t, args...)
		if err != nil {
			t.Fatalf("inferbench %s: %v", strings.Join(args, " "), err)
		}
		outs = append(outs, "inferbench "+strings.Join(args, " ")+"\n"+out)
	}
	assertReadable(t, outs)
}

// assertReadable checks outputs, each its name, a newline and its text
// (a name starting "data: " is data for programs, whose floats may take
// any syntax; written are the names of files the commands wrote):
// no %g exponents, no unseparated dollars, no internal references, and no
// file named that is neither in this repository, nor a run directory's or
// report's own file, nor cited with a public address on the same line.
func assertReadable(t *testing.T, outs []string, written ...string) {
	t.Helper()
	own := append(rundir.Files(), rundir.ManifestFile, render.MarkdownFile, render.HTMLFile, render.JSONFile, render.CSVFile, "report.json")
	own = append(own, written...) // the files the test's commands wrote
	for _, o := range outs {
		name, _, _ := strings.Cut(o, "\n")
		for _, line := range strings.Split(o, "\n") {
			for _, re := range []*regexp.Regexp{exponent, bareDollars, internalRef} {
				if re == exponent && (name == render.CSVFile || strings.HasPrefix(name, "data: ")) {
					continue // data for programs: any float syntax
				}
				if m := re.FindString(line); m != "" {
					t.Errorf("%s: %q in %q", name, m, clip(line))
				}
			}
			if publicURL.MatchString(line) {
				continue
			}
			for _, f := range fileRef.FindAllString(line, -1) {
				if slices.Contains(own, filepath.Base(f)) {
					continue
				}
				if _, err := os.Stat(filepath.Join("..", "..", f)); err != nil {
					t.Errorf("%s: %q is not in the repository and has no public address: %q", name, f, clip(line))
				}
			}
		}
	}
}

func clip(s string) string {
	if i := len(s); i > 300 {
		return s[:300] + "…"
	}
	return s
}
