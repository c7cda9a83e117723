package rendertest

import (
	"math"
	"math/rand/v2"
	"os"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// Large describes a large synthetic run for measuring the report's memory
// and time: one closed-loop level of Concurrency workers, Records records
// (the first Warmup of them warm-ups), each of OutputTokens tokens streamed
// mostly one per event. Nothing but run.json and requests.jsonl is
// written: the records are what grows with a run.
type Large struct {
	Seed                      uint64
	Records, Warmup           int
	Concurrency, OutputTokens int
	// FailEvery makes every FailEvery-th measured request fail; 0 never.
	FailEvery int
}

// DefaultLarge is a run of n records of 64 output tokens at concurrency 64.
func DefaultLarge(n int) Large {
	return Large{Seed: 3, Records: n, Warmup: min(n/100, 1000), Concurrency: 64, OutputTokens: 64, FailEvery: 500}
}

// WriteLarge writes the run directory dir (created if needed) for l. Its
// records are those a real run writes (rundir's record writer), with
// seeded TTFTs and gaps; the same Large gives the same bytes.
func WriteLarge(dir string, l Large) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rw, err := rundir.CreateRecordWriter(dir)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(l.Seed, 0x1a2))
	workers := make([]int64, max(1, l.Concurrency))
	for w := range workers {
		workers[w] = int64(w) * 1e6
	}
	var end int64
	rec := &rundir.Record{}
	for n := range l.Records {
		w := n % len(workers)
		fillLarge(rec, l, rng, uint64(n), w, workers[w])
		if err := rw.Write(rec); err != nil {
			rw.Close()
			return err
		}
		workers[w] = rec.DoneNS
		end = max(end, rec.DoneNS)
	}
	if err := rw.Close(); err != nil {
		return err
	}
	spec := Spec{Model: "llama-3-8b", Levels: []int{l.Concurrency}, Requests: l.Records - l.Warmup, Warmup: l.Warmup,
		OutputTokens: l.OutputTokens, InputTokens: 256, Start: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), Host: "loadgen-1"}
	return writeManifest(dir, spec, uint64(l.Records), end)
}

// fillLarge makes rec the n-th record of l, sent by worker w at sent.
func fillLarge(rec *rundir.Record, l Large, rng *rand.Rand, n uint64, w int, sent int64) {
	chunks := rec.Chunks[:0]
	*rec = rundir.Record{ID: n, Level: float64(l.Concurrency), Worker: w, ScheduledNS: sent, SentNS: sent, Stage: rundir.StageMeasure}
	if int(n) < l.Warmup {
		rec.Stage = rundir.StageWarmup
	}
	noise := func() float64 { return math.Exp(rng.NormFloat64() * 0.2) }
	ttft := int64(50e6 * noise())
	rec.HeadersNS = sent + ttft/3
	if l.FailEvery > 0 && int(n)%l.FailEvery == l.FailEvery-1 {
		rec.Status, rec.ErrorClass, rec.Error = 503, rundir.HTTP5xx, "503 Service Unavailable: engine overloaded"
		rec.EndNS, rec.DoneNS = rec.HeadersNS, rec.HeadersNS+1e5
		rec.Chunks = chunks
		return
	}
	rec.FirstByteNS = sent + ttft - 2e5
	at := sent + ttft
	rec.FirstTokenNS, rec.FirstContentNS = at, at
	chunks = append(chunks, [2]int64{at, 1})
	for out := 1; out < l.OutputTokens; {
		k := 1
		if rng.IntN(20) == 0 && out+2 <= l.OutputTokens {
			k = 2
		}
		at += int64(12e6*noise()) * int64(k)
		chunks = append(chunks, [2]int64{at, int64(k)})
		out += k
	}
	rec.Chunks = chunks
	rec.EndNS, rec.DoneNS = at, at+3e5
	rec.OK, rec.Status = true, 200
	rec.InputTokens, rec.OutputTokens = 256, l.OutputTokens
	rec.InputTokensSource, rec.OutputTokensSource = rundir.SourceServer, rundir.SourceServer
	rec.FinishReason = "length"
}
