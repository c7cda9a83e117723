package loadgen

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in       string
		i, n     int
		wantFail bool
	}{
		{"0/4", 0, 4, false}, {"3/4", 3, 4, false}, {" 0/1 ", 0, 1, false},
		{"4/4", 0, 0, true}, {"-1/4", 0, 0, true}, {"0/0", 0, 0, true}, {"1", 0, 0, true}, {"a/b", 0, 0, true},
	} {
		i, n, err := ParseShard(tc.in)
		if (err != nil) != tc.wantFail || i != tc.i || n != tc.n {
			t.Errorf("ParseShard(%q) = %d, %d, %v", tc.in, i, n, err)
		}
	}
}

// TestShardIDs: ids local·N+I are disjoint across shards and cover 0…N·k−1.
func TestShardIDs(t *testing.T) {
	seen := map[uint64]int{}
	for i := range 4 {
		s := rundir.Shard{Index: i, Count: 4}
		for local := range uint64(5) {
			id := s.GlobalID(local)
			if prev, ok := seen[id]; ok {
				t.Fatalf("id %d from shards %d and %d", id, prev, i)
			}
			seen[id] = i
			if !s.Owns(id) || (rundir.Shard{Index: (i + 1) % 4, Count: 4}).Owns(id) {
				t.Errorf("Owns(%d) wrong for shard %d", id, i)
			}
		}
	}
	for id := range uint64(20) {
		if _, ok := seen[id]; !ok {
			t.Errorf("id %d not produced", id)
		}
	}
	if (rundir.Shard{}).GlobalID(7) != 7 || !(rundir.Shard{}).Owns(7) {
		t.Error("an unsharded run keeps its ids")
	}
}

// TestShardSeed: shard 0 keeps the scenario's seed; others differ from it
// and from each other, and the derivation is stable (a pinned value: seeds
// are recorded in run.json and must reproduce across versions).
func TestShardSeed(t *testing.T) {
	if ShardSeed(42, 0) != 42 {
		t.Error("shard 0 must keep the seed")
	}
	seen := map[uint64]int{42: 0}
	for i := 1; i < 64; i++ {
		s := ShardSeed(42, i)
		if prev, ok := seen[s]; ok {
			t.Fatalf("shards %d and %d share seed %d", prev, i, s)
		}
		seen[s] = i
	}
	// ShardSeed(0, 1) is the first output of the reference SplitMix64
	// seeded with 0, 0xe220a8397b1dcdaf (Vigna's splitmix64.c).
	if got, want := ShardSeed(0, 1), uint64(0xe220a8397b1dcdaf); got != want {
		t.Errorf("ShardSeed(0, 1) = %#x; want %#x", got, want)
	}
}

// TestShardSplits checks each profile's split against hand-computed shares.
func TestShardSplits(t *testing.T) {
	w := Workload{Model: "m", PromptTokens: 8, MaxTokens: 4, Seed: 3}
	ft := &fakeTarget{}
	newShard := func(i, n int, opts ...Option) (*Runner, error) {
		sh := rundir.Shard{Index: i, Count: n, Seed: ShardSeed(3, i)}
		base := []Option{Concurrency(10), Requests(7), Warmup(2), Seed(3)}
		return New(ft, w, append(append(base, opts...), Shard(sh))...)
	}
	var conc, reqs, warm []int
	for i := range 4 {
		r, err := newShard(i, 4)
		if err != nil {
			t.Fatalf("shard %d of concurrency 10: %v", i, err)
		}
		conc, reqs, warm = append(conc, r.c.concurrency), append(reqs, r.c.requests), append(warm, r.c.warmup)
		if r.c.seed != ShardSeed(3, i) {
			t.Errorf("shard %d seed %d", i, r.c.seed)
		}
		// The shard's request for local id 1 is the unsharded request of
		// global id 1·4+i.
		got, _, _ := r.workload.Request(1)
		want, _, _ := w.Request(uint64(4 + i))
		if got.Prompt != want.Prompt || got.MaxTokens != want.MaxTokens {
			t.Errorf("shard %d local 1: prompt %.20q…; want global %d's %.20q…", i, got.Prompt, 4+i, want.Prompt)
		}
	}
	if !slices.Equal(conc, []int{3, 3, 2, 2}) || !slices.Equal(reqs, []int{2, 2, 2, 1}) || !slices.Equal(warm, []int{1, 1, 0, 0}) {
		t.Errorf("concurrency %v requests %v warm-up %v; want [3 3 2 2] [2 2 2 1] [1 1 0 0]", conc, reqs, warm)
	}

	// Concurrency 2 over 4 shards: shards 2 and 3 sit the level out; the
	// requests are split over the two that run.
	if r, err := newShard(1, 4, Concurrency(2)); err != nil || r.c.concurrency != 1 || r.c.requests != 3 {
		t.Errorf("shard 1 of concurrency 2: %v; want 1 stream and 3 requests", err)
	}
	if _, err := newShard(2, 4, Concurrency(2)); !errors.Is(err, ErrNoShare) {
		t.Errorf("shard 2 of concurrency 2: %v; want ErrNoShare", err)
	}

	// Open loop: rate divided, in-flight cap split (at least 1).
	if r, err := newShard(3, 4, Rate(10, ArrivalPoisson, 1), MaxConcurrency(2)); err != nil || r.c.rate != 2.5 || r.c.maxConcurrency != 1 || r.c.requests != 1 {
		t.Errorf("open loop shard 3: %v %+v; want rate 2.5, cap 1, 1 request", err, r)
	}

	// Trace: every 4th entry from the shard's index.
	var trace []TraceArrival
	for k := range 10 {
		trace = append(trace, TraceArrival{Offset: time.Duration(k) * time.Second, PromptTokens: 5 + k, OutputTokens: 2})
	}
	r, err := newShard(1, 4, Requests(0), Trace(trace))
	if err != nil || len(r.c.trace) != 3 || r.c.trace[0].Offset != time.Second || r.c.trace[2].Offset != 9*time.Second {
		t.Fatalf("trace shard 1: %v; want entries 1, 5, 9", err)
	}
	tr := r.c.trace
	got, est, _ := r.workload.RequestWith(2, tr[2].PromptTokens, tr[2].OutputTokens)
	want, wantEst, _ := w.RequestWith(9, 14, 2)
	if got.Prompt != want.Prompt || est != wantEst {
		t.Errorf("trace shard 1 local 2: prompt of %d tokens; want entry 9's (%d)", est, wantEst)
	}
}

// TestShardRecordIDs: a shard's records carry ids and workers in the whole
// run's space (local·N+I), so the merged run numbers them as one process.
func TestShardRecordIDs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: time.Millisecond, Tokens: 1}
		r, err := New(ft, Workload{Model: "m", PromptTokens: 8, MaxTokens: 4}, Concurrency(4), Requests(4),
			Shard(rundir.Shard{Index: 1, Count: 2}))
		if err != nil {
			t.Fatal(err)
		}
		var c collect
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatal(err)
		}
		if len(c.recs) != 2 {
			t.Fatalf("%d records; want shard 1's 2 of 4", len(c.recs))
		}
		for _, rec := range c.recs {
			if rec.ID%2 != 1 || rec.Worker%2 != 1 {
				t.Errorf("record id %d worker %d; want both ≡ 1 mod 2", rec.ID, rec.Worker)
			}
		}
	})
}

// TestShardProbeNotSized: a shard's auto-spread probe has the estimated
// prompt the unsharded run's probe has (ProbePrompt), never one sized
// exactly (Synth): sizing it counted its prompt at an id past the level's
// and moved the prompt builder's window there, so every id of the level
// was built as it was sent.
func TestShardProbeNotSized(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var sized []uint64
		w := Workload{Model: "m", PromptTokens: 8, MaxTokens: 4,
			Synth: func(id uint64, n int) (string, int, bool) {
				mu.Lock()
				sized = append(sized, id)
				mu.Unlock()
				return "sized", n, true
			},
			ProbePrompt: func(id uint64, n int) (string, int) { return "probe", n }}
		ft := &fakeTarget{TTFT: time.Millisecond, Tokens: 1}
		r, err := New(ft, w, Concurrency(4), Requests(4), Warmup(0), Spread(AutoSpread), Shard(rundir.Shard{Index: 1, Count: 2}))
		if err != nil {
			t.Fatal(err)
		}
		var c collect
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatal(err)
		}
		probes := 0
		for _, rec := range c.recs {
			if rec.Stage == rundir.StageProbe {
				probes++
				if slices.Contains(sized, rec.ID) {
					t.Errorf("the probe (id %d) was sized: %v", rec.ID, sized)
				}
			}
		}
		if probes != 1 || len(sized) != 2 {
			t.Errorf("%d probes, %d prompts sized (%v); want 1 probe and the shard's 2 requests sized", probes, len(sized), sized)
		}
	})
}

// TestShardsSending: ShardsSending is the count of shards that New gives a
// share, and they are the lowest ones: over a grid of closed and open
// levels, request counts (0: a duration) and shard counts, shard i's
// runner is refused (ErrNoShare) exactly when i is at or past it, and the
// shards that run send every request of the level between them (and hold
// every worker, where each shard with workers has requests).
func TestShardsSending(t *testing.T) {
	ft := &fakeTarget{}
	w := Workload{Model: "m", PromptTokens: 8, MaxTokens: 4}
	for _, open := range []bool{false, true} {
		for conc := 1; conc <= 6; conc++ {
			for reqs := 0; reqs <= 7; reqs++ {
				for n := 1; n <= 6; n++ {
					k := ShardsSending(conc, reqs, open, n)
					load := []Option{Concurrency(conc)}
					if open {
						load = []Option{Rate(10, ArrivalPoisson, 1)}
					}
					if reqs == 0 {
						load = append(load, Duration(time.Second))
					}
					workers, sent := 0, 0
					for i := range n {
						sh := rundir.Shard{Index: i, Count: n, Seed: ShardSeed(1, i)}
						r, err := New(ft, w, append(load, Requests(reqs), Warmup(0), Shard(sh))...)
						switch {
						case i >= k && !errors.Is(err, ErrNoShare):
							t.Errorf("open %v, concurrency %d, %d requests, shard %d of %d (ShardsSending %d): %v; want ErrNoShare", open, conc, reqs, i, n, k, err)
						case i < k && err != nil:
							t.Errorf("open %v, concurrency %d, %d requests, shard %d of %d (ShardsSending %d): %v; want it sending", open, conc, reqs, i, n, k, err)
						case err == nil:
							workers += r.c.concurrency
							sent += r.c.requests
							if reqs > 0 && r.c.requests == 0 {
								t.Errorf("open %v, concurrency %d, %d requests, shard %d of %d: runs with no request", open, conc, reqs, i, n)
							}
						}
					}
					// Workers split to a shard with no request send nothing, as
					// an unsharded level's workers past its count send nothing.
					if sent != reqs || !open && k == min(conc, n) && workers != conc {
						t.Errorf("open %v, concurrency %d, %d requests over %d shards: %d workers and %d requests sent", open, conc, reqs, n, workers, sent)
					}
				}
			}
		}
	}
}

// TestShardsInFlight: the in-flight caps New gives an open loop's shards
// add up to ShardsInFlight (the cap, or 1 a shard where the cap is below
// the shard count), each at least 1.
func TestShardsInFlight(t *testing.T) {
	ft := &fakeTarget{}
	w := Workload{Model: "m", PromptTokens: 8, MaxTokens: 4}
	for capped := 0; capped <= 7; capped++ {
		for n := 1; n <= 6; n++ {
			total := 0
			for i := range n {
				sh := rundir.Shard{Index: i, Count: n, Seed: ShardSeed(1, i)}
				r, err := New(ft, w, Rate(10, ArrivalPoisson, 1), MaxConcurrency(capped), Requests(100), Shard(sh))
				if err != nil {
					t.Fatalf("cap %d, shard %d of %d: %v", capped, i, n, err)
				}
				if capped > 0 && r.c.maxConcurrency < 1 {
					t.Errorf("cap %d, shard %d of %d: cap %d; want at least 1", capped, i, n, r.c.maxConcurrency)
				}
				total += r.c.maxConcurrency
			}
			if want := ShardsInFlight(capped, n); total != want || capped > 0 && want != max(capped, n) {
				t.Errorf("cap %d over %d shards: %d in flight; ShardsInFlight %d", capped, n, total, want)
			}
		}
	}
}
