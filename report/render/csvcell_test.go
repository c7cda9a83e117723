package render

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/inferbench/inferbench/report"
)

// TestCSVNeutralizesFormulas: run labels that a spreadsheet would evaluate
// (=, @, +, -, tab, CR first) reach levels.csv prefixed with a quote;
// numbers, negative ones included, and plain labels are unchanged.
func TestCSVNeutralizesFormulas(t *testing.T) {
	labels := map[string]string{
		`=HYPERLINK("evil.example","click")`: `'=HYPERLINK("evil.example","click")`,
		"@SUM(A1)":                           "'@SUM(A1)",
		"+cmd":                               "'+cmd",
		"-1":                                 "-1",
		"-x":                                 "'-x",
		"\tTAB":                              "'\tTAB",
		"\r=1+1":                             "'\r=1+1",
		"-2.5e3":                             "-2.5e3",
		"-Inf":                               "'-Inf",
		"h100 run":                           "h100 run",
	}
	r := &Report{SLO: SLOInfo{Text: "no SLO"}}
	for label := range labels {
		r.Runs = append(r.Runs, RunReport{Label: label, Summary: &report.Summary{Levels: []report.Level{{Level: -1, WindowS: 1}}}})
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows[1:] {
		in := r.Runs[i].Label
		if row[0] != labels[in] {
			t.Errorf("label %q written as %q; want %q", in, row[0], labels[in])
		}
		if row[1] != "-1" {
			t.Errorf("the level -1 was written as %q", row[1])
		}
	}
}
