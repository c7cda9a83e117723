package tgi_test

import (
	"flag"
	"testing"

	"github.com/inferbench/inferbench/targets/targettest"
)

var update = flag.Bool("update", false, "rewrite testdata/ from the shared fixtures")

// testdataSources lists, for each testdata body, the fixture it comes from
// and how it was extracted (targettest.Extract's body in every case).
var testdataSources = []targettest.Source{
	{Name: "tgi-generate_stream-20-tokens-no-details", Note: "curl output, events only"},
	{Name: "tgi-generate_stream-details-single-token", Note: "cassette dump response body"},
	{Name: "tgi-generate-422-validation-error", Note: "cassette dump response body"},
	{Name: "tgi-chat-422-text-plain-deserialize-error", Note: "cassette dump response body"},
	{Name: "tgi-1.4.3-chat-stream", Note: "cassette dump response body"},
}

// TestTestdataMatchesFixtures checks that each testdata body is what its
// fixture holds, and rewrites them with -update.
func TestTestdataMatchesFixtures(t *testing.T) {
	targettest.SyncTestdata(t, *update, testdataSources)
}
