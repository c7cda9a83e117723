package compare

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A thresholds file with nothing in it (truncated in CI, or only comments)
// was taken as no thresholds at all: the defaults judged the runs and no
// one heard the file was empty. It is refused, in one line naming it.
func TestThresholdsEmptyFileRefused(t *testing.T) {
	for _, data := range []string{"", "\n", "   \n\n", "# thresholds\n# ttft_p95: 5%\n", "---\n"} {
		_, err := LoadThresholds("ci/thresholds.yaml", []byte(data))
		if err == nil {
			t.Errorf("LoadThresholds(%q) accepted an empty file", data)
			continue
		}
		if msg := err.Error(); msg != "ci/thresholds.yaml: empty: no thresholds" {
			t.Errorf("LoadThresholds(%q) = %q; want %q", data, msg, "ci/thresholds.yaml: empty: no thresholds")
		}
	}
	// The command says it before reading a run.
	dir := t.TempDir()
	path := filepath.Join(dir, "thresholds.yaml")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	err := Gate(GateOptions{Baseline: filepath.Join(dir, "no-base"), Candidate: filepath.Join(dir, "no-cand"), Thresholds: path, Format: "text"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), path+": empty: no thresholds") || strings.Contains(err.Error(), "\n") {
		t.Errorf("Gate with an empty thresholds file: %v; want one line naming %s, empty", err, path)
	}
}
