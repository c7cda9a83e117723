package loadgen

import (
	"context"
	"testing"

	"github.com/inferbench/inferbench/targets"
)

// decreasing streams three events whose cumulative counts went 5, 3, 4
// (the adapter's increases 5, 0, 1) and says so, with a final count of 10.
type decreasing struct{}

func (decreasing) Stream(ctx context.Context, req targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	on(targets.Chunk{Content: "a", Tokens: 5})
	on(targets.Chunk{Content: "b"})
	on(targets.Chunk{Content: "c", Tokens: 1})
	return targets.Final{FinishReason: "length", Usage: &targets.Usage{CompletionTokens: 10}, UsageDecreased: true}, nil
}

// TestRecordSaysUsageDecreased: what the adapter said of its cumulative
// count reaches the record, which a report's bound reads
// (rundir.Record.BoundOutputTokens): the per-event counts dropped, the
// final count kept.
func TestRecordSaysUsageDecreased(t *testing.T) {
	r := baseRunner(t, decreasing{}, Spread(0), Requests(1), Warmup(0), Concurrency(1))
	var c collect
	if _, err := run(t.Context(), r, c.add); err != nil {
		t.Fatal(err)
	}
	rec := c.recs[0]
	if !rec.UsageDecreased || rec.OutputTokens != 10 {
		t.Fatalf("record usage_decreased %v, output tokens %d; want true, 10", rec.UsageDecreased, rec.OutputTokens)
	}
	b, ob := rec.BoundOutputTokens()
	if !ob.Dropped || !ob.Decreased || b.OutputTokens != 10 || b.Chunks[0][1] != 1 {
		t.Errorf("bound %+v, output %d, chunks %v; want the counts dropped to one an event, 10 kept", ob, b.OutputTokens, b.Chunks)
	}
}
