package scenarios

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestAShippedNameAsAMissingFile: --scenario nightly.yaml (or
// scenarios/nightly.yaml outside a checkout) names a file, which is not
// there; the error says the shipped scenario of that name is given without
// the .yaml. It said only "open nightly.yaml: no such file or directory",
// though `scenarios list` shows nightly.
func TestAShippedNameAsAMissingFile(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, ref := range []string{"nightly.yaml", "qualify.yml", filepath.Join("scenarios", "agent-prefix.yaml")} {
		_, err := Open(ref)
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(ref), ".yaml"), ".yml")
		if err == nil || !strings.Contains(err.Error(), "no such file") || !strings.Contains(err.Error(), "shipped scenario is named "+name+",") {
			t.Errorf("Open(%q): %v; want no such file, and the shipped %s named", ref, err, name)
		}
	}
	if _, err := Open("mine.yaml"); err == nil || strings.Contains(err.Error(), "shipped") {
		t.Errorf("Open(mine.yaml): %v; want no such file, no shipped scenario named", err)
	}
}
