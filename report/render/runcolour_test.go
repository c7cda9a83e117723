package render

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// A run is one colour in every figure of a report. In the demo's report
// the a100-80gb was black and the h100-sxm blue in the latency, Pareto,
// CDF and timeline figures, but blue and orange bars in the cost figure,
// and a green and a pink step line in the crossover (the APIs took the
// first colours there): a reader matching the cost bars to the latency
// figure by colour read the H100's bars as the A100's.
func TestRunHasOneColourInEveryFigure(t *testing.T) {
	root := writeRuns(t, map[string]rendertest.Spec{"a100-80gb": rendertest.A100(), "h100-sxm": rendertest.H100()})
	dirs := []string{filepath.Join(root, "a100-80gb"), filepath.Join(root, "h100-sxm")}
	rep := buildWith(t, dirs, report.SLO{TTFT: 200 * time.Millisecond}, nil)
	svgs := map[string]string{}
	for _, f := range rep.Plots() {
		var b bytes.Buffer
		if err := f.Write(&b, "svg"); err != nil {
			t.Fatal(err)
		}
		svgs[f.Name] = b.String()
	}
	for _, name := range []string{"latency-throughput", "cost", "crossover"} {
		if svgs[name] == "" {
			t.Fatalf("no %s figure", name)
		}
	}
	seen := map[string]bool{}
	for _, rr := range rep.Runs {
		want := legendColour(t, svgs["latency-throughput"], rr.Label)
		seen[want] = true
		if got := legendColour(t, svgs["cost"], rr.Label); got != want {
			t.Errorf("%s: its cost bars are %s, its latency line %s", rr.Label, got, want)
		}
		if got := legendColour(t, svgs["crossover"], "self-hosted "+rr.Label+","); got != want {
			t.Errorf("%s: its crossover step line is %s, its latency line %s", rr.Label, got, want)
		}
	}
	if len(seen) != len(rep.Runs) {
		t.Errorf("the runs share colours in the latency figure: %v", seen)
	}
}

var (
	svgTextRE  = regexp.MustCompile(`(?s)<text[^>]*>([^<]*)</text>`)
	svgColorRE = regexp.MustCompile(`(fill|stroke):(#[0-9A-Fa-f]{6})`)
)

// legendColour is the colour of the legend thumbnail drawn just before the
// legend text that starts with label: the fill of a bar's swatch (black
// when it states none), else the stroke of a line.
func legendColour(t *testing.T, svg, label string) string {
	t.Helper()
	prev := 0
	for _, m := range svgTextRE.FindAllStringSubmatchIndex(svg, -1) {
		text := svg[m[2]:m[3]]
		if strings.HasPrefix(text, label) {
			between := svg[prev:m[0]]
			paths := strings.Split(between, "<path")
			if len(paths) < 2 {
				t.Fatalf("no thumbnail before legend text %q", text)
			}
			c := svgColorRE.FindStringSubmatch(paths[1])
			if c == nil {
				return "#000000" // SVG's default fill, which the writer leaves out
			}
			return strings.ToUpper(c[2])
		}
		prev = m[1]
	}
	t.Fatalf("no legend text starting %q", label)
	return ""
}

// The APIs of the crossover figure take no run's colour: with six runs
// (A100 80GB and 40GB, H100, H200, L40S, MI300X) and three APIs the styles
// ran past the palette's eight colours, and groq's line was drawn in the
// A100 80GB's black, the colour that run has in every figure.
func TestCrossoverAPIsTakeNoRunsColour(t *testing.T) {
	names := map[string]string{"a100-80gb": "NVIDIA A100-SXM4-80GB", "h100-sxm": "NVIDIA H100 80GB HBM3", "a100-40gb": "NVIDIA A100-SXM4-40GB",
		"h200": "NVIDIA H200", "l40s": "NVIDIA L40S", "mi300x": "AMD Instinct MI300X"}
	order := []string{"a100-80gb", "h100-sxm", "a100-40gb", "h200", "l40s", "mi300x"}
	specs := map[string]rendertest.Spec{}
	var dirs []string
	for i, id := range order {
		s := rendertest.A100()
		s.GPUName, s.Seed = names[id], uint64(i+1)
		specs[id] = s
	}
	root := writeRuns(t, specs)
	for _, id := range order {
		dirs = append(dirs, filepath.Join(root, id))
	}
	rep := buildWith(t, dirs, report.SLO{TTFT: 200 * time.Millisecond}, nil)
	var svg string
	for _, f := range rep.Plots() {
		if f.Name == "crossover" {
			var b bytes.Buffer
			if err := f.Write(&b, "svg"); err != nil {
				t.Fatal(err)
			}
			svg = b.String()
		}
	}
	if svg == "" {
		t.Fatal("no crossover figure")
	}
	runColour := map[string]string{}
	for _, rr := range rep.Runs {
		if len(rr.Costs) == 0 {
			t.Fatalf("%s is not priced; the test wants every run on the figure", rr.Label)
		}
		runColour[legendColour(t, svg, "self-hosted "+rr.Label+",")] = rr.Label
	}
	if len(runColour) != len(rep.Runs) {
		t.Errorf("the runs' step lines share colours: %v", runColour)
	}
	for _, api := range DefaultAPIModels() {
		if c := legendColour(t, svg, "API "+api+","); runColour[c] != "" {
			t.Errorf("API %s is drawn in %s, the colour of run %s", api, c, runColour[c])
		}
	}
}
