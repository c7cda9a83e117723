package gemini_test

import (
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestBadNumbersNotReported: a usageMetadata count of the wrong JSON shape
// (2^63, 1e309, 3.7, "12", true, {}, []) is not reported, as if absent,
// and the stream still succeeds with its text, its finish reason and the
// counts that were right. Before, the event failed to decode and the
// request was a protocol error.
func TestBadNumbersNotReported(t *testing.T) {
	targettest.CheckBadNumbers(t, "Hi!", targets.Final{FinishReason: "STOP", Usage: &targets.Usage{PromptTokens: 4}},
		func(t *testing.T, fill func(string) string) targettest.Result {
			r, _ := replay(t, 200, sseHeader, fill(
				data(`{"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"}}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":{N}}}`)+
					data(`{"candidates":[{"content":{"parts":[{"text":"!"}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":{N},"thoughtsTokenCount":{N},"totalTokenCount":{N}}}`)), nil)
			return r
		})
}
