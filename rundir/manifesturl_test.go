package rundir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadManifestRedactsURLPassword: a run.json whose target URL holds a
// password (run writes it redacted; this one was edited) is read with the
// password masked, so no report prints it. Before, report's target line
// showed it.
func TestReadManifestRedactsURLPassword(t *testing.T) {
	dir := t.TempDir()
	body := `{"tool":"inferbench","target":{"kind":"vllm","url":"http://user:hunter2@127.0.0.1:8000","model":"m"}}`
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.Target.URL, "hunter2") || !strings.Contains(m.Target.URL, "127.0.0.1:8000") {
		t.Errorf("target URL %q; want the password masked", m.Target.URL)
	}
}
