package anthropic_test

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
	{Name: "anthropic-messages-stream-with-ping", Note: "httprr response body"},
	{Name: "anthropic-messages-stream-tooluse-ratelimit-headers", Note: "cassette dump response body"},
	{Name: "anthropic-messages-nonstream", Note: "httprr response body"},
	{Name: "anthropic-error-400-invalid-request", Note: "VCR cassette parsed_body, re-serialized as JSON"},
	{Name: "anthropic-error-404-not-found", Note: "cassette dump response body"},
	{Name: "anthropic-error-529-overloaded-headers", Note: "the JSON after 'InternalServerError: 529 ' in the SDK's printout", Extract: afterMarker("InternalServerError: 529 ")},
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
// fixture holds, and rewrites them with -update.
func TestTestdataMatchesFixtures(t *testing.T) {
	targettest.SyncTestdata(t, *update, testdataSources)
}
