package session

import (
	"context"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
)

// probeCapLine probes u and returns the verdict's output cap line.
func probeCapLine(t *testing.T, u usageStream) string {
	t.Helper()
	_, l := probeLine(t, u, "output cap")
	return strings.TrimSpace(strings.TrimPrefix(l, "output cap"))
}

// TestProbeCapDoubtsAFarCount: a server saying 5000 output tokens for 5
// token-bearing events made the probe say "NO: asked for 8, got 5000: the
// server ignores the output cap", taking the count a run's table doubts
// (more than rundir.MaxTokensPerEvent an event) as a fact. It says what
// that table says: the count is suspect; by the stream the cap held, or
// (20 events) did not.
func TestProbeCapDoubtsAFarCount(t *testing.T) {
	twenty := openAIFinal(5000)
	twenty.lines = append(append([]string{}, twenty.lines[:5]...), twenty.lines...)
	twenty.lines = append(append([]string{}, twenty.lines[:10]...), twenty.lines...)
	for _, c := range []struct {
		name string
		u    usageStream
		want string
	}{
		{"5 events, 5000", openAIFinal(5000), "unsure: asked for 8, the server counted 5000, 1000.0 per token-bearing event (5 events), more than 16, a count a run's table warns of; its stream carried 5 tokens, within the cap: if the count is right, the server ignores the output cap (if this is Ollama: its OpenAI-compatible chat ignores max_completion_tokens; use --target ollama), so a run would do other work than its scenario"},
		{"20 events, 5000", twenty, "NO: asked for 8, its stream carried 20 tokens (the server counted 5000, 250.0 per token-bearing event, more than 16, a count a run's table warns of): the server ignores the output cap"},
		{"5 events, 80", openAIFinal(80), "NO: asked for 8, got 80: the server ignores the output cap"},
		{"5 events, 6", openAIFinal(6), "yes: 6 of at most 8"},
	} {
		if got := probeCapLine(t, c.u); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: output cap %q\nwant %q", c.name, got, c.want)
		}
	}
}

// farCountTimeout streams 5 tokens, then times out with a usage of 5000.
type farCountTimeout struct{}

func (farCountTimeout) Stream(ctx context.Context, req targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	for range 5 {
		on(targets.Chunk{Content: "x"})
	}
	return targets.Final{Usage: &targets.Usage{CompletionTokens: 5000}}, context.DeadlineExceeded
}

// TestProbeErrorDoubtsAFarCount: a probe that failed after 5 events whose
// usage said 5000 added "the stream had run past its max tokens (5000 >
// 8)": its stream had 5 tokens.
func TestProbeErrorDoubtsAFarCount(t *testing.T) {
	_, err := Probe(t.Context(), farCountTimeout{}, "m", targets.Redactor{})
	if err == nil || strings.Contains(err.Error(), "run past its max tokens") {
		t.Errorf("error %v; want one that does not say the stream ran past its cap", err)
	}
}
