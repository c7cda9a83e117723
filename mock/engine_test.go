package mock

import (
	"context"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func engineFor(t *testing.T, cfg Config) *engine {
	t.Helper()
	s := newServer(t, cfg)
	if s.engine == nil {
		t.Fatal("no engine")
	}
	return s.engine
}

// TestStepTimeHandComputed checks the roofline against hand arithmetic.
func TestStepTimeHandComputed(t *testing.T) {
	e := engineFor(t, Config{GPU: "a100-80gb", Model: "llama-3-8b"})
	// One decoding sequence with 1000 tokens of context:
	// memory (16.06e9 + 131072·1000) / (2.039e12·0.8) = 9.925760 ms,
	// compute 2·8.03e9 / (312e12·0.6) = 0.085791 ms, + 2 ms overhead.
	if got, want := e.stepTime(0, 0, 1, 1000), 11925760*time.Nanosecond; absDur(got-want) > time.Microsecond {
		t.Errorf("decode step %v, want %v", got, want)
	}
	// A 2048-token prefill alone: compute 2·8.03e9·2048 / 1.872e14 = 175.699 ms
	// beats memory (16.06e9 + 2048·131072)/1.6312e12 = 10.0 ms; + 2 ms.
	if got, want := e.stepTime(2048, 2048, 0, 0), 177699419*time.Nanosecond; absDur(got-want) > 2*time.Microsecond {
		t.Errorf("prefill step %v, want %v", got, want)
	}
	h := engineFor(t, Config{GPU: "h100-sxm", Model: "llama-3-8b"})
	// H100: memory (16.06e9+0.131072e9)/(3.35e12·0.8) = 6.041448 ms + 2 ms.
	if got, want := h.stepTime(0, 0, 1, 1000), 8041448*time.Nanosecond; absDur(got-want) > time.Microsecond {
		t.Errorf("H100 decode step %v, want %v", got, want)
	}
	// Tensor parallel over 2 H100s: half the memory time, plus 2·32 all-reduces
	// of 8 µs + 2·(1/2)·(1·4096·2 B)/900e9 = 8.0091 µs each = 0.512583 ms.
	h2 := engineFor(t, Config{GPU: "h100-sxm", GPUs: 2, Model: "llama-3-8b"})
	if got, want := h2.stepTime(0, 0, 1, 1000), (3020724+2000000+512583)*time.Nanosecond; absDur(got-want) > time.Microsecond {
		t.Errorf("TP=2 decode step %v, want %v", got, want)
	}
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func TestPlanFit(t *testing.T) {
	h100, _ := LookupGPU("h100-sxm")
	l70, _ := LookupModel("llama-3-70b")
	_, err := PlanFit(h100, l70, 1)
	if err == nil || !strings.Contains(err.Error(), "needs 145.") || strings.Contains(err.Error(), "\n") {
		t.Errorf("70B on one H100: %v, want a one-line refusal saying it needs ~145 GB", err)
	}
	f, err := PlanFit(h100, l70, 2)
	if err != nil {
		t.Fatalf("70B on two H100s: %v", err)
	}
	// 2 · 0.9 · 81559 MiB = 153.93 GB; − 141.1 GB weights − 4.29 GB reserve = 8.54 GB of KV
	// = 26,064 tokens of 320 KiB, rounded down to a 16-token block.
	if f.KVTokens < 26000 || f.KVTokens > 26100 || f.KVTokens%KVBlockTokens != 0 {
		t.Errorf("KV tokens %d, want ≈26,064 in whole blocks", f.KVTokens)
	}
	if _, err := New(Config{GPU: "h100-sxm", Model: "llama-3-70b"}); err == nil || !strings.Contains(err.Error(), "does not fit") {
		t.Errorf("New with 70B on one H100: %v", err)
	}
	if _, err := New(Config{GPU: "b200"}); err == nil || !strings.Contains(err.Error(), `unknown GPU "b200"`) {
		t.Errorf("unknown GPU: %v", err)
	}
}

// TestKVBudgetQueues checks that requests queue when the KV cache cannot
// reserve their tokens, though the batch has room.
func TestKVBudgetQueues(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engineFor(t, Config{GPU: "a10g", Model: "llama-3-8b"})
		per := roundBlock(4000 + 4000)
		fit := e.fit.KVTokens / per // how many such requests the cache holds
		if fit < 1 || fit > 8 {
			t.Fatalf("A10G holds %d requests of 8000 tokens; test assumes a handful", fit)
		}
		var srcs []*engineSource
		for range fit + 1 {
			srcs = append(srcs, e.submit(4000, 4000, nil))
		}
		if !srcs[0].wait(t.Context(), 0) {
			t.Fatal("no first token")
		}
		st := e.stats()
		if st.Running != fit || st.Waiting != 1 {
			t.Errorf("running %d waiting %d, want %d and 1", st.Running, st.Waiting, fit)
		}
		for _, s := range srcs {
			s.release()
		}
		synctest.Wait()
		// Virtual time: long enough for a step in progress to end (a
		// prefill of three 4,000-token prompts on an A10G takes ~1.9 s).
		time.Sleep(10 * time.Second)
		if st := e.stats(); st.Running+st.Waiting != 0 || st.Busy {
			t.Errorf("after release: %+v", st)
		}
	})
}

// sweepLevel is one concurrency level's result.
type sweepLevel struct {
	concurrency int
	tokPerSec   float64
	ttftMedian  time.Duration
}

// sweep drives the engine with closed-loop clients at each concurrency,
// on synctest's virtual clock: each client submits a 512-token prompt for
// 128 output tokens and, when it finishes, the next.
func sweep(t *testing.T, gpu string, levels []int) []sweepLevel {
	var out []sweepLevel
	for _, c := range levels {
		synctest.Test(t, func(t *testing.T) {
			e := engineFor(t, Config{GPU: gpu, Model: "llama-3-8b", MaxSeqs: 32})
			const prompt, outTok = 512, 128
			perClient := max(4, 256/c)
			var mu sync.Mutex
			var ttfts []time.Duration
			start := time.Now()
			var wg sync.WaitGroup
			for range c {
				wg.Go(func() {
					for range perClient {
						sent := time.Now()
						src := e.submit(prompt, outTok, nil)
						src.wait(context.Background(), 0)
						d := time.Since(sent)
						src.wait(context.Background(), outTok-1)
						src.release()
						mu.Lock()
						ttfts = append(ttfts, d)
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start).Seconds()
			slices.Sort(ttfts)
			out = append(out, sweepLevel{c, float64(c*perClient*outTok) / elapsed, ttfts[len(ttfts)/2]})
		})
	}
	return out
}

// TestConcurrencySweepA100vsH100 is issue #3's acceptance sweep, run on
// testing/synctest's virtual clock (the engine uses time.Now and timers, so
// inside the bubble every step takes exactly its modelled time and the test
// takes milliseconds): output throughput rises then saturates once the
// 32-sequence batch is full, TTFT grows past that point, and H100's
// saturated throughput is 1.4×–2.2× A100's.
func TestConcurrencySweepA100vsH100(t *testing.T) {
	levels := []int{1, 2, 4, 8, 16, 32, 64, 128}
	a := sweep(t, "a100-80gb", levels)
	h := sweep(t, "h100-sxm", levels)
	for _, res := range [][]sweepLevel{a, h} {
		for i, l := range res {
			t.Logf("c=%3d  %8.0f tok/s  TTFT p50 %v", l.concurrency, l.tokPerSec, l.ttftMedian)
			if i == 0 {
				continue
			}
			prev := res[i-1]
			switch {
			case l.concurrency <= 32:
				if l.tokPerSec < 1.3*prev.tokPerSec {
					t.Errorf("c=%d: %.0f tok/s, not rising from %.0f", l.concurrency, l.tokPerSec, prev.tokPerSec)
				}
			default:
				if math.Abs(l.tokPerSec/prev.tokPerSec-1) > 0.1 {
					t.Errorf("c=%d: %.0f tok/s, not saturated (c=%d: %.0f)", l.concurrency, l.tokPerSec, prev.concurrency, prev.tokPerSec)
				}
				if l.ttftMedian < 2*prev.ttftMedian {
					t.Errorf("c=%d: TTFT p50 %v, not growing past the full batch (c=%d: %v)", l.concurrency, l.ttftMedian, prev.concurrency, prev.ttftMedian)
				}
			}
		}
	}
	ratio := h[len(h)-1].tokPerSec / a[len(a)-1].tokPerSec
	t.Logf("H100/A100 saturated throughput: %.2f× (bandwidth ratio %.2f×)", ratio, 3.35e12/2.039e12)
	if ratio < 1.4 || ratio > 2.2 {
		t.Errorf("H100/A100 saturated throughput %.2f×, want 1.4×–2.2×", ratio)
	}
}
