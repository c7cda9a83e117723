package render

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
)

// TestCommandWritesOutControlCharactersOfDirectoryNames: report's terminal
// output (the warnings on stderr, the "== LABEL (DIR)" lines on stdout) of
// two runs whose directory names carry an ANSI escape holds no escape byte;
// the names are written out. Before, a warning naming such a directory
// (here: it has no run.json) reached the terminal raw.
func TestCommandWritesOutControlCharactersOfDirectoryNames(t *testing.T) {
	root := t.TempDir()
	var dirs []string
	for _, name := range []string{"a\x1b[31m", "b\x1b]0;title\x07"} {
		dir := filepath.Join(root, name)
		if err := rendertest.WriteRun(dir, rendertest.A100()); err != nil {
			t.Fatal(err)
		}
		os.Remove(filepath.Join(dir, rundir.ManifestFile))
		dirs = append(dirs, dir)
	}
	var stdout, stderr bytes.Buffer
	if err := Command(dirs, "", nil, Options{Version: "test", Resamples: 50}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Errorf("%s holds an escape byte:\n%q", name, out)
		}
	}
	if !strings.Contains(stderr.String(), `a\x1b[31m: no run.json`) {
		t.Errorf("stderr does not name the directory written out:\n%s", stderr.String())
	}
}
