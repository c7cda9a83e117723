package gemini_test

import (
	"bytes"
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
	{"gemini-alt-sse-midstream-503-raw-json-error", "bare body, as in the issue", nil},
	{"gemini-alt-sse-multi-token-chunks-thoughts-usage", "cassette dump response body, CRLF kept", nil},
	{"gemini-alt-sse-thought-parts-then-midstream-503", "bare body, as in the issue", nil},
	{"gemini-error-403-permission-denied", "httprr response body", nil},
	{"gemini-error-429-resource-exhausted-retryinfo", "bare body", nil},
	{"gemini-generateContent-nonstream", "cassette dump response body", nil},
	{"gemini-generateContent-nonstream-int-enums", "httprr response body", nil},
	{"gemini-streamGenerateContent-json-array-no-sse", "httprr response body", nil},
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
