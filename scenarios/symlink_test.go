package scenarios

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSymlinkedScenarioFindsItsFiles: a scenario reached through a
// symbolic link finds the files it names relative to where it is written,
// the file the link points to, as they were found before it was linked
// (and as a C compiler's #include "x.h" and git's relative include.path
// resolve against the file that says them). Before, they were looked for
// next to the link: `scenarios validate link2.yaml` (-> sc/e_good.yaml)
// said "emp/good.txt: no such file", the file being in sc/emp/. A file
// still missing is told with the absolute path looked for.
func TestSymlinkedScenarioFindsItsFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Skip("no symbolic links here:", err)
		}
	}
	write("sc/s.yaml", "name: e\nload: {concurrency: 1, requests: 2}\nworkload:\n  prompt_tokens: {dist: empirical, file: emp/good.txt}\n")
	write("sc/emp/good.txt", "100\n200\n")
	write("sc/m.yaml", "name: m\nload: {concurrency: 1, requests: 2}\nworkload:\n  prompt_tokens: {dist: empirical, file: emp/none.txt}\n")
	link("sc/s.yaml", "link.yaml")
	link("../sc/s.yaml", "sub/link.yaml")
	link("link.yaml", "chain.yaml") // a link to a link
	link("sc/m.yaml", "m.yaml")
	t.Chdir(dir)
	for _, name := range []string{"link.yaml", "sub/link.yaml", "chain.yaml", filepath.Join(dir, "link.yaml")} {
		s, err := LoadFile(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := s.Workload.PromptTokens.values; !cmp.Equal(got, []int{100, 200}) {
			t.Errorf("%s: lengths %v, want [100 200]", name, got)
		}
		if abs, _ := filepath.Abs(s.Path("emp/good.txt")); abs != filepath.Join(dir, "sc/emp/good.txt") {
			t.Errorf("%s: Path(emp/good.txt) = %s, want %s", name, abs, filepath.Join(dir, "sc/emp/good.txt"))
		}
		if s.File() != name {
			t.Errorf("File() = %q; want %q, the name given", s.File(), name)
		}
	}
	_, err := LoadFile("m.yaml")
	want := "m.yaml:4:42: workload.prompt_tokens.file: sc/emp/none.txt: no such file (looked for " + filepath.Join(dir, "sc/emp/none.txt") + ")"
	if err == nil || err.Error() != want {
		t.Errorf("a missing file:\n got %v\nwant %s", err, want)
	}
}

// TestScenarioInALinkedDirectory: only the scenario file is followed
// through its links, not the directories on its way. With proj/sc a link
// to shared/sc, a scenario proj/sc/e.yaml naming ../data/l.txt finds
// proj/data/l.txt, as it did before links were followed; resolving every
// link on the path (filepath.EvalSymlinks) looked in shared/data.
func TestScenarioInALinkedDirectory(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"shared/sc/e.yaml": "name: e\nload: {concurrency: 1, requests: 2}\nworkload:\n  prompt_tokens: {dist: empirical, file: ../data/l.txt}\n",
		"proj/data/l.txt":  "100\n200\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(dir, "shared/sc"), filepath.Join(dir, "proj/sc")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	s, err := LoadFile(filepath.Join(dir, "proj/sc/e.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Workload.PromptTokens.values; !cmp.Equal(got, []int{100, 200}) {
		t.Errorf("lengths %v; want [100 200], proj/data/l.txt's", got)
	}
}
