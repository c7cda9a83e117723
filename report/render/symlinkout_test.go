package render

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteReplacesLinksInsteadOfWritingThroughThem: a report directory
// whose report.md, a figure or a vLLM result file is a symbolic link to
// some other file gets a file of its own in the link's place; the file the
// link pointed to is left as it was. Writing through the link (os.WriteFile)
// let `report --out DIR` overwrite any file the user could write, wherever
// a link in DIR pointed.
func TestWriteReplacesLinksInsteadOfWritingThroughThem(t *testing.T) {
	root := t.TempDir()
	rep := a100Report(t, root)
	out := filepath.Join(root, "out")
	for _, d := range []string{PlotsDir, VLLMDir} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The first run's vLLM result file is named after its label and level.
	vllmName := filepath.Join(VLLMDir, rep.Runs[0].Label+"-1.json")
	links := []string{MarkdownFile, filepath.Join(PlotsDir, "timeline.svg"), vllmName}
	const kept = "the victim's own contents\n"
	for i, name := range links {
		victim := filepath.Join(root, "victim"+string(rune('0'+i)))
		if err := os.WriteFile(victim, []byte(kept), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(victim, filepath.Join(out, name)); err != nil {
			t.Fatal(err)
		}
	}
	files, err := Write(out, rep, []string{"md", VLLM})
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range links {
		victim := filepath.Join(root, "victim"+string(rune('0'+i)))
		if b, err := os.ReadFile(victim); err != nil || string(b) != kept {
			t.Errorf("%s: the file its link pointed to now holds %d bytes (%v); want it untouched", name, len(b), err)
		}
		if fi, err := os.Lstat(filepath.Join(out, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		} else if !fi.Mode().IsRegular() {
			t.Errorf("%s: mode %v; want a regular file of the report's own (written: %d files)", name, fi.Mode(), len(files))
		}
	}
}
