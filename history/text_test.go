package history

import (
	"bytes"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
)

// TestTextWritesOutControlCharacters: history list and history show of an
// entry whose scenario, model, host and URL (run.json's, so a careless
// user's or a hostile file's) carry an ANSI escape and a newline hold no
// escape byte, and list keeps one line per entry. Before, list broke the
// entry over two lines and coloured the rest of the table.
func TestTextWritesOutControlCharacters(t *testing.T) {
	e := &Entry{ID: 3, Scenario: "s\x1b[31m\nFORGED", Model: "m\x1b[0m\nFORGED", TargetKind: "vllm",
		TargetURL: "http://h/\x1b[2J", Host: "box\x07", RunDir: "/r/\x1b[31m", Summary: &report.Summary{}}
	var list, show bytes.Buffer
	if err := WriteList(&list, []*Entry{e}); err != nil {
		t.Fatal(err)
	}
	if err := e.WriteText(&show); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"list": list.String(), "show": show.String()} {
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Errorf("history %s holds an escape byte:\n%q", name, out)
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "FORGED") {
				t.Errorf("history %s: a value's newline started a line:\n%s", name, out)
			}
		}
	}
	if n := strings.Count(list.String(), "\n"); n != 2 {
		t.Errorf("history list: %d lines, want the header and one entry:\n%s", n, list.String())
	}
}

// TestShowKeepsSmallLatencies: history show and the trend table of a fast
// engine write a TPOT p50 of 1.5 µs as 0.0015 ms, as the report's table
// does (report.FormatMS); they wrote "0.00".
func TestShowKeepsSmallLatencies(t *testing.T) {
	tpot := report.Dist{N: 3, P50: 0.0015, P90: 0.0015, P95: 0.0015, P99: 0.0015, P999: 0.0015, Mean: 0.0015}
	e := &Entry{ID: 1, Summary: &report.Summary{Levels: []report.Level{{Level: 1, TPOTMS: tpot}}}}
	var show bytes.Buffer
	if err := e.WriteText(&show); err != nil {
		t.Fatal(err)
	}
	var row string
	for line := range strings.Lines(show.String()) {
		if strings.Contains(line, "TPOT p50") {
			row = line
		}
	}
	if !strings.Contains(row, " 0.0015 ms") {
		t.Errorf("history show's TPOT p50 row %q; want 0.0015 ms", row)
	}
	var trend bytes.Buffer
	m := compare.Metric{Title: "TPOT p50", Unit: "ms"}
	if err := writeTrendTable(&trend, m, []Point{{RunID: 1, Level: 1, Value: 0.0015}}, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(strings.TrimSpace(trend.String()), " 0.0015") {
		t.Errorf("trend table %q; want its value 0.0015", trend.String())
	}
}

// TestListNamesTheLoad: list names each level by its kind of load, so that
// one level at concurrency 8 does not read as eight levels.
func TestListNamesTheLoad(t *testing.T) {
	levels := &report.Summary{Levels: []report.Level{{Level: 8}, {Level: 16}}}
	for _, c := range []struct {
		manifest, want string
	}{
		{`{"load":{"profile":"concurrency"}}`, " c=8,c=16 "},
		{`{"load":{"profile":"sweep"}}`, " c=8,c=16 "},
		{`{"load":{"profile":"rate"}}`, " 8/s,16/s "},
		{`{"load":{"profile":"trace"}}`, " trace,trace "},
		{``, " c=8,c=16 "},
	} {
		var list bytes.Buffer
		if err := WriteList(&list, []*Entry{{ID: 1, Manifest: []byte(c.manifest), Summary: levels}}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(list.String(), "  LOAD  ") || !strings.Contains(list.String(), c.want) {
			t.Errorf("%s: list\n%s\nwant %q under LOAD", c.manifest, list.String(), c.want)
		}
	}
}
