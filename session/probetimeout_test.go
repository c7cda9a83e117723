package session

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/targets"
)

// hanging streams tokens tokens, then waits for the request's end and
// fails as an adapter does when its context's deadline passes.
type hanging struct{ tokens int }

func (h hanging) Stream(ctx context.Context, req targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	for range h.tokens {
		on(targets.Chunk{Content: "x"})
	}
	<-ctx.Done()
	return targets.Final{}, targets.WithCause(ctx, ctx.Err())
}

// TestProbeTimeoutSaysHowLong: a probe that got no answer (or an answer
// that stalled) says how long it waited, as a request's record does
// ("request timed out after 5s"); it said "no answer in time: vllm: read
// stream: context deadline exceeded", Go's words, and no time.
func TestProbeTimeoutSaysHowLong(t *testing.T) {
	for _, tc := range []struct {
		limit  time.Duration
		tokens int
		want   string
	}{
		{5 * time.Second, 0, "probe: no answer in 5s: "},
		{30 * time.Second, 3, "probe: no end to the stream in 30s (3 token events): "},
		{1500 * time.Millisecond, 0, "probe: no answer in 1.5s: "},
	} {
		t.Run(tc.limit.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(t.Context(), tc.limit)
				defer cancel()
				_, err := Probe(ctx, hanging{tc.tokens}, "m", targets.Redactor{})
				if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
					t.Errorf("error %v; want it to start %q", err, tc.want)
				}
			})
		})
	}
}
