package tgi_test

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
// and how it was extracted (targettest.Extract's body in every case).
var testdataSources = []struct{ name, note string }{
	{"tgi-generate_stream-20-tokens-no-details", "curl output, events only"},
	{"tgi-generate_stream-details-single-token", "cassette dump response body"},
	{"tgi-generate-422-validation-error", "cassette dump response body"},
	{"tgi-chat-422-text-plain-deserialize-error", "cassette dump response body"},
	{"tgi-1.4.3-chat-stream", "cassette dump response body"},
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
			resp, err := targettest.Extract(raw)
			if err != nil {
				t.Fatalf("extract: %v", err)
			}
			path := filepath.Join("testdata", src.name+".txt")
			if *update {
				header := fmt.Sprintf("# source: ../shared/fixtures/protocols/%s.txt (%s)\n", src.name, src.note)
				if err := os.WriteFile(path, append([]byte(header), resp.Body...), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			got, err := targettest.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, resp.Body) {
				t.Errorf("%s differs from its fixture; run go test -run TestTestdataMatchesFixtures -update", path)
			}
		})
	}
}
