package ollama_test

import (
	"bytes"
	"errors"
	"flag"
	"testing"

	"github.com/inferbench/inferbench/targets/targettest"
)

var update = flag.Bool("update", false, "rewrite testdata/ from the shared fixtures")

// testdataSources lists, for each testdata body, the fixture it comes from
// and how it was extracted.
var testdataSources = []targettest.Source{
	{Name: "ollama-generate-stream", Note: "httprr response body, chunked encoding removed"},
	{Name: "ollama-generate-nonstream", Note: "httprr response body"},
	{Name: "ollama-generate-stream-midstream-error-docs", Note: "the lines of the docs' first json code block", Extract: firstCodeBlock},
	{Name: "ollama-stream-docs-final-chunk-carries-text", Note: "the lines of the docs' first json code block", Extract: firstCodeBlock},
}

// firstCodeBlock returns the lines inside the first ```json block of a
// Markdown page.
func firstCodeBlock(b []byte) ([]byte, error) {
	_, rest, ok := bytes.Cut(targettest.StripComments(b), []byte("```json\n"))
	if !ok {
		return nil, errors.New("no ```json block")
	}
	block, _, ok := bytes.Cut(rest, []byte("```"))
	if !ok {
		return nil, errors.New("unterminated ```json block")
	}
	return block, nil
}

// TestTestdataMatchesFixtures checks that each testdata body is what its
// fixture holds, and rewrites them with -update.
func TestTestdataMatchesFixtures(t *testing.T) {
	targettest.SyncTestdata(t, *update, testdataSources)
}
