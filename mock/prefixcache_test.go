package mock

import (
	"testing"
	"testing/synctest"
	"time"
)

// TestPrefixCacheLRU: a 3-block cache keeps the most recently used blocks;
// match counts leading blocks only.
func TestPrefixCacheLRU(t *testing.T) {
	c := newPrefixCache(3 * KVBlockTokens)
	c.insert([]uint64{1, 2, 3})
	if got := c.match([]uint64{1, 2, 9, 3}); got != 2 {
		t.Errorf("match = %d, want 2 (stops at the first miss)", got)
	}
	c.admit([]uint64{1}, 1, 40) // touches block 1: block 2 is now the oldest
	c.insert([]uint64{4})
	if c.match([]uint64{2}) != 0 || c.match([]uint64{1}) != 1 || c.match([]uint64{3, 4}) != 2 {
		t.Errorf("after evicting one block: want 2 gone, 1, 3, 4 kept")
	}
	// 40-token prompt, 1 cached block: 16 tokens skipped.
	if c.queries != 40 || c.hits != 16 {
		t.Errorf("queries %d hits %d, want 40 and 16", c.queries, c.hits)
	}
	// A fully cached prompt still computes its last token.
	if skip := c.admit([]uint64{1, 3}, 2, 32); skip != 31 {
		t.Errorf("skip = %d, want 31", skip)
	}
}

// TestBlockHasherChains: a block's hash depends on every token before it,
// and a chat role changes it; 40 words make 2 full blocks.
func TestBlockHasherChains(t *testing.T) {
	words := func(prefix string) string {
		s := prefix
		for range 39 {
			s += " w"
		}
		return s
	}
	var a, b, c blockHasher
	a.text(words("x"))
	b.text(words("y"))
	c.role("system")
	c.text(words("x"))
	if len(a.blocks) != 2 || a.n != 40 {
		t.Fatalf("%d blocks of %d tokens, want 2 of 40", len(a.blocks), a.n)
	}
	if a.blocks[1] == b.blocks[1] || a.blocks[0] == c.blocks[0] {
		t.Error("a different first token or role left a later block's hash unchanged")
	}
	var d blockHasher
	d.text(words("x"))
	if d.blocks[1] != a.blocks[1] {
		t.Error("the same tokens hash differently")
	}
}

// TestEngineSkipsCachedPrefill: on an H100 with Llama-3-8B, a 4,096-token
// prompt sent twice: the second time 4,095 tokens are cached, prefill
// shrinks to one token, and TTFT drops several-fold; the counters say
// 8,192 tokens queried, 4,095 hit. With the cache off both take as long.
func TestEngineSkipsCachedPrefill(t *testing.T) {
	for _, off := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			e := engineFor(t, Config{GPU: "h100-sxm", Model: "llama-3-8b", NoPrefixCache: off})
			var px [2]*blockHasher
			ttft := func(i int) time.Duration {
				px[i] = &blockHasher{}
				for range 4096 {
					px[i].token(7)
				}
				start := time.Now()
				src := e.submit(4096, 4, px[i])
				if !src.wait(t.Context(), 0) {
					t.Fatal("no first token")
				}
				d := time.Since(start)
				src.wait(t.Context(), 3)
				return d
			}
			first := ttft(0)
			time.Sleep(time.Second) // let the engine finish and go idle
			second := ttft(1)
			st := e.stats()
			t.Logf("cache off %v: TTFT %s then %s", off, first, second)
			if off {
				if second != first || st.PrefixQueries != 0 {
					t.Errorf("cache off: TTFT %s then %s, queries %d; want equal, 0", first, second, st.PrefixQueries)
				}
				return
			}
			if st.PrefixQueries != 8192 || st.PrefixHits != 4095 {
				t.Errorf("queries %d hits %d, want 8192 and 4095", st.PrefixQueries, st.PrefixHits)
			}
			if second*3 > first {
				t.Errorf("TTFT %s then %s: want the cached prompt at least 3× faster", first, second)
			}
		})
	}
}

// TestEngineBurstSharesPrefix: six 1,024-token prompts sharing their first
// 512 tokens arrive at once, as a trace's burst does. vLLM V1 caches a
// request's blocks when it schedules their prefill, so each request
// scheduled after the first finds the shared 512 tokens: 5 × 512 of
// 6,144 tokens hit, whether or not they share a step. Cached only once a
// prefill completed, the requests admitted in the first one's step missed.
func TestEngineBurstSharesPrefix(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engineFor(t, Config{GPU: "h100-sxm", Model: "llama-3-8b"})
		var srcs []*engineSource
		for i := range 6 {
			px := &blockHasher{}
			for range 512 {
				px.token(7)
			}
			for range 512 {
				px.token(uint32(100 + i))
			}
			srcs = append(srcs, e.submit(1024, 2, px))
		}
		for _, src := range srcs {
			if !src.wait(t.Context(), 1) {
				t.Fatal("no token")
			}
		}
		if st := e.stats(); st.PrefixQueries != 6144 || st.PrefixHits != 5*512 {
			t.Errorf("queries %d hits %d; want 6144 and 2560", st.PrefixQueries, st.PrefixHits)
		}
	})
}
