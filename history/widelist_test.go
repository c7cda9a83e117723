package history

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
)

// TestListAlignsWideCharacters: history list of runs whose scenario and
// model carry East Asian wide characters and an emoji (two terminal
// columns each) keeps every column under its header. Before, the table
// counted each such character as one column, so the columns after a
// Japanese scenario name started two columns right of the header's for
// each wide character.
func TestListAlignsWideCharacters(t *testing.T) {
	started := time.Date(2026, 12, 6, 1, 2, 3, 0, time.UTC)
	sum := &report.Summary{Levels: []report.Level{{Level: 8, TTFTMS: report.Dist{N: 200, P95: 51.2}, OutputTokensPerS: 612, WindowOutputTokensPerS: 580}}}
	entries := []*Entry{
		{ID: 1, Started: started, Scenario: "夜間テスト", Model: "llama-3-8b", TargetKind: "vllm", ToolVersion: "v1", RunDir: "/r/1", Summary: sum},
		{ID: 2, Started: started, Scenario: "nightly", Model: "ラマ🦙", TargetKind: "vllm", ToolVersion: "v1", RunDir: "/r/2", Summary: sum},
		{ID: 3, Started: started, Scenario: "a-rather-long-scenario", Model: "m", TargetKind: "vllm", ToolVersion: "v1", RunDir: "/r/3", Summary: sum},
	}
	var out bytes.Buffer
	if err := WriteList(&out, entries); err != nil {
		t.Fatal(err)
	}
	// The terminal columns of a line up to a byte offset: the test's wide
	// characters take two, every other character one.
	const wide = "夜間テストラマ🦙"
	cols := func(s string) int {
		n := 0
		for _, r := range s {
			if strings.ContainsRune(wide, r) {
				n += 2
			} else {
				n++
			}
		}
		return n
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("history list wrote %d lines, want 4:\n%s", len(lines), out.String())
	}
	for _, field := range []struct{ header, value string }{{"MODEL", "llama-3-8b"}, {"TARGET", "vllm"}, {"LOAD", "c=8"}, {"RUN", "/r/"}} {
		want := cols(lines[0][:strings.Index(lines[0], field.header)])
		for _, line := range lines[1:] {
			i := strings.Index(line, " "+field.value)
			if field.header == "MODEL" && !strings.Contains(line, field.value) {
				continue // the rows whose model is another
			}
			if i < 0 {
				t.Fatalf("no %q in %q", field.value, line)
			}
			if got := cols(line[:i+1]); got != want {
				t.Errorf("history list: %s's value %q starts at column %d, its header at %d:\n%s", field.header, field.value, got, want, out.String())
			}
		}
	}
}

// TestListWritesNoLatencyForALevelThatAllFailed: history list of a run in
// which every request failed showed its TTFT p95 as 0.0 ms, a latency no
// request had; it is "—", as compare writes a value that was not measured.
func TestListWritesNoLatencyForALevelThatAllFailed(t *testing.T) {
	sum := &report.Summary{Levels: []report.Level{{Level: 8, Requests: report.Requests{Total: 50, Failed: 50}}}}
	var out bytes.Buffer
	if err := WriteList(&out, []*Entry{{ID: 1, Scenario: "nightly", Model: "m", TargetKind: "vllm", Summary: sum}}); err != nil {
		t.Fatal(err)
	}
	if row := strings.Split(out.String(), "\n")[1]; strings.Contains(row, "0.0 ") || !strings.Contains(row, "—") {
		t.Errorf("history list of a level whose every request failed: %q; want its TTFT p95 as —", row)
	}
}
