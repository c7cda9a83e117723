package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/prompt"
	"github.com/inferbench/inferbench/tokenizer"
)

// TestPromptSizingTokenizer: with Mistral's tokenizer.json (a BOS on every
// prompt, words of one or more tokens), every prompt of a run, prebuilt or
// built during the load, counts exactly its shared prefix plus its own
// length, and starts with its group's prefix; groups come from the seed.
func TestPromptSizingTokenizer(t *testing.T) {
	const path = "../tokenizer/testdata/mistral.json.gz"
	tok, err := tokenizer.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	o := &Options{Kind: "openai", Model: "m", PromptSizing: SizingTokenizer, Tokenizer: path, Seed: 7,
		Concurrency: 1, Requests: 6, Warmup: 1, PromptTokens: 40, SharedPrefixTokens: 30, PrefixGroups: 3}
	if err := o.preparePrompts(context.Background(), nil, nil, io.Discard); err != nil {
		t.Fatal(err)
	}
	z := o.sizing
	defer z.close()
	if z.source != prompt.SourceTokenizer || len(z.prefixes) != 3 {
		t.Fatalf("source %s, %d prefixes; want tokenizer, 3", z.source, len(z.prefixes))
	}
	waitBuilt(t, z, 63) // the window, 64 prompts, built ahead of the load
	for _, p := range z.prefixes {
		if n := tok.Count(p, true); n != 30 {
			t.Errorf("prefix %q counts %d, want 30", p, n)
		}
	}
	synth, group, _ := o.synthHooks()
	groups := map[int]bool{}
	for _, id := range []uint64{0, 1, 2, 3, 4, 5, 6, 100} { // 100: past the window
		n := 40 + int(id%3)
		text, tokens, sized := synth(id, n)
		g := group(id)
		groups[g] = true
		if got := tok.Count(text, true); got != 30+n || tokens != 30+n || !sized {
			t.Errorf("request %d: counts %d (reported %d, sized %v), want %d sized", id, got, tokens, sized, 30+n)
		}
		if g < 1 || g > 3 || !strings.HasPrefix(text, z.prefixes[g-1]+" ") {
			t.Errorf("request %d: group %d, prompt does not start with its prefix", id, g)
		}
		if again, _, _ := synth(id, n); again != text {
			t.Errorf("request %d: a second build differs", id)
		}
	}
	waitBuilt(t, z, 163) // the prefetcher follows the highest id sent: 100 + the window
	if len(groups) < 2 {
		t.Errorf("every request drew group %v: the seed does not spread them", groups)
	}
	if z.failures() != "" {
		t.Errorf("failures: %s", z.failures())
	}
}

// TestPromptSizingEstimate: estimate with no prefix leaves the load
// generator's own prompts (no hooks); with a prefix, the estimate joins
// PrefixTokens words and PromptTokens words.
func TestPromptSizingEstimate(t *testing.T) {
	o := &Options{Kind: "openai", PromptSizing: SizingEstimate, Requests: 2, Concurrency: 1, PromptTokens: 5}
	if err := o.preparePrompts(context.Background(), nil, nil, io.Discard); err != nil {
		t.Fatal(err)
	}
	if s, g, _ := o.synthHooks(); s != nil || g != nil || o.sizing.source != prompt.SourceEstimated {
		t.Fatalf("estimate without a prefix: hooks set or source %s", o.sizing.source)
	}
	o = &Options{Kind: "openai", PromptSizing: SizingEstimate, Requests: 2, Concurrency: 1, PromptTokens: 5, SharedPrefixTokens: 3}
	if err := o.preparePrompts(context.Background(), nil, nil, io.Discard); err != nil {
		t.Fatal(err)
	}
	synth, group, _ := o.synthHooks()
	text, n, sized := synth(9, 5)
	if words := len(strings.Fields(text)); words != 8 || n != 8 || group(9) != 1 || sized {
		t.Fatalf("prompt %q: %d words, %d tokens, group %d, sized %v; want 8, 8, 1, estimated", text, words, n, group(9), sized)
	}
}

// tokenizerSizing prepares the prompts of a closed loop of concurrency
// streams and requests requests of 20 tokens, sized by a local tokenizer,
// and returns their sizing, closed at the test's end.
func tokenizerSizing(t *testing.T, concurrency, requests int) *sizing {
	t.Helper()
	o := &Options{Kind: "openai", Model: "m", PromptSizing: SizingTokenizer, Tokenizer: "../tokenizer/testdata/mistral.json.gz",
		Seed: 7, Concurrency: concurrency, Requests: requests, PromptTokens: 20}
	if err := o.preparePrompts(context.Background(), nil, nil, io.Discard); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(o.sizing.close)
	return o.sizing
}

// waitBuilt waits for the prefetcher to build request id's prompt (a
// minute at most: a hang, not a speed limit).
func waitBuilt(t *testing.T, z *sizing, id uint64) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		z.mu.Lock()
		_, ok := z.built[id]
		z.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the prompt of request %d was never built ahead", id)
		}
	}
}

// TestPrefetchFollowsAJump: when the ids sent jump ahead of the window (a
// session level starts at its first request id, sessions using far fewer
// ids than requests), the prefetcher builds the window after the highest
// id sent, not every id skipped: no count is spent on prompts no request
// will take.
func TestPrefetchFollowsAJump(t *testing.T) {
	z := tokenizerSizing(t, 1, 2000)
	waitBuilt(t, z, 63)
	z.synth(1000, 20)
	waitBuilt(t, z, 1063)
	z.mu.Lock()
	defer z.mu.Unlock()
	for id := range z.built {
		if id > 63 && id <= 1000 {
			t.Fatalf("prompt %d built: the prefetcher filled the jump", id)
		}
	}
	if n := len(z.built); n != 64+63 {
		t.Errorf("%d prompts built ahead, want 64 before the jump and 1001–1063", n)
	}
}

// TestFirstWaveBuiltBeforeTheLoad: a closed loop's workers all send at
// once, so their prompts are built before the load starts — the whole
// window, at least one wave of the widest level (up to maxWave) — and not
// counted inside the measured window; an open loop keeps a second of its
// highest rate built ahead, and builds it first.
func TestFirstWaveBuiltBeforeTheLoad(t *testing.T) {
	for _, tt := range []struct {
		o            Options
		window, wave uint64
	}{
		{Options{Concurrency: 8}, 64, 64},
		{Options{Concurrency: 300}, 1024, 1024},
		{Options{Sweep: []int{1, 64, 2000}}, 2000, 2000},
		{Options{Concurrency: 20000}, maxWave, maxWave},
		{Options{Rates: []float64{50}, MaxConcurrency: 300}, 1024, 50},
		{Options{Rates: []float64{2}}, 64, prebuildWorkers},
		{Options{Rates: []float64{100, 2000.5}}, 2001, 2001},
		{Options{Rates: []float64{1e6}}, maxWave, maxWave},
		{Options{Rates: []float64{5000}, Requests: 100}, 100, 100},
	} {
		if w := tt.o.prefetchWindow(); w != tt.window || tt.o.firstWave(w) != tt.wave {
			t.Errorf("%+v: window %d, first wave %d; want %d, %d", tt.o, w, tt.o.firstWave(w), tt.window, tt.wave)
		}
	}
	z := tokenizerSizing(t, 300, 3000)
	z.mu.Lock()
	n := len(z.built)
	z.mu.Unlock()
	if n < 1024 {
		t.Errorf("%d prompts built when the load may start; want the window, 1024", n)
	}
}

// TestTokenizerFileCheckedBesideTheServer: --tokenizer FILE given while the
// server's tokenize endpoint counts is read and compared, not passed over:
// a file that is no tokenizer is refused (an input error), one that counts
// as the server does is said to, and one that counts otherwise is warned
// of; the server's count sizes the prompts in both. It was never opened.
func TestTokenizerFileCheckedBesideTheServer(t *testing.T) {
	const file = "../tokenizer/testdata/mistral.json.gz"
	mistral, err := tokenizer.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	// A vLLM /tokenize that counts with count(text).
	serve := func(count func(string) int) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var req struct {
				Prompt string `json:"prompt"`
			}
			if r.URL.Path != "/tokenize" || json.NewDecoder(r.Body).Decode(&req) != nil {
				http.NotFound(w, r)
				return
			}
			fmt.Fprintf(w, `{"count":%d,"max_model_len":8192}`, count(req.Prompt))
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	same := serve(func(s string) int { n, _ := mistral.CountTokens(context.Background(), s); return n })
	other := serve(func(s string) int { return 2 + len(strings.Fields(s)) }) // a word count: not Mistral's
	bad := filepath.Join(t.TempDir(), "tokenizer.json")
	if err := os.WriteFile(bad, []byte(`{"a": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		url, tokenizer, want string
		input                bool
	}{
		{same, file, "prompt sizing: server-tokenize (--tokenizer mistral.json.gz counts as the server does on a check text", false},
		{other, file, "prompt sizing: server-tokenize (warning: --tokenizer mistral.json.gz is not the served model's tokenizer: it counts", false},
		{same, bad, "--tokenizer: ", true},
	} {
		o := &Options{Kind: "vllm", URL: c.url, Model: "m", Tokenizer: c.tokenizer, Seed: 7, Concurrency: 1, Requests: 4,
			PromptTokens: 20, Timeout: 10 * time.Second}
		var log strings.Builder
		err := o.preparePrompts(t.Context(), http.DefaultClient, nil, &log)
		var ie *InputError
		switch {
		case c.input && (!errors.As(err, &ie) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v; want an input error with %q", c.tokenizer, err, c.want)
		case !c.input && (err != nil || !strings.Contains(log.String(), c.want) || o.sizing.source != prompt.SourceServerTokenize):
			t.Errorf("%s at %s: %v, log %q; want %q and sizing by the server", c.tokenizer, c.url, err, log.String(), c.want)
		}
		if o.sizing != nil {
			o.sizing.close()
		}
	}
}
