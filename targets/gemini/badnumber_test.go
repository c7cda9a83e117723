package gemini_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestBadNumbersNotReported: a usageMetadata count of the wrong JSON shape
// (2^63, 1e309, 3.7, "12", true, {}, []) is not reported, as if absent,
// and the stream still succeeds with its text, its finish reason and the
// counts that were right. Before, the event failed to decode and the
// request was a protocol error.
func TestBadNumbersNotReported(t *testing.T) {
	for _, bad := range targettest.BadInts {
		t.Run(bad, func(t *testing.T) {
			body := strings.ReplaceAll(
				data(`{"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"}}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":{N}}}`)+
					data(`{"candidates":[{"content":{"parts":[{"text":"!"}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":{N},"thoughtsTokenCount":{N},"totalTokenCount":{N}}}`),
				"{N}", bad)
			r, _ := replay(t, 200, sseHeader, body, nil)
			if r.Err != nil {
				t.Fatalf("%s: %v", bad, r.Err)
			}
			if r.TokenChunks() != 2 || r.Chunks[0].Content+r.Chunks[1].Content != "Hi!" {
				t.Errorf("chunks %+v; want Hi and !", r.Chunks)
			}
			want := targets.Final{FinishReason: "STOP", Usage: &targets.Usage{PromptTokens: 4}}
			if diff := cmp.Diff(want, r.Final); diff != "" {
				t.Errorf("%s: final (-want +got):\n%s", bad, diff)
			}
		})
	}
}
