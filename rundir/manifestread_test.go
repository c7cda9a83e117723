package rundir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadManifestRefusesWhatIsNoManifest: a run.json that is valid JSON
// but no object (null, a list) is refused, as a cut-short one is; null
// decoded into an empty manifest and `report` printed "run , 0 records,
// started 0001-01-01", `history add` stored a run of no model. A value of
// the wrong type is named by its field and place in the file, in words,
// not Go's ("Go struct field Manifest.records of type int64").
func TestReadManifestRefusesWhatIsNoManifest(t *testing.T) {
	for _, tt := range []struct {
		body string
		want []string
	}{
		{"null\n", []string{"run.json: not a JSON object"}},
		{"  [1, 2]", []string{"run.json: not a JSON object"}},
		{`"x"`, []string{"run.json: not a JSON object"}},
		{"{\"tool\": \"inferbench\",\n \"records\": \"many\"}", []string{"run.json:2:", "records", "a JSON string"}},
		{`{"tool": "inferbench", "start": 5}`, []string{"run.json: start: want a time such as"}},
		{`{"end": "yesterday"}`, []string{"run.json: end: want a time such as"}},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ManifestFile), []byte(tt.body), 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := ReadManifest(dir)
		if err == nil {
			t.Errorf("run.json %q: read as %+v; want an error", tt.body, m)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("run.json %q: %q; want it to say %q", tt.body, err, w)
			}
		}
		if s := err.Error(); strings.Contains(s, "Go ") || strings.Contains(s, "rundir.") || strings.Contains(s, "int64") || strings.Contains(s, "UnmarshalJSON") || strings.Contains(s, "parsing time") {
			t.Errorf("run.json %q: %q speaks Go", tt.body, s)
		}
	}
}
