package gemini_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/targets"
)

// TestTextAfterFinishIsNoToken: Gemini's stream has no terminator, so
// the candidate's finishReason ends the generation; text a server sends
// after it (tokens past the end, a second answer) is not counted as
// generated, while a later usage still is the server's count. Before,
// every later event was a token: 50 of them after a finished stream of 2.
func TestTextAfterFinishIsNoToken(t *testing.T) {
	body := data(`{"candidates":[{"content":{"parts":[{"text":"a"}],"role":"model"}}]}`) +
		data(`{"candidates":[{"content":{"parts":[{"text":"b"}],"role":"model"},"finishReason":"STOP"}]}`) +
		strings.Repeat(data(`{"candidates":[{"content":{"parts":[{"text":"zzz"}],"role":"model"}}]}`), 50) +
		data(`{"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2}}`)
	r, _ := replay(t, 200, sseHeader, body, nil)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	var tokens int
	for _, c := range r.Chunks {
		if c.HasToken() {
			tokens++
		}
	}
	if tokens != 2 {
		t.Errorf("%d token events; want 2 (none after finishReason STOP)", tokens)
	}
	want := targets.Final{Usage: &targets.Usage{PromptTokens: 4, CompletionTokens: 2}, FinishReason: "STOP"}
	if diff := cmp.Diff(want, r.Final); diff != "" {
		t.Errorf("final (-want +got):\n%s", diff)
	}
}
