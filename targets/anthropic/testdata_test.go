package anthropic_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/inferbench/inferbench/targets/targettest"
)

var update = flag.Bool("update", false, "rewrite testdata/ from the shared fixtures")

// fixturesDir is where the recorded transcripts live, relative to this
// package, when the project sits beside ../shared.
const fixturesDir = "../../../shared/fixtures/protocols"

// testdataSources lists, for each testdata body, the fixture it comes from
// and how it was extracted.
var testdataSources = []struct {
	name, note string
	// extract returns the body; nil means targettest.Extract's Body.
	extract func([]byte) ([]byte, error)
}{
	{"anthropic-messages-stream-with-ping", "httprr response body", nil},
	{"anthropic-messages-stream-tooluse-ratelimit-headers", "cassette dump response body", nil},
	{"anthropic-messages-nonstream", "httprr response body", nil},
	{"anthropic-error-400-invalid-request", "VCR cassette parsed_body, re-serialized as JSON", nil},
	{"anthropic-error-404-not-found", "cassette dump response body", nil},
	{"anthropic-error-529-overloaded-headers", "the JSON after 'InternalServerError: 529 ' in the SDK's printout", afterMarker("InternalServerError: 529 ")},
}

// afterMarker returns the rest of the line that holds marker.
func afterMarker(marker string) func([]byte) ([]byte, error) {
	return func(b []byte) ([]byte, error) {
		_, rest, ok := bytes.Cut(targettest.StripComments(b), []byte(marker))
		if !ok {
			return nil, errors.New("marker not found")
		}
		line, _, _ := bytes.Cut(rest, []byte("\n"))
		return append(bytes.TrimSpace(line), '\n'), nil
	}
}

// TestTestdataMatchesFixtures checks that each testdata body is what its
// fixture holds, and rewrites them with -update. It is skipped where the
// shared fixtures are not beside the project (the tests themselves read
// only testdata/).
func TestTestdataMatchesFixtures(t *testing.T) {
	if _, err := os.Stat(fixturesDir); err != nil {
		t.Skipf("shared fixtures not found: %v", err)
	}
	for _, src := range testdataSources {
		t.Run(src.name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(fixturesDir, src.name+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			var body []byte
			if src.extract != nil {
				body, err = src.extract(raw)
			} else {
				var resp *targettest.Response
				if resp, err = targettest.Extract(raw); err == nil {
					body = resp.Body
				}
			}
			if err != nil {
				t.Fatalf("extract: %v", err)
			}
			path := filepath.Join("testdata", src.name+".txt")
			if *update {
				header := fmt.Sprintf("# source: ../shared/fixtures/protocols/%s.txt (%s)\n", src.name, src.note)
				if err := os.WriteFile(path, append([]byte(header), body...), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			got, err := targettest.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, body) {
				t.Errorf("%s differs from its fixture; run go test -run TestTestdataMatchesFixtures -update", path)
			}
		})
	}
}
