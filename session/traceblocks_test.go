package session

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/prompt"
	"github.com/inferbench/inferbench/tokenizer"
)

// TestTraceBlocksShareText: a Mooncake trace's hash_ids are replayed as
// text. Each whole block (512 tokens) that more than one request names is
// the same text in each of their prompts, so a server's prefix cache finds
// what the trace's own prompts shared; after the shared blocks come the
// next block's words up to the prompt's length, which stays exact
// (Mistral's tokenizer.json: a BOS on every prompt, words of one or more
// tokens). A line naming more blocks than its length holds keeps those
// that fit. Before, every prompt was its own words and shared nothing.
func TestTraceBlocksShareText(t *testing.T) {
	const path = "../tokenizer/testdata/mistral.json.gz"
	tok, err := tokenizer.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	trace := []loadgen.TraceArrival{{PromptTokens: 1300}, {PromptTokens: 1200}, {PromptTokens: 700}, {PromptTokens: 600}, {PromptTokens: 40}}
	blocks := [][]uint64{{7, 8, 9}, {7, 8, 10}, {7, 11}, {7, 8, 9, 10}, nil}
	o := &Options{Kind: "openai", Model: "m", PromptSizing: SizingTokenizer, Tokenizer: path, Seed: 7,
		Trace: trace, TraceBlocks: blocks, PromptTokens: 128}
	if err := o.preparePrompts(context.Background(), nil, nil, io.Discard); err != nil {
		t.Fatal(err)
	}
	z := o.sizing
	defer z.close()
	waitBuilt(t, z, 4)
	synth, _, _ := o.synthHooks()
	if synth == nil {
		t.Fatal("no synth hook: the trace's blocks would not be used")
	}
	text := make([]string, len(trace))
	for id, a := range trace {
		var n int
		var sized bool
		text[id], n, sized = synth(uint64(id), a.PromptTokens)
		if got := tok.Count(text[id], true); got != a.PromptTokens || n != a.PromptTokens || !sized {
			t.Errorf("request %d: counts %d (reported %d, sized %v); want %d sized", id, got, n, sized, a.PromptTokens)
		}
	}
	// Only the blocks more than one request names whole are texts of their
	// own (7 by four, 8 by two); 9, 10 and 11 are their requests' words.
	z.mu.Lock()
	kept := len(z.blockText)
	_, has7 := z.blockText[blockKey{7, true}]
	_, has8 := z.blockText[blockKey{8, false}]
	z.mu.Unlock()
	if kept != 2 || !has7 || !has8 {
		t.Errorf("%d block texts kept (7 leading: %v, 8 after it: %v); want blocks 7 and 8 only", kept, has7, has8)
	}
	block := func(h uint64, lead bool) string {
		s, err := z.textOfBlock(h, lead)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// Mistral's tokenizer adds a BOS to every text: block 7 leads, 512
	// tokens with it; block 8 follows it and adds 512, so the two end at
	// token 1,024 as the trace puts them (alone, 513 with its BOS).
	b7, b8 := block(7, true), block(8, false)
	if z.joinTok != 1 {
		t.Errorf("join overhead %d tokens; want 1 (Mistral's BOS)", z.joinTok)
	}
	for _, c := range []struct {
		text string
		want int
	}{{b7, 512}, {b7 + " " + b8, 1024}, {b8, 513}} {
		if n := tok.Count(c.text, true); n != c.want {
			t.Errorf("%.20q… counts %d; want %d", c.text, n, c.want)
		}
	}
	for id, want := range map[int]string{0: b7 + " " + b8 + " ", 1: b7 + " " + b8 + " ", 2: b7 + " ", 3: b7 + " "} {
		if !strings.HasPrefix(text[id], want) {
			t.Errorf("request %d does not start with its whole blocks' text", id)
		}
	}
	// 600 tokens hold one whole block: block 8 is request 3's last, its
	// words, not block 8's whole text.
	if strings.HasPrefix(text[3], b7+" "+b8) {
		t.Error("request 3 holds block 8 whole in 600 tokens")
	}
	if strings.HasPrefix(text[2], b7+" "+b8) || text[0] == text[1] {
		t.Error("requests that part after block 7 or 8 say the same there")
	}
	if strings.HasPrefix(text[4], b7) {
		t.Error("a request naming no block starts with one")
	}
	// By the estimate (a token a word), the same blocks' words.
	o2 := &Options{Kind: "openai", Model: "m", PromptSizing: SizingEstimate, Seed: 7, Trace: trace, TraceBlocks: blocks, PromptTokens: 128}
	if err := o2.preparePrompts(context.Background(), nil, nil, io.Discard); err != nil {
		t.Fatal(err)
	}
	synth2, _, _ := o2.synthHooks()
	if synth2 == nil || o2.sizing.source != prompt.SourceEstimated {
		t.Fatal("estimate: no synth hook")
	}
	e0, _, sized0 := synth2(0, 1300)
	e1, _, sized1 := synth2(1, 1200)
	if sized0 || sized1 {
		t.Errorf("estimated block prompts said sized: %v, %v", sized0, sized1)
	}
	w0, w1 := strings.Fields(e0), strings.Fields(e1)
	if len(w0) != 1300 || len(w1) != 1200 || strings.Join(w0[:1024], " ") != strings.Join(w1[:1024], " ") || w0[1024] == w1[1024] {
		t.Errorf("estimate: %d and %d words, sharing the first 1024: %v; want 1300, 1200, sharing exactly blocks 7 and 8",
			len(w0), len(w1), strings.Join(w0[:1024], " ") == strings.Join(w1[:1024], " "))
	}
}

// TestTraceMedians: a trace run's typical lengths (the spread's probe,
// prompt-sizing calibration) are its arrivals' medians, the lower middle
// of an even count; the scenario gives none beside a trace.
func TestTraceMedians(t *testing.T) {
	tr := []loadgen.TraceArrival{{PromptTokens: 900, OutputTokens: 5}, {PromptTokens: 10, OutputTokens: 50}, {PromptTokens: 300, OutputTokens: 500}}
	if p, o := traceMedians(tr); p != 300 || o != 50 {
		t.Errorf("medians of three: %d, %d; want 300, 50", p, o)
	}
	if p, o := traceMedians(append(tr, loadgen.TraceArrival{PromptTokens: 20, OutputTokens: 7})); p != 20 || o != 7 {
		t.Errorf("medians of four: %d, %d; want the lower middle 20, 7", p, o)
	}
}

// TestSharedPrompts: run.json's load.shared_prompts names each way the
// prompts share text by design, in one order, and nothing for prompts of
// their own (the --seed cache warning reads it).
func TestSharedPrompts(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{}, ""},
		{Options{sizing: &sizing{}}, ""},
		{Options{sizing: &sizing{uses: map[uint64]int32{3: 1}}}, ""},
		{Options{sizing: &sizing{prefixTokens: 100, uses: map[uint64]int32{3: 1, 4: 2}}}, "shared prefixes, trace blocks"},
		{Options{Sessions: &loadgen.Sessions{}, sizing: &sizing{prefixTokens: 100}}, "shared prefixes, session turns"},
	} {
		if got := c.o.sharedPrompts(); got != c.want {
			t.Errorf("sharedPrompts = %q; want %q", got, c.want)
		}
	}
}
