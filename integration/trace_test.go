//go:build integration

package integration

import (
	"os"
	"path/filepath"
	"testing"
)

// A Mooncake trace's shared prompt blocks on the real server: the four
// requests the mock's test replays (cmd/inferbench's
// TestRunTraceBlocksHitThePrefixCache: 1,536 of 3,500 prompt tokens hit
// its prefix cache) name blocks [0 1 2], [0 1 3], [0 4] and [5] of 512
// tokens, 3 s apart so that each finds the slots idle. llama-server gives
// a request the slot whose cached prompt it shares most with and reports
// the tokens it reused (timings.cache_n, the record's
// cached_input_tokens): the second request reuses exactly the first's two
// shared blocks, 1,024 tokens, and the third block 0, 512 — the blocks
// end at k·512 by the server's own count, its BOS included (before the
// blocks after the first were sized for it, it found 1,023). The prompts
// are the completions API's raw text, unique to the run (no --seed: a
// second run would find them all cached); the words after the blocks may
// match another prompt's by chance (one word in 60 is the same), so a
// reuse may run a few tokens on, never short.
func TestLlamaCppTraceSharedBlocks(t *testing.T) {
	url := serverURL(t, "INFERBENCH_LLAMACPP_SMALL_URL")
	trace := filepath.Join(t.TempDir(), "mooncake.jsonl")
	lines := `{"timestamp": 0, "input_length": 1300, "output_length": 8, "hash_ids": [0, 1, 2]}
{"timestamp": 3000, "input_length": 1200, "output_length": 8, "hash_ids": [0, 1, 3]}
{"timestamp": 6000, "input_length": 700, "output_length": 8, "hash_ids": [0, 4]}
{"timestamp": 9000, "input_length": 300, "output_length": 8, "hash_ids": [5]}
`
	if err := os.WriteFile(trace, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runBench(t, "--target", "llamacpp", "--url", url, "--model", "small", "--api", "completions",
		"--warmup", "0", "--spread", "0", "--dataset", "trace:"+trace)
	checkComplete(t, r, 4, 8)
	want := map[int]int{1300: 0, 1200: 1024, 700: 512, 300: 0} // by prompt length: its shared blocks' tokens
	const chance = 3                                           // tokens a chance match may add (and a slot's BOS)
	var cached int64
	for _, rec := range r.records {
		w, ok := want[rec.RequestedInputTokens]
		if !ok || rec.InputTokens != rec.RequestedInputTokens {
			t.Fatalf("record %d: %d prompt tokens asked, %d by the server; want the trace's lengths, exact", rec.ID, rec.RequestedInputTokens, rec.InputTokens)
		}
		t.Logf("%d tokens: %d reused from the server's cache", rec.InputTokens, rec.CachedInputTokens)
		cached += int64(rec.CachedInputTokens)
		if rec.CachedInputTokens < w || rec.CachedInputTokens > w+chance {
			t.Errorf("the %d-token request reused %d cached tokens; want %d, its shared blocks (up to %d more by chance)",
				rec.InputTokens, rec.CachedInputTokens, w, chance)
		}
	}
	if got := r.sum.Levels[0].CachedInputTokens; got != cached {
		t.Errorf("summary: %d cached input tokens; the records say %d", got, cached)
	}
}
