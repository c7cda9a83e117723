package history

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
)

// WriteList writes entries as a table, one line each (history list); text
// from run.json is written out where it would act on a terminal
// (printable.Text), as in WriteText.
func WriteList(stdout io.Writer, entries []*Entry) error {
	var tw columns
	tw.row("ID", "STARTED (UTC)", "SCENARIO", "MODEL", "TARGET", "LOAD", "PART", "TTFT p95 (ms)", "OUT tok/s", "VERSION", "RUN")
	marked, parts, window := false, false, false
	for _, e := range entries {
		id := strconv.FormatInt(e.ID, 10)
		if e.NewLevel {
			id, marked = id+"*", true
		}
		var levels, ttft, tps []string
		label := e.loadLabel()
		for _, l := range e.Summary.Levels {
			levels = append(levels, label(l.Level))
			if l.TTFTMS.N == 0 { // no request answered: no latency, not 0 ms
				ttft = append(ttft, "—")
			} else {
				ttft = append(ttft, fmt.Sprintf("%.1f", l.TTFTMS.P95))
			}
			tps = append(tps, fmt.Sprintf("%.0f", l.OutputTokensPerS))
		}
		if windowRates(e.Summary) {
			tps[len(tps)-1] += "†"
			window = true
		}
		p := printable.Text
		parts = parts || e.PartOfLoad != ""
		tw.row(id, e.Started.Format("2006-01-02 15:04:05"), p(e.Scenario),
			p(e.Model), p(e.TargetKind), strings.Join(levels, ","), partText(e.PartOfLoad), strings.Join(ttft, ","), strings.Join(tps, ","),
			p(e.ToolVersion), p(e.RunDir)+e.runDirNote(false))
	}
	if err := tw.write(stdout); err != nil {
		return err
	}
	if window {
		if _, err := fmt.Fprintln(stdout, windowFootnote); err != nil {
			return err
		}
	}
	return footnotes(stdout, marked, parts)
}

// windowFootnote explains list's † and show's line of a run summarized
// before the steady state (windowRates).
const windowFootnote = "† OUT tok/s over the whole window: summarized by an inferbench of before 2026-12-03; later runs' are over the steady state (ramp and drain left out), higher by about their share: compare summarizes a run again where its directory is still there"

// partText is the PART cell of list's and trend's tables: the run's part
// of a sharded run's load (Entry.PartOfLoad), "whole" for a whole run.
func partText(part string) string {
	if part == "" {
		return "whole"
	}
	return part
}

// partFootnote explains the PART column under list's and trend's tables
// when a run in them measured part of the load.
const partFootnote = "PART: a shard (run --shard) or a merge of some of the shards (merge --partial) measured its part of the load, at the whole run's levels: its throughput is not the server's, and beside whole runs it reads as a drop; history: baselines set it only against runs sharded alike (merge every shard for the whole)"

// footnotes writes the footnotes of list's and trend's tables: the new
// level's * when a run is marked, the PART column's when a run is part of
// the load.
func footnotes(w io.Writer, marked, parts bool) error {
	if marked {
		if _, err := fmt.Fprintln(w, newLevelFootnote); err != nil {
			return err
		}
	}
	if parts {
		if _, err := fmt.Fprintln(w, partFootnote); err != nil {
			return err
		}
	}
	return nil
}

// loadLabel returns how list names a level of e's run: "c=8" for a
// concurrency, "5/s" for a rate, "trace" for a trace's one level. The bare
// number, under a LEVELS header, read as a count of levels ("8" for one
// level at concurrency 8).
func (e *Entry) loadLabel() func(float64) string {
	var m struct {
		Load struct {
			Profile string `json:"profile"`
		} `json:"load"`
	}
	_ = json.Unmarshal(e.Manifest, &m) // none or unreadable: concurrency's
	switch m.Load.Profile {
	case "rate":
		return func(v float64) string { return fmt.Sprintf("%g/s", v) }
	case "trace":
		return func(float64) string { return "trace" }
	}
	return func(v float64) string { return fmt.Sprintf("c=%g", v) }
}

// newLevelFootnote explains the * of a run marked a new level, under list's
// and trend's tables.
const newLevelFootnote = "* a new level (history add --new-level, history mark): history: baselines start from it"

// WriteText writes the entry for people (history show): its metadata,
// then each level's metrics.
func (e *Entry) WriteText(stdout io.Writer) error {
	p := printable.Text
	tw := tabwriter.NewWriter(stdout, 2, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "id\t#%d\nstarted\t%s\nadded\t%s\nscenario\t%s\nmodel\t%s\ntarget\t%s %s\ninferbench\t%s\nhost\t%s\nexit state\t%s\nrun dir\t%s\nfingerprint\t%s\n",
		e.ID, e.Started.Format("2006-01-02 15:04:05 MST"), e.AddedAt.Format("2006-01-02 15:04:05 MST"), p(e.Scenario), p(e.Model),
		p(e.TargetKind), p(e.TargetURL), p(e.ToolVersion), p(e.Host), p(e.ExitState), p(e.RunDir)+e.runDirNote(true), e.Fingerprint)
	if e.NewLevel {
		fmt.Fprintln(tw, "new level\tyes: history: baselines start from this run")
	}
	if e.PartOfLoad != "" {
		fmt.Fprintf(tw, "part of the load\t%s of a sharded run: its throughput is its part, not the server's\n", e.PartOfLoad)
	}
	if windowRates(e.Summary) {
		fmt.Fprintln(tw, "rates	over the whole window: summarized by an inferbench of before 2026-12-03 (since, over the steady state)")
	}
	vals := compare.SummaryValues(e.Summary)
	for _, l := range e.Summary.Levels {
		fmt.Fprintf(tw, "\nlevel %g\t%d requests, %d failed\n", l.Level, l.Requests.Total, l.Requests.Failed)
		for _, m := range compare.Metrics() {
			v, ok := vals[l.Level][m.Name]
			if !ok {
				continue
			}
			if m.Points {
				fmt.Fprintf(tw, "  %s\t%.2f %%\n", m.Title, 100*v)
			} else {
				fmt.Fprintf(tw, "  %s\t%s %s\n", m.Title, valueText(m, v), m.Unit)
			}
		}
	}
	return tw.Flush()
}

// runDirNote is what follows the run dir in list (" (gone)", " (changed)")
// and, long, in show, when it no longer holds the run (RunDirState).
func (e *Entry) runDirNote(long bool) string {
	switch {
	case e.RunDirState == "":
		return ""
	case !long:
		state, _, _ := strings.Cut(e.RunDirState, ":")
		return " (" + state + ")"
	}
	return " (" + printable.Text(e.RunDirState) + ": compare reads the summary stored when it was added; history add RUN where it is now records its new place)"
}

// valueText writes a metric's value with 2 decimals, a latency under
// 0.01 ms with two significant digits as the report's table does
// (report.FormatMS): a fast engine's TPOT is not "0.00 ms".
func valueText(m compare.Metric, v float64) string {
	if m.Unit == "ms" {
		return report.FormatMS(v, 2)
	}
	return fmt.Sprintf("%.2f", v)
}
