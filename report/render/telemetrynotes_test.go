package render

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// A level whose energy was integrated from power where a counter failed
// (report.GPULevel.EnergyNote) and one whose metrics page changed engine
// (report.ServerLevel.EngineChange) say so in report.md, report.html and
// levels.csv: the GPU table read "(mixed)" and the server rate was blank,
// with no word of why; summary.json and the terminal table said it.
func TestReportSaysEnergyNoteAndEngineChange(t *testing.T) {
	root := writeRuns(t, map[string]rendertest.Spec{"a100-80gb": rendertest.A100()})
	energy := "energy integrated from power: gpu 0's energy counter went back from 5743 J to 1 J between 19.8 s and 20.0 s"
	change := "the metrics page's engine changed from vllm to llamacpp at 2.8 s: no counter rate over this span"
	var l *report.Level
	rep := buildWith(t, []string{filepath.Join(root, "a100-80gb")}, report.SLO{}, func(runs []*Run) {
		l = &runs[0].Summary.Levels[0]
		if l.GPU == nil {
			l.GPU = &report.GPULevel{}
		}
		l.GPU.EnergyNote = energy
		if l.Server == nil {
			l.Server = &report.ServerLevel{}
		}
		l.Server.EngineChange = change
	})
	out := mdAndHTML(t, rep)
	for _, note := range []string{fmt.Sprintf("level %g: %s", l.Level, energy), fmt.Sprintf("level %g: %s", l.Level, change)} {
		if !strings.Contains(out["md"], "- "+strings.ReplaceAll(note, "_", `\_`)+"\n") {
			t.Errorf("report.md lacks the note %q", note)
		}
		if !strings.Contains(out["html"], "<li>"+html.EscapeString(note)) {
			t.Errorf("report.html lacks the note %q", note)
		}
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, rep); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for col, want := range map[string]string{"gpu_energy_note": energy, "server_engine_change": change} {
		i := slices.Index(rows[0], col)
		if i < 0 || rows[1][i] != want {
			t.Errorf("levels.csv column %s (at %d): want %q on the level's row", col, i, want)
		}
	}
}
