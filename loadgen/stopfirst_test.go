package loadgen

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// stopAtOnce is a server whose output's first token holds a stop sequence:
// it generates that token 40 ms after the request (its TTFT), streams no
// text, and finishes with the reason finish and its count of 1 output
// token, as llama-server, Ollama and vLLM do; stopped is what its adapter
// makes of the finish (targets.Final.StoppedBySequence).
type stopAtOnce struct {
	finish  string
	stopped bool
}

func (s stopAtOnce) Stream(ctx context.Context, req targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	time.Sleep(40 * time.Millisecond)
	u := &targets.Usage{PromptTokens: 9, CompletionTokens: 1}
	on(targets.Chunk{Usage: u})
	return targets.Final{FinishReason: s.finish, StoppedBySequence: s.stopped, Usage: u}, nil
}

// TestStopSequenceInTheFirstToken: a request that sent stop sequences and
// whose output ended at one in its first token is a success, its one token
// (the server's count) timed by the event that finished it: the token was
// generated then, and its text held back. It was a protocol failure, "hidden
// reasoning likely used the whole output budget; raise max tokens": a run
// with --stop " " failed every request on llama-server, Ollama and the
// mock. Whether the output ended at a stop sequence is the adapter's to
// say, in its protocol's words (Bedrock Titan's STOP_CRITERIA_MET was in
// no list the load generator kept): a finish it does not take for one, and
// an answer to a request that sent no stop sequences, stay failures.
func TestStopSequenceInTheFirstToken(t *testing.T) {
	for _, finish := range []string{"stop", "stop_sequence", "word", "STOP", "done", "STOP_CRITERIA_MET", ""} {
		synctest.Test(t, func(t *testing.T) {
			rec := runOneStop(t, stopAtOnce{finish, true}, 4, " ")
			ttft := time.Duration(rec.FirstTokenNS - rec.SentNS)
			if !rec.OK || rec.OutputTokens != 1 || ttft != 40*time.Millisecond || rec.EndNS != rec.FirstTokenNS ||
				len(rec.Chunks) != 1 || rec.Chunks[0] != [2]int64{rec.FirstTokenNS, 1} || rec.FirstContentNS != 0 {
				t.Errorf("finish %q: ok %v (%s), %d tokens, TTFT %v, chunks %v, content at %d; want a success, 1 token at 40ms, no content",
					finish, rec.OK, rec.Error, rec.OutputTokens, ttft, rec.Chunks, rec.FirstContentNS)
			}
		})
	}
	synctest.Test(t, func(t *testing.T) {
		// The model's end, told apart from a stop sequence (llama.cpp's
		// eos, TGI's eos_token, Titan's FINISH).
		if rec := runOneStop(t, stopAtOnce{"stop", false}, 4, " "); rec.OK || rec.ErrorClass != rundir.Protocol {
			t.Errorf("a finish its adapter does not take for a stop sequence: ok %v class %q; want the protocol failure", rec.OK, rec.ErrorClass)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		r := baseRunner(t, stopAtOnce{"stop", true}, Spread(0), Requests(1), Warmup(0), Concurrency(1))
		var c collect
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatal(err)
		}
		if rec := c.recs[0]; rec.OK || rec.ErrorClass != rundir.Protocol || !strings.Contains(rec.Error, "without a generated token") {
			t.Errorf("no stop sequence sent: ok %v class %q error %q; want the protocol failure", rec.OK, rec.ErrorClass, rec.Error)
		}
	})
}

// stopAfter3 streams three tokens 10 ms apart from a 50 ms TTFT; the
// fourth holds the stop sequence: generated at 80 ms, its text held back,
// it is counted in the usage of the event that finishes the stream then.
type stopAfter3 struct{}

func (stopAfter3) Stream(ctx context.Context, req targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	time.Sleep(50 * time.Millisecond)
	for k := range 3 {
		if k > 0 {
			time.Sleep(10 * time.Millisecond)
		}
		on(targets.Chunk{Content: "w"})
	}
	time.Sleep(10 * time.Millisecond)
	u := &targets.Usage{PromptTokens: 9, CompletionTokens: 4}
	on(targets.Chunk{Usage: u})
	return targets.Final{FinishReason: "stop", StoppedBySequence: true, Usage: u}, nil
}

// TestStopSequenceHeldTokenTimed: the token a stop sequence starts in,
// counted by the server but not streamed, arrived with the event that
// finished the stream: TPOT is 10 ms (30 ms over 3 gaps), and E2E ends at
// 80 ms. Left out, TPOT read 6.7 ms (20 ms over 3) and E2E 70 ms.
func TestStopSequenceHeldTokenTimed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := runOneStop(t, stopAfter3{}, 16, " sit")
		e2e, decode := time.Duration(rec.EndNS-rec.SentNS), time.Duration(rec.EndNS-rec.FirstTokenNS)
		if !rec.OK || rec.OutputTokens != 4 || e2e != 80*time.Millisecond || decode/3 != 10*time.Millisecond || len(rec.Chunks) != 4 {
			t.Errorf("ok %v, %d tokens, E2E %v, TPOT %v, chunks %v; want 4 tokens, E2E 80ms, TPOT 10ms, 4 chunks",
				rec.OK, rec.OutputTokens, e2e, decode/3, rec.Chunks)
		}
	})
}

// hiddenThenStop streams three tokens of text, then finishes by a stop
// with 503 output tokens counted: 500 of them reasoning it never streamed.
type hiddenThenStop struct{}

func (hiddenThenStop) Stream(ctx context.Context, req targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	time.Sleep(50 * time.Millisecond)
	for range 3 {
		on(targets.Chunk{Content: "w"})
		time.Sleep(10 * time.Millisecond)
	}
	u := &targets.Usage{PromptTokens: 9, CompletionTokens: 503}
	on(targets.Chunk{Usage: u})
	return targets.Final{FinishReason: "stop", StoppedBySequence: true, Usage: u}, nil
}

// TestStopHeldIsBounded: tokens counted beyond those streamed are taken as
// held back by a stop sequence only up to what one could hold (its bytes,
// and one): 500 unstreamed reasoning tokens did not all arrive with the
// finish, and given to it they would have made 500 inter-token latencies
// of 20 µs. The record keeps its 3 streamed events.
func TestStopHeldIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		if rec := runOneStop(t, hiddenThenStop{}, 600, "\n\nUser:"); !rec.OK || rec.OutputTokens != 503 || len(rec.Chunks) != 3 || time.Duration(rec.EndNS-rec.SentNS) != 70*time.Millisecond {
			t.Errorf("ok %v, %d tokens, chunks %v, E2E %v; want 503 tokens, the 3 streamed chunks, E2E 70ms",
				rec.OK, rec.OutputTokens, rec.Chunks, time.Duration(rec.EndNS-rec.SentNS))
		}
	})
}

// runOneStop sends one request of maxTokens with the stop sequence stop to
// target and returns its record.
func runOneStop(t *testing.T, target targets.Target, maxTokens int, stop string) *rundir.Record {
	t.Helper()
	r, err := New(target, Workload{Model: "m", PromptTokens: 8, MaxTokens: maxTokens, Stop: []string{stop}},
		Concurrency(1), Requests(1), Warmup(0), Level(1, 0), Spread(0))
	if err != nil {
		t.Fatal(err)
	}
	var c collect
	if _, err := run(t.Context(), r, c.add); err != nil {
		t.Fatal(err)
	}
	return c.recs[0]
}
