package bedrock_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/bedrock"
)

// TestSDKWritesNothingToStderr: with no credentials anywhere, the SDK
// falls back from IMDSv2 to IMDSv1 and logs a WARN line of its own to
// stderr, which tears the live view; the failure must reach the caller as
// the Stream's error only, and as a request that was never sent.
func TestSDKWritesNothingToStderr(t *testing.T) {
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "forbidden", http.StatusForbidden)
	}))
	defer imds.Close()
	t.Setenv("AWS_EC2_METADATA_DISABLED", "false")
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = w
	tg, err := bedrock.New(bedrock.Config{Endpoint: "http://127.0.0.1:1", Region: "us-east-1"})
	if err == nil {
		_, err = tg.Stream(context.Background(), targets.Request{Model: "anthropic.claude-3-haiku-20240307-v1:0", Prompt: "p", MaxTokens: 4}, func(targets.Chunk) {})
	}
	os.Stderr = stderr
	w.Close()
	printed, _ := io.ReadAll(r)
	if err == nil {
		t.Fatal("Stream succeeded with no credentials")
	}
	// Nothing reached Bedrock: the metadata service's 403 is not Bedrock's
	// answer (it read "key rejected: http 403" once).
	var re *targets.RequestError
	if !errors.As(err, &re) || errors.As(err, new(*targets.HTTPError)) {
		t.Errorf("err = %T %v, want a *targets.RequestError (nothing sent), not an HTTP error", err, err)
	}
	if len(printed) > 0 {
		t.Errorf("stderr got %q; want nothing (the error is %v)", printed, err)
	}
}
