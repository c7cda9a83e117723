package archtest

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The Makefile's FUZZ_TARGETS (what CI fuzzes) names exactly the fuzz
// functions in the tree: a moved or renamed target fails here, not in CI's
// fuzz step, and a new one cannot be left out.
func TestFuzzTargetsListed(t *testing.T) {
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?ms)^FUZZ_TARGETS :=(.*?)\n[^\t\n][^\n]*\n`).FindSubmatch(mk)
	if m == nil {
		t.Fatal("no FUZZ_TARGETS in the Makefile")
	}
	listed := strings.Fields(strings.ReplaceAll(string(m[1]), "\\", " "))
	fuzzFunc := regexp.MustCompile(`(?m)^func (Fuzz\w+)\(`)
	var found []string
	err = filepath.WalkDir("../..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("../..", filepath.Dir(p))
		for _, f := range fuzzFunc.FindAllSubmatch(b, -1) {
			found = append(found, "./"+filepath.ToSlash(rel)+":"+string(f[1]))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(listed)
	slices.Sort(found)
	for _, f := range listed {
		if !slices.Contains(found, f) {
			t.Errorf("Makefile FUZZ_TARGETS lists %s, which does not exist", f)
		}
	}
	for _, f := range found {
		if !slices.Contains(listed, f) {
			t.Errorf("fuzz target %s is not in the Makefile's FUZZ_TARGETS", f)
		}
	}
	// README's make fuzz line says how many there are (it said 26, then
	// 27, while the Makefile listed one more).
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	said := regexp.MustCompile(`(?m)^make fuzz .*?(\d+) targets`).FindSubmatch(readme)
	if said == nil || string(said[1]) != strconv.Itoa(len(listed)) {
		t.Errorf("README's make fuzz line says %q targets; the Makefile lists %d", said, len(listed))
	}
}
