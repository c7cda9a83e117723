package loadgen

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// TestRequestErrorHasNoStatus: a request the adapter could not build or
// send (a targets.RequestError: nothing was sent) has no status, whatever
// bytes went by on its context first. Bedrock's SDK fetches credentials on
// the request's context (the EC2 metadata service, which answered 403), so
// the request's trace saw bytes, and its record said status 200 beside
// "could not get AWS credentials (none sent …)".
func TestRequestErrorHasNoStatus(t *testing.T) {
	r, err := New(credentialsFirst{}, Workload{Model: "m", PromptTokens: 8, MaxTokens: 2}, Requests(1), Spread(0))
	if err != nil {
		t.Fatal(err)
	}
	var c collect
	if _, err := run(t.Context(), r, c.add); err != nil {
		t.Fatal(err)
	}
	if len(c.recs) != 1 {
		t.Fatalf("%d records, want 1", len(c.recs))
	}
	if rec := c.recs[0]; rec.ErrorClass != rundir.Request || rec.Status != 0 {
		t.Errorf("class %q, status %d (error %q); want request, status 0", rec.ErrorClass, rec.Status, rec.Error)
	}
}

// credentialsFirst reads a body on the request's context (as an SDK's
// credential fetch does) and then fails before sending the request.
type credentialsFirst struct{}

func (credentialsFirst) Stream(ctx context.Context, _ targets.Request, _ func(targets.Chunk)) (targets.Final, error) {
	body := targets.FirstByteBody(ctx, io.NopCloser(strings.NewReader(`{"Code":"Forbidden"}`)))
	_, _ = io.ReadAll(body)
	return targets.Final{}, targets.RequestErrorf("could not get credentials (none sent)")
}
