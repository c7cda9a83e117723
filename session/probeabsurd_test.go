package session

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/targets"
)

// absurdUsage streams two tokens, one event claiming 2^62, and ends with
// a usage and timings no server can have.
type absurdUsage struct{}

func (absurdUsage) Stream(ctx context.Context, req targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	on(targets.Chunk{Content: "a"})
	on(targets.Chunk{Content: "b", Tokens: 1 << 62})
	return targets.Final{FinishReason: "length",
		Usage:  &targets.Usage{PromptTokens: math.MaxInt64, CompletionTokens: math.MaxInt64},
		Server: &targets.ServerTiming{Decode: -time.Second}}, nil
}

// TestProbeDropsAbsurdCounts: the probe judges what a run would record, so
// it drops what loadgen drops (loadgen.DropAbsurd): before, it said "usage
// reported yes: 9223372036854775807 … output tokens will be the server's
// count" and that the server ignored the output cap, while the run counts
// events.
func TestProbeDropsAbsurdCounts(t *testing.T) {
	res, err := Probe(t.Context(), absurdUsage{}, "m", targets.Redactor{})
	if err != nil {
		t.Fatal(err)
	}
	if res.UsageReported() || res.Counted != 2 {
		t.Errorf("usage %+v reported %v, counted %d; want no usage and 2 counted", *res.Usage, res.UsageReported(), res.Counted)
	}
	if n, past := res.PastMaxTokens(); past {
		t.Errorf("past max tokens with %d; want not", n)
	}
	if res.Server != nil && res.Server.Decode != 0 {
		t.Errorf("server timing %+v; want the negative decode time dropped", *res.Server)
	}
}

// TestProbeSaysUsageDropped: a server that reports an output count no
// stream can have (-5, 2^63−1) did report usage; the verdict said "usage
// reported  no: output tokens will be counted from events", as of a server
// that sends none, and the user could not tell a server to fix from one
// that reports nothing. It says the count and that it was dropped.
func TestProbeSaysUsageDropped(t *testing.T) {
	res, err := Probe(t.Context(), absurdUsage{}, "m", targets.Redactor{})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	res.Write(&out, ProbeSubject{Model: "m"})
	want := "usage reported   no usable count: the server said 9223372036854775807 output tokens, which no stream has (dropped): output tokens will be counted from events (2 here)"
	if !strings.Contains(out.String(), want) {
		t.Errorf("verdict:\n%s\nwant the line %q", out.String(), want)
	}
}
