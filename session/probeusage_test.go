package session

import (
	"strings"
	"testing"
)

// TestProbeSaysUsageDecreased: vLLM's continuous usage going 5, 3, 4 and
// then 10 on a usage-only chunk gave per-event counts 5, 0 (1), 1, under
// the final count, and the probe said "yes: 10 prompt, 10 output tokens"
// with nothing on the impossible sequence. It says the count went down
// and that each event will count one token, as a run's report drops them.
func TestProbeSaysUsageDecreased(t *testing.T) {
	l := []string{openAIChunk("t", "", 5), openAIChunk("t", "", 3), openAIChunk("t", "", 4),
		openAIChunk("", "length", -1), openAIChunk("", "", 10), "data: [DONE]\n\n"}
	res, line := probeVerdict(t, usageStream{"vllm", "chat", "text/event-stream", l})
	want := "yes: 10 prompt, 10 output tokens: output tokens will be the server's count; its cumulative count went down during the stream, which is impossible (a token generated is not taken back): its per-event counts (the increases) are not to be trusted, each event will count one token"
	if !strings.Contains(line, want) {
		t.Errorf("usage line %q\nwant %q", line, want)
	}
	if !res.Bound.Dropped || !res.Bound.Decreased || res.tokens() != 3 {
		t.Errorf("bound %+v, tokens %d; want the counts dropped, 3 tokens (one an event)", res.Bound, res.tokens())
	}
}
