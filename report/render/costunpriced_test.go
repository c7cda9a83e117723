package render

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// A run the cost figure cannot price is named in its caption, with why: an
// A100 against a GH200 (not in the catalog) drew the A100's bars alone, and
// the caption listed "gh200: level 8, highest-throughput level" among the
// priced levels; why the GH200 had no bar was a warning at the end of the
// report. The figures of two GPUs showed one, and said nothing.
func TestCostFigureNamesTheRunsItCannotPrice(t *testing.T) {
	gh := rendertest.H100()
	gh.GPUName = "NVIDIA GH200 480GB"
	none := rendertest.H100()
	none.GPUName, none.Seed = "", 5
	root := writeRuns(t, map[string]rendertest.Spec{"a100": rendertest.A100(), "gh200": gh, "unknown": none})
	var dirs []string
	for _, d := range []string{"a100", "gh200", "unknown"} {
		dirs = append(dirs, filepath.Join(root, d))
	}
	rep := buildWith(t, dirs, report.SLO{TTFT: 200 * time.Millisecond}, nil)
	captions := map[string]string{}
	for _, f := range rep.Plots() {
		captions[f.Name] = f.Caption
	}
	for _, name := range []string{"cost", "crossover"} {
		c := captions[name]
		if c == "" {
			t.Fatalf("no %s figure", name)
		}
		for _, want := range []string{
			`Not priced: gh200 (its GPU, "NVIDIA GH200 480GB", is not in the catalog: add it with --prices, or state a catalog GPU with --gpu ID[xN])`,
			`unknown (its GPU is not known: state it with --gpu ID[xN])`,
		} {
			if !strings.Contains(c, want) {
				t.Errorf("%s caption %q\nwant it to contain %q", name, c, want)
			}
		}
		if strings.Contains(c, "gh200: level") {
			t.Errorf("%s caption %q lists gh200 among the priced levels", name, c)
		}
	}
}
