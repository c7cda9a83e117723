package gemini_test

import (
	"flag"
	"testing"

	"github.com/inferbench/inferbench/targets/targettest"
)

var update = flag.Bool("update", false, "rewrite testdata/ from the shared fixtures")

// testdataSources lists, for each testdata body, the fixture it comes from
// and how it was extracted.
var testdataSources = []targettest.Source{
	{Name: "gemini-alt-sse-midstream-503-raw-json-error", Note: "bare body, as in the issue"},
	{Name: "gemini-alt-sse-multi-token-chunks-thoughts-usage", Note: "cassette dump response body, CRLF kept"},
	{Name: "gemini-alt-sse-thought-parts-then-midstream-503", Note: "bare body, as in the issue"},
	{Name: "gemini-error-403-permission-denied", Note: "httprr response body"},
	{Name: "gemini-error-429-resource-exhausted-retryinfo", Note: "bare body"},
	{Name: "gemini-generateContent-nonstream", Note: "cassette dump response body"},
	{Name: "gemini-generateContent-nonstream-int-enums", Note: "httprr response body"},
	{Name: "gemini-streamGenerateContent-json-array-no-sse", Note: "httprr response body"},
}

// TestTestdataMatchesFixtures checks that each testdata body is what its
// fixture holds, and rewrites them with -update.
func TestTestdataMatchesFixtures(t *testing.T) {
	targettest.SyncTestdata(t, *update, testdataSources)
}
