package anthropic_test

import (
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestBadNumbersNotReported: a usage count of the wrong JSON shape (2^63,
// 1e309, 3.7, "12", true, {}, []) is not reported, as if absent: the
// stream still succeeds with its text and stop reason, and a later bad
// input_tokens does not replace message_start's. Before, the event failed
// to decode and the request was a protocol error.
func TestBadNumbersNotReported(t *testing.T) {
	targettest.CheckBadNumbers(t, "Hi", targets.Final{FinishReason: "end_turn", Model: "claude", Usage: &targets.Usage{PromptTokens: 7}},
		func(t *testing.T, fill func(string) string) targettest.Result {
			r, _ := replay(t, 200, sseHeader, fill(
				"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude\",\"usage\":{\"input_tokens\":7,\"output_tokens\":{N}}}}\n\n"+
					"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"+
					"event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"input_tokens\":{N},\"output_tokens\":{N}}}\n\n"+
					"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), nil)
			return r
		})
}
