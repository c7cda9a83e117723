package targettest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// FixturesDir is where the recorded transcripts live, relative to an
// adapter's package directory (targets/NAME), when the project sits beside
// ../shared.
const FixturesDir = "../../../shared/fixtures/protocols"

// A Source says how one testdata body is made from a recorded fixture.
type Source struct {
	// Name is the testdata file, testdata/<Name>.txt.
	Name string
	// Fixture is the transcript, <FixturesDir>/<Fixture>.txt; "" means Name.
	Fixture string
	// Note says how the body was extracted, for the testdata file's header.
	Note string
	// Extract returns the body from the fixture's bytes; nil means
	// Extract's Body.
	Extract func(fixture []byte) ([]byte, error)
}

// body extracts the testdata body from the fixture's bytes.
func (s Source) body(raw []byte) ([]byte, error) {
	if s.Extract != nil {
		return s.Extract(raw)
	}
	resp, err := Extract(raw)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// SyncTestdata checks, in a subtest per source, that each testdata body is
// what its fixture holds; with update it rewrites the testdata files
// instead, each headed by a "# source:" line naming the fixture and Note. It
// skips where the shared fixtures are not beside the project: the adapters'
// tests themselves read only testdata/.
func SyncTestdata(t *testing.T, update bool, sources []Source) {
	t.Helper()
	if _, err := os.Stat(FixturesDir); err != nil {
		t.Skipf("shared fixtures not found: %v", err)
	}
	for _, src := range sources {
		fixture := src.Fixture
		if fixture == "" {
			fixture = src.Name
		}
		t.Run(src.Name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(FixturesDir, fixture+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			body, err := src.body(raw)
			if err != nil {
				t.Fatalf("extract: %v", err)
			}
			path := filepath.Join("testdata", src.Name+".txt")
			if update {
				header := fmt.Sprintf("# source: ../shared/fixtures/protocols/%s.txt (%s)\n", fixture, src.Note)
				if err := os.WriteFile(path, append([]byte(header), body...), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			got, err := ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, body) {
				t.Errorf("%s differs from its fixture; run go test -run TestTestdataMatchesFixtures -update", path)
			}
		})
	}
}
