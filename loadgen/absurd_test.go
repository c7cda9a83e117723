package loadgen

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// absurd streams three tokens, one event claiming 2^62 of them, and ends
// with a usage, a cache count and server timings no server can have.
type absurd struct{}

func (absurd) Stream(ctx context.Context, req targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	on(targets.Chunk{Content: "a"})
	on(targets.Chunk{Content: "b", Tokens: 1 << 62})
	on(targets.Chunk{Content: "c", Tokens: -7})
	return targets.Final{
		FinishReason: "length",
		Usage:        &targets.Usage{PromptTokens: math.MaxInt64, CompletionTokens: math.MaxInt64},
		CachedTokens: -3,
		Server:       &targets.ServerTiming{Prompt: -5 * time.Millisecond, Decode: 40 * time.Millisecond, Total: math.MinInt64, Load: math.MaxInt64},
	}, nil
}

// TestAbsurdServerCountsAreDropped: counts no model can produce (more than
// MaxServerTokens, or negative) and negative server timings are dropped,
// never recorded: the record keeps what was counted and estimated, and
// the timings the server gave that can be true. Before, the record said
// 9223372036854775807 output tokens from the server, and the summary
// summed them (overflowing).
func TestAbsurdServerCountsAreDropped(t *testing.T) {
	r := baseRunner(t, absurd{}, Spread(0), Requests(1), Warmup(0), Concurrency(1))
	var c collect
	if _, err := run(t.Context(), r, c.add); err != nil {
		t.Fatal(err)
	}
	rec := c.recs[0]
	if !rec.OK {
		t.Fatalf("record failed: %s", rec.Error)
	}
	if rec.OutputTokens != 3 || rec.OutputTokensSource != rundir.SourceCounted {
		t.Errorf("output tokens %d (%s); want 3 counted (one per event: a count of 2^62 or -7 is none)", rec.OutputTokens, rec.OutputTokensSource)
	}
	if rec.InputTokens != 8 || rec.InputTokensSource != rundir.SourceEstimated || rec.CachedInputTokens != 0 {
		t.Errorf("input tokens %d (%s), cached %d; want the 8 estimated, none cached", rec.InputTokens, rec.InputTokensSource, rec.CachedInputTokens)
	}
	if len(rec.Chunks) != 3 || rec.Chunks[1][1] != 1 {
		t.Errorf("chunks %v; want 3 of one token each", rec.Chunks)
	}
	if s := rec.Server; s == nil || s.Prompt != 0 || s.Total != 0 || s.Load != 0 || s.Decode != 40*time.Millisecond {
		t.Errorf("server timing %+v; want only the decode time (40ms), the negative ones and 292 years dropped", s)
	}
}

// TestDropAbsurdLeavesNoEmptyTiming: a server timing whose every value was
// negative is none (nil), not an empty "server": {} in the record.
func TestDropAbsurdLeavesNoEmptyTiming(t *testing.T) {
	f := targets.Final{Server: &targets.ServerTiming{Load: -1, Prompt: -5, Decode: -5, Total: -5}}
	DropAbsurd(&f)
	if f.Server != nil {
		t.Errorf("server timing %+v; want nil", *f.Server)
	}
}

// TestAbsurdBounds: the bounds themselves are counts and durations a
// server can report, one past them is not (hand-set values on each side).
func TestAbsurdBounds(t *testing.T) {
	for n, want := range map[int]int{MaxServerTokens: MaxServerTokens, MaxServerTokens + 1: 1, 0: 1, -1: 1, 7: 7} {
		if got := EventTokens(n); got != want {
			t.Errorf("EventTokens(%d) = %d; want %d", n, got, want)
		}
	}
	f := targets.Final{
		Usage:        &targets.Usage{PromptTokens: MaxServerTokens + 1, CompletionTokens: MaxServerTokens},
		CachedTokens: MaxServerTokens + 1,
		Server:       &targets.ServerTiming{Total: MaxServerDuration, Decode: MaxServerDuration + 1},
	}
	DropAbsurd(&f)
	if f.Usage.PromptTokens != 0 || f.Usage.CompletionTokens != MaxServerTokens || f.CachedTokens != 0 {
		t.Errorf("usage %+v, cached %d; want the prompt count past the bound dropped, the completion count at it kept, no cached count", *f.Usage, f.CachedTokens)
	}
	if f.Server == nil || f.Server.Total != MaxServerDuration || f.Server.Decode != 0 {
		t.Errorf("server timing %+v; want the total at the bound (24h) kept, the decode past it dropped", f.Server)
	}
}
