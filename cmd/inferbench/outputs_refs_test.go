package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompareOutputsCiteOnlyWhatReadersCanFind (issue #20 item 15): what
// compare writes — text, Markdown, JSON on stdout, the --markdown and
// --junit files — and the vLLM-format export pass the same checks as the
// other commands' outputs (TestOutputsCiteOnlyWhatReadersCanFind).
func TestCompareOutputsCiteOnlyWhatReadersCanFind(t *testing.T) {
	a100, h100 := reportRuns(t)
	dir := t.TempDir()
	md, junit := filepath.Join(dir, "compare.md"), filepath.Join(dir, "compare.xml")
	var outs []string
	for _, c := range []struct {
		name string
		args []string
	}{
		{"compare (text)", []string{"compare", "--resamples", "200", "--markdown", md, "--junit", junit, a100, h100}},
		{"compare --format md", []string{"compare", "--resamples", "200", "--format", "md", a100, h100}},
		{"data: compare --format json", []string{"compare", "--resamples", "200", "--format", "json", a100, h100}},
		{"report --format vllm", []string{"report", "--format", "vllm", "--out", filepath.Join(dir, "vllm"), a100, h100}},
	} {
		out, err := costRunApp(t, c.args...)
		if err != nil && !strings.Contains(err.Error(), "regress") {
			t.Fatalf("inferbench %s: %v", c.name, err)
		}
		if strings.TrimSpace(out) == "" && c.args[0] == "compare" {
			t.Fatalf("inferbench %s: no output", c.name)
		}
		outs = append(outs, c.name+"\n"+out)
	}
	files := []string{md, junit}
	vllm, err := filepath.Glob(filepath.Join(dir, "vllm", "*", "*.json"))
	if err != nil || len(vllm) == 0 {
		vllm, _ = filepath.Glob(filepath.Join(dir, "vllm", "*.json"))
	}
	if len(vllm) == 0 {
		t.Fatalf("report --format vllm wrote no JSON under %s", filepath.Join(dir, "vllm"))
	}
	for _, f := range append(files, vllm...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		if strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".xml") {
			name = "data: " + name
		}
		outs = append(outs, name+"\n"+string(b))
	}
	var written []string
	for _, f := range append(files, vllm...) {
		written = append(written, filepath.Base(f))
	}
	assertReadable(t, outs, written...)
}
