package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzLoad feeds Load arbitrary bytes, seeded with the shipped scenarios and
// the test files. Load must not panic; every error must be an *Error (or
// several joined) naming the file; and a scenario that loads must survive
// Marshal → Load unchanged.
func FuzzLoad(f *testing.F) {
	for _, name := range Shipped() {
		b, err := shipped.ReadFile(name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	seeds, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	opts := cmp.Options{cmp.AllowUnexported(Distribution{}), cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "src" }, cmp.Ignore())}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Under testdata, so the seeds' relative data files resolve.
		const name = "testdata/fuzz.yaml"
		s, err := Load(name, data)
		if err != nil {
			for _, e := range Leaves(err) {
				var pe *Error
				if !errors.As(e, &pe) || pe.File != name {
					t.Fatalf("error %q (%T) is not an *Error naming the file", e, e)
				}
			}
			return
		}
		b, err := Marshal(s)
		if err != nil {
			t.Fatalf("Marshal of a valid scenario: %v", err)
		}
		back, err := Load(name, b)
		if err != nil {
			t.Fatalf("loading what Marshal wrote: %v\n%s", err, b)
		}
		if diff := cmp.Diff(s, back, opts); diff != "" {
			t.Fatalf("round trip (-loaded +reloaded):\n%s\n%s", diff, b)
		}
	})
}

// TestMarshalKeepsControlCharacters: strings with tabs, newlines and other
// control characters survive Marshal → Load and the JSON of run.json
// (goccy/go-yaml reads a plain "a<TAB>b" back as "ab").
func TestMarshalKeepsControlCharacters(t *testing.T) {
	for _, d := range []string{"00\t0", "a\tb", "line one\nline two", "bell\a", "del\x7f", "plain text", "true", "123"} {
		s, err := Load("t.yaml", []byte("name: t\n"))
		if err != nil {
			t.Fatal(err)
		}
		s.Description = d
		b, err := Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Load("t.yaml", b)
		if err != nil || back.Description != d {
			t.Errorf("description %q → %s → %q, %v", d, b, back.Description, err)
		}
		j, err := s.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON Scenario
		if err := fromJSON.UnmarshalJSON(j); err != nil || fromJSON.Description != d {
			t.Errorf("description %q → JSON %s → %q, %v", d, j, fromJSON.Description, err)
		}
	}
}
