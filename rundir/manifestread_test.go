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

// TestManifestFormat: run.json records the run directory format it was
// written in; one of a newer format is refused naming the format, the tool
// and version that wrote it, and what to do, rather than read as this one
// (its numbers could mean something else). One without the field, older
// than it, reads as format 1, as does one of this format with fields this
// version does not know.
func TestManifestFormat(t *testing.T) {
	dir := t.TempDir()
	if err := WriteManifest(dir, &Manifest{Tool: "inferbench", Version: "v1.2.3"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"format": 1,`) {
		t.Errorf("run.json written:\n%s\nwant \"format\": 1", b)
	}
	for _, tt := range []struct {
		body string
		want string // "" for read
	}{
		{`{"tool": "inferbench", "version": "v0.1"}`, ""},
		{`{"tool": "inferbench", "version": "v1", "format": 1, "new_field": {"x": 1}}`, ""},
		{`{"tool": "inferbench", "version": "v9.0.0", "format": 2}`, "run.json: run directory format 2, written by inferbench v9.0.0; this inferbench reads format 1 and older: read it with the inferbench that made it, or a newer one"},
		{`{"format": 7}`, "format 7, written by an unknown tool of unknown version"},
		{`{"tool": "inferbench", "format": -1}`, "run.json: format -1: not a run directory format"},
	} {
		if err := os.WriteFile(filepath.Join(dir, ManifestFile), []byte(tt.body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadManifest(dir)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("run.json %s: %v; want it read", tt.body, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("run.json %s: error %v; want %q", tt.body, err, tt.want)
		}
	}
}

// TestOpenRefusesNewerFormat: Open refuses a run directory whose run.json
// is of a newer format, records and all: it used to report an unreadable
// run.json's records alone, with a warning, and a newer format's records
// may mean something else.
func TestOpenRefusesNewerFormat(t *testing.T) {
	dir := t.TempDir()
	rec := `{"id":0,"stage":"measure","level":1,"sent_ns":1,"first_token_ns":2,"end_ns":3,"done_ns":3,"chunks":[[2,1],[3,1]],"output_tokens":2,"ok":true}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, RecordsFile), []byte(rec), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), []byte(`{"tool": "inferbench", "version": "v9", "format": 2}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(dir)
	if err == nil || !strings.Contains(err.Error(), "run directory format 2, written by inferbench v9") {
		t.Fatalf("Open: %+v, %v; want the directory refused for its format", r, err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), []byte(`{"tool": "inferbench", "version": "v9", "format": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err != nil {
		t.Fatalf("Open of format 1: %v", err)
	}
}
