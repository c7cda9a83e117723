package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// shardedRuns copies the real sharded runs of the mock under
// report/testdata/sharded (shard-0, shard-1, merged: both, partial:
// `merge --partial` of shard 0) into a temporary directory, as the report
// rewrites their summary.json.
func shardedRuns(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "testdata", "sharded"))); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestPartOfTheLoadInEveryFormat: the report of a `merge --partial` of one
// shard of two said so only in the terminal's table ("merged  1 of 2
// shards"): report.md, report.html, report.json and levels.csv read as a
// whole run, 220.8 output tokens/s priced at $/1M output tokens twice the
// server's. Each format now names its part of the load in the summary (and
// the level tables), prices none of it, and a qualification against the
// merge of every shard says it in its comparison tables; the merge of every
// shard says nothing of it. The GPU run.json states is named, priced or not.
func TestPartOfTheLoadInEveryFormat(t *testing.T) {
	runs := shardedRuns(t)
	for _, tt := range []struct {
		dirs []string
		part string // "" for the whole run
	}{
		{[]string{"partial"}, "shard 0 of 2 merged (partial)"},
		{[]string{"shard-0"}, "shard 0/2"},
		{[]string{"merged", "partial"}, "shard 0 of 2 merged (partial)"},
		{[]string{"merged"}, ""},
	} {
		name := strings.Join(tt.dirs, "+")
		var dirs []string
		for _, d := range tt.dirs {
			dirs = append(dirs, filepath.Join(runs, d))
		}
		out := filepath.Join(t.TempDir(), "report")
		var stdout bytes.Buffer
		if err := Command(dirs, out, AllFormats(), Options{Catalog: catalog(t), Resamples: 100}, &stdout, io.Discard); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		read := func(file string) string {
			b, err := os.ReadFile(filepath.Join(out, file))
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		md, html := read(MarkdownFile), read(HTMLFile)
		mark := PartMark + ": " + tt.part
		last := tt.dirs[len(tt.dirs)-1]
		for format, text := range map[string]string{"md": md, "html": html} {
			if tt.part == "" {
				if strings.Contains(text, PartMark) {
					t.Errorf("%s: report.%s says %s of a whole run", name, format, PartMark)
				}
				continue
			}
			summary := text[:strings.Index(text, "Figures")]
			if !strings.Contains(summary, last+" is "+tt.part+" of a sharded run") || !strings.Contains(summary, last+" ("+mark+")") {
				t.Errorf("%s: report.%s's summary does not say %q of %s:\n%s", name, format, mark, last, summary)
			}
			if !strings.Contains(text, last+" ("+mark+"): load levels") {
				t.Errorf("%s: report.%s's level table of %s does not say %q", name, format, last, mark)
			}
			if len(tt.dirs) > 1 && !strings.Contains(text[strings.Index(text, "Qualification"):], PartMark+": "+last+" is "+tt.part+" of a sharded run: its throughput is its part of the load") {
				t.Errorf("%s: report.%s's qualification tables do not say %q", name, format, mark)
			}
		}
		var rep struct {
			Runs []struct {
				Label      string            `json:"label"`
				GPU        string            `json:"gpu"`
				PartOfLoad string            `json:"part_of_load"`
				Costs      []json.RawMessage `json:"costs"`
			} `json:"runs"`
			Comparisons []struct {
				PartOfLoad []string `json:"part_of_load"`
			} `json:"comparisons"`
		}
		if err := json.Unmarshal([]byte(read(JSONFile)), &rep); err != nil {
			t.Fatal(err)
		}
		r := rep.Runs[len(rep.Runs)-1]
		if r.PartOfLoad != tt.part || tt.part != "" && len(r.Costs) > 0 || tt.part == "" && len(r.Costs) == 0 || r.GPU != "h100-sxm" {
			t.Errorf("%s: report.json %s part_of_load %q, %d costs, GPU %q; want %q, priced only when whole, on the h100-sxm its run.json states",
				name, r.Label, r.PartOfLoad, len(r.Costs), r.GPU, tt.part)
		}
		if len(rep.Comparisons) > 0 && !slices.Equal(rep.Comparisons[0].PartOfLoad, []string{last + " is " + tt.part + " of a sharded run"}) {
			t.Errorf("%s: report.json comparison part_of_load %q", name, rep.Comparisons[0].PartOfLoad)
		}
		rows, err := csv.NewReader(strings.NewReader(read(CSVFile))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := slices.Index(rows[0], "part_of_load")
		if col < 0 {
			t.Fatalf("%s: levels.csv has no part_of_load column: %q", name, rows[0])
		}
		for _, row := range rows[1:] {
			want := ""
			if row[0] == last {
				want = tt.part
			}
			if row[col] != want {
				t.Errorf("%s: levels.csv %s part_of_load %q; want %q", name, row[0], row[col], want)
			}
		}
		if tt.part != "" && !strings.Contains(stdout.String(), "part of the load") {
			t.Errorf("%s: the terminal's table does not say part of the load:\n%s", name, stdout.String())
		}
	}
}

// TestPartOfTheLoadHasNoVerdictRatio: a qualification of the merge of
// every shard against a merge --partial of one had the verdict "partial
// serves 0.50× [0.27–0.81] the output tokens/s of merged …, significant at
// 95 %", a halving read as the server's, its "not like-for-like" after the
// claim. A part of the load against another sharding gets no ratio; two
// whole runs keep theirs.
func TestPartOfTheLoadHasNoVerdictRatio(t *testing.T) {
	runs := shardedRuns(t)
	// Two whole runs (a copy: one directory given twice is refused) are
	// compared with a ratio.
	if err := os.CopyFS(filepath.Join(runs, "merged-copy"), os.DirFS(filepath.Join(runs, "merged"))); err != nil {
		t.Fatal(err)
	}
	for pair, want := range map[[2]string]string{
		{"merged", "partial"}:     "no throughput comparison: partial is shard 0 of 2 merged (partial) of a sharded run; merge every shard (inferbench merge) to compare whole runs.",
		{"shard-1", "merged"}:     "no throughput comparison: shard-1 is shard 1/2 of a sharded run; merge every shard (inferbench merge) to compare whole runs.",
		{"merged", "merged-copy"}: "merged-copy serves 1.00×",
	} {
		var stdout bytes.Buffer
		dirs := []string{filepath.Join(runs, pair[0]), filepath.Join(runs, pair[1])}
		if err := Command(dirs, filepath.Join(t.TempDir(), "report"), AllFormats(), Options{Catalog: catalog(t), Resamples: 100}, &stdout, io.Discard); err != nil {
			t.Fatalf("%v: %v", pair, err)
		}
		verdict, _, _ := strings.Cut(stdout.String()[strings.Index(stdout.String(), "verdict: "):], "\n")
		if !strings.Contains(verdict, want) || strings.HasPrefix(want, "no throughput") && strings.Contains(verdict, " serves ") {
			t.Errorf("%v: %s\nwant it to say %q", pair, verdict, want)
		}
	}
}
