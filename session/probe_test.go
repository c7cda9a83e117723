package session

import (
	"context"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
)

// capIgnorer streams tokens tokens whatever max tokens says, then ends
// cleanly or, with timeout, fails as a request past its deadline does.
type capIgnorer struct {
	tokens  int
	timeout bool
}

func (c capIgnorer) Stream(ctx context.Context, req targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	for range c.tokens {
		on(targets.Chunk{Content: "x"})
	}
	if c.timeout {
		return targets.Final{}, context.DeadlineExceeded
	}
	return targets.Final{FinishReason: "stop"}, nil
}

// TestProbeFlagsPastMaxTokens (issue 20 item 22): the probe asks for
// ProbeMaxTokens; a server that sends 20 is flagged in the verdict when the
// stream ends well and in the error when it times out; one within the cap
// says so.
func TestProbeFlagsPastMaxTokens(t *testing.T) {
	res, err := Probe(t.Context(), capIgnorer{tokens: 20}, "m")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	res.Write(&b, ProbeSubject{Model: "m"})
	if !strings.Contains(b.String(), "output cap       NO: asked for 8, got 20") {
		t.Errorf("verdict does not flag 20 > 8 tokens:\n%s", b.String())
	}
	_, err = Probe(t.Context(), capIgnorer{tokens: 20, timeout: true}, "m")
	if err == nil || !strings.Contains(err.Error(), "run past its max tokens (20 > 8)") || strings.Contains(err.Error(), "\n") {
		t.Errorf("timed-out probe: error %v; want one line flagging 20 > 8 tokens", err)
	}
	res, err = Probe(t.Context(), capIgnorer{tokens: 3}, "m")
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	res.Write(&b, ProbeSubject{Model: "m"})
	if !strings.Contains(b.String(), "output cap       yes: 3 of at most 8") {
		t.Errorf("verdict:\n%s", b.String())
	}
}
