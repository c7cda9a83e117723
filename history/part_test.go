package history

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestListAndTrendMarkPartsOfTheLoad: `history list` and `history trend`
// of the real sharded runs of the mock (report/testdata/sharded: the merge
// of shards 0 and 1, `merge --partial` of shard 0, and shard 0 itself)
// read 444 output tokens/s beside 221 and 221 with nothing to tell them
// apart, so the parts read as a halving. Each says its part of the load:
// a PART column and its footnote in text, part_of_load in JSON and in the
// trend's points, a line of show; a whole run's entry says "whole" and
// has no field.
func TestListAndTrendMarkPartsOfTheLoad(t *testing.T) {
	ctx := t.Context()
	spec := filepath.Join(t.TempDir(), "h.db")
	s, err := Open(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := map[string]string{"merged": "", "partial": "shard 0 of 2 merged (partial)", "shard-0": "shard 0/2"}
	for _, name := range []string{"merged", "partial", "shard-0"} {
		addRun(t, s, filepath.Join("..", "report", "testdata", "sharded", name))
	}
	entries, err := s.List(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var list bytes.Buffer
	if err := WriteList(&list, entries); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(list.String(), "\n")
	if !strings.Contains(lines[0], "  PART  ") {
		t.Errorf("list's header %q; want a PART column", lines[0])
	}
	for _, e := range entries {
		name := filepath.Base(e.RunDir)
		if e.PartOfLoad != want[name] {
			t.Errorf("entry %s: PartOfLoad %q; want %q", name, e.PartOfLoad, want[name])
		}
		cell := partText(want[name])
		found := false
		for _, l := range lines {
			found = found || strings.HasSuffix(l, e.RunDir) && strings.Contains(l, "  "+cell+"  ")
		}
		if !found {
			t.Errorf("list has no line of %s saying %q:\n%s", name, cell, list.String())
		}
		var show bytes.Buffer
		if err := e.WriteText(&show); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(show.String(), "part of the load  "+want[name]+" of a sharded run"); got != (want[name] != "") {
			t.Errorf("show of %s says its part of the load: %v; want %v:\n%s", name, got, want[name] != "", show.String())
		}
	}
	if !strings.Contains(list.String(), partFootnote) {
		t.Errorf("list of parts of the load has no footnote:\n%s", list.String())
	}
	var js bytes.Buffer
	if err := RunList(ctx, CommandOptions{Store: spec, Format: "json"}, &js, nil); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(js.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		name := filepath.Base(r["run_dir"].(string))
		if got, _ := r["part_of_load"].(string); got != want[name] {
			t.Errorf("list --format json %s: part_of_load %q; want %q", name, got, want[name])
		}
	}
	pts, err := s.Trend(ctx, "output_tokens_per_s", Filter{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]string{}
	for _, e := range entries {
		byID[e.ID] = want[filepath.Base(e.RunDir)]
	}
	for _, p := range pts {
		if p.PartOfLoad != byID[p.RunID] {
			t.Errorf("trend point of #%d: PartOfLoad %q; want %q", p.RunID, p.PartOfLoad, byID[p.RunID])
		}
	}
	var trend bytes.Buffer
	if err := RunTrend(ctx, CommandOptions{Store: spec, Metric: "output_tokens_per_s"}, &trend, nil); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"  PART  ", "  whole  ", "  shard 0 of 2 merged (partial)  ", "  shard 0/2  ", partFootnote} {
		if !strings.Contains(trend.String(), w) {
			t.Errorf("trend table has no %q:\n%s", w, trend.String())
		}
	}
	out := filepath.Join(t.TempDir(), "trend.png")
	if err := RunTrend(ctx, CommandOptions{Store: spec, Metric: "output_tokens_per_s", Out: out}, &trend, nil); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
		t.Errorf("trend plot: %v", err)
	}
}
