package render

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenReport builds the report of synthetic runs (seeded, so stable):
// "run" is the A100 run alone, "qualification" the A100 against the H100.
func goldenReport(t *testing.T, kind string) (*Report, string) {
	t.Helper()
	specs := map[string]rendertest.Spec{"a100-80gb": rendertest.A100()}
	dirs := []string{"a100-80gb"}
	if kind == "qualification" {
		specs["h100-sxm"] = rendertest.H100()
		dirs = append(dirs, "h100-sxm")
	}
	root := writeRuns(t, specs)
	for i := range dirs {
		dirs[i] = filepath.Join(root, dirs[i])
	}
	slo := report.SLO{TTFT: 200 * time.Millisecond}
	runs, slo, src, err := LoadRuns(dirs, slo)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Build(runs, Options{SLO: slo, SLOSource: src, Catalog: catalog(t), Version: "test", Resamples: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Plots() {
		rep.Figures = append(rep.Figures, refOf(f))
	}
	return rep, root
}

// checkGolden compares got with testdata/name, after replacing the
// temporary run root with RUNS; -update rewrites the file.
func checkGolden(t *testing.T, name string, got []byte, root string) {
	checkGoldenWith(t, name, got, root, nil)
}

// checkGoldenJSON is checkGolden for JSON, by the run directory's rule
// (fields are added, never renamed): every key and value of the golden file
// must be in the output, keys the output adds are not a difference. Numbers
// compare to a relative 1e-9, so that the last bits of a sum (its order, a
// fused multiply-add on another architecture) are not a difference.
func checkGoldenJSON(t *testing.T, name string, got []byte, root string) {
	checkGoldenWith(t, name, got, root, func(want, got []byte) string {
		var w, g any
		if err := json.Unmarshal(want, &w); err != nil {
			return "golden file: " + err.Error()
		}
		if err := json.Unmarshal(got, &g); err != nil {
			return "output: " + err.Error()
		}
		return cmp.Diff(w, prune(g, w), cmpopts.EquateApprox(1e-9, 0))
	})
}

// prune drops from got the object keys that want lacks, recursively.
func prune(got, want any) any {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return got
		}
		out := map[string]any{}
		for k, v := range g {
			if wv, ok := w[k]; ok {
				out[k] = prune(v, wv)
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			return got
		}
		out := make([]any, len(g))
		for i := range g {
			if i < len(w) {
				out[i] = prune(g[i], w[i])
			} else {
				out[i] = g[i]
			}
		}
		return out
	}
	return got
}

func checkGoldenWith(t *testing.T, name string, got []byte, root string, diff func(want, got []byte) string) {
	t.Helper()
	got = bytes.ReplaceAll(got, []byte(root), []byte("RUNS"))
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff == nil {
		diff = func(want, got []byte) string {
			return cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n"))
		}
	}
	if d := diff(want, got); d != "" {
		t.Errorf("%s differs from the golden file (-want +got; go test -update rewrites it):\n%s", name, d)
	}
}

func TestGoldenMarkdownAndJSON(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"run", "qualification"} {
		t.Run(kind, func(t *testing.T) {
			rep, root := goldenReport(t, kind)
			var md, js bytes.Buffer
			if err := WriteMarkdown(&md, rep); err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(&js, rep); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, kind+".md.golden", md.Bytes(), root)
			checkGoldenJSON(t, kind+".json.golden", js.Bytes(), root)
		})
	}
}
