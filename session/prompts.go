package session

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/inferbench/inferbench/prompt"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/registry"
	"github.com/inferbench/inferbench/targets/tokenize"
	"github.com/inferbench/inferbench/tokenizer"
)

// The prompt sizings (--prompt-sizing, workload.prompt_sizing).
const (
	SizingAuto      = "auto"
	SizingServer    = "server"
	SizingTokenizer = "tokenizer"
	SizingEstimate  = "estimate"
)

// calibrationRequests is the number of requests a calibration sends
// (with prompts of different lengths, so that the fit has a slope).
const calibrationRequests = 3

// maxWindow bounds the prompts kept built ahead of the load, unless one
// wave of a closed-loop level needs more (up to maxWave).
const maxWindow = 1024

// maxWave bounds the prompts built for one wave of workers: a level of more
// streams builds the rest of its first wave as they are sent.
const maxWave = 16384

// prebuildWorkers is how many prompts are built at once.
const prebuildWorkers = 8

// prefixStream separates the prefixes' word streams from the requests'.
const prefixStream = 0x7f4a7c159e3779b9

// blockStream separates a trace's prompt blocks' word streams (one per
// hash id) from the requests' and the prefixes'.
const blockStream = 0x2545f4914f6cdd1d

// sizing is how this run's synthetic prompts are made: the method chosen,
// why, the shared prefixes, and the prompts built ahead.
type sizing struct {
	source  prompt.Source
	note    string
	builder *prompt.Builder     // exact methods
	cal     *prompt.Calibration // calibrated
	ctx     context.Context

	seed         uint64
	prefixTokens int
	prefixes     []string // one per group
	prefixWords  int      // words of a calibrated prefix

	// blocks are a trace's prompt blocks by request id (Options.TraceBlocks,
	// nil without); uses counts the requests naming each block whole
	// (shareBlocks), and blockText keeps the text of each block more than
	// one names, by its id and whether it leads its prompt (blockKey).
	// joinTok is what a text counts alone beyond what it adds after
	// another (the BOS a counter adds: joinOverhead).
	blocks    [][]uint64
	blockTok  int // tokens a block (Options.TraceBlockTokens)
	uses      map[uint64]int32
	blockText map[blockKey]string
	joinTok   int

	// The prompts built ahead (prebuild): lengthOf gives an id's length,
	// next is the next id to build, high the highest id sent; wake tells
	// the prefetcher that high moved, stop ends it.
	lengthOf   func(uint64) (int, bool)
	window     uint64
	next, high uint64
	wake       chan struct{}
	stop       context.CancelFunc

	mu     sync.Mutex
	built  map[uint64]prompt.Prompt
	failed int64
	first  error // the first build failure during the load
}

// words is request id's word stream.
func (z *sizing) words(id uint64) prompt.Words { return prompt.Words{Seed: z.seed, Stream: id} }

// group returns the prefix group (from 1) of request id, drawn from the
// seed; 0 without shared prefixes.
func (z *sizing) group(id uint64) int {
	if len(z.prefixes) == 0 {
		return 0
	}
	if len(z.prefixes) == 1 {
		return 1
	}
	rng := rand.New(rand.NewPCG(z.seed^prefixStream, id))
	return 1 + rng.IntN(len(z.prefixes))
}

// synth returns request id's prompt of n tokens of its own (after the
// shared prefix, if any), the prompt's total length as established, and
// whether that length was counted (loadgen.Workload.Synth): by the server's
// tokenize endpoint or a tokenizer, not calibrated, estimated, or built by
// the estimate after its count failed.
func (z *sizing) synth(id uint64, n int) (string, int, bool) {
	want := z.prefixTokens + n
	z.mu.Lock()
	p, ok := z.built[id]
	delete(z.built, id)
	z.high = max(z.high, id)
	z.mu.Unlock()
	if z.wake != nil {
		select {
		case z.wake <- struct{}{}:
		default:
		}
	}
	if ok && p.Tokens == want {
		return p.Text, want, counted(p.Source)
	}
	p, err := z.build(id, n)
	if err != nil {
		z.mu.Lock()
		z.failed++
		if z.first == nil {
			z.first = err
		}
		z.mu.Unlock()
		if z.blocksOf(id) != nil {
			return z.estimateBlocks(id, n), want, false
		}
		return z.join(id, z.words(id).Text(n)), want, false
	}
	return p.Text, want, counted(p.Source)
}

// counted says whether a prompt's length was counted by the served
// model's tokenizer (the record's rundir.SourceSized) rather than
// calibrated or estimated.
func counted(s prompt.Source) bool {
	return s == prompt.SourceServerTokenize || s == prompt.SourceTokenizer
}

// build makes request id's prompt by the chosen method.
func (z *sizing) build(id uint64, n int) (prompt.Prompt, error) {
	if z.blocksOf(id) != nil {
		return z.buildBlocks(id, n)
	}
	want := z.prefixTokens + n
	g := z.group(id)
	switch {
	case z.builder != nil:
		spec := prompt.Spec{Tokens: want, Words: z.words(id)}
		if g > 0 {
			spec.Prefix = z.prefixes[g-1]
		}
		return z.builder.Build(z.ctx, spec)
	case z.cal != nil:
		k := max(1, z.cal.EstimateFor(want)-z.prefixWords)
		return prompt.Prompt{Text: z.join(id, z.words(id).Text(k)), Tokens: want, Source: prompt.SourceCalibrated}, nil
	}
	return prompt.Prompt{Text: z.join(id, z.words(id).Text(n)), Tokens: want, Source: prompt.SourceEstimated}, nil
}

// blocksOf returns request id's prompt blocks (a trace's hash_ids), nil
// without.
func (z *sizing) blocksOf(id uint64) []uint64 {
	if id >= uint64(len(z.blocks)) || len(z.blocks[id]) == 0 {
		return nil
	}
	return z.blocks[id]
}

// split divides a prompt of n tokens named by blocks of size tokens into
// its whole blocks and the tokens after them: a Mooncake trace names
// ⌈n/512⌉ blocks, the last partial; a line naming more than n tokens hold
// is cut to those that fit (at least one token follows them).
func split(blocks []uint64, n, size int) (whole []uint64, rest int) {
	k := min(len(blocks)-1, (n-1)/size)
	return blocks[:k], n - k*size
}

// shareBlocks counts the requests naming each block whole (z.uses), so
// that only a block more than one names is made a text of its own and
// kept: the others (most of a trace's: of the 90 whole blocks the twelve
// Mooncake lines in scenarios/testdata name, one is named twice) are
// words of their request, which no other prompt repeats, at no count and
// no memory.
func (z *sizing) shareBlocks(lengthOf func(uint64) (int, bool)) {
	z.uses = map[uint64]int32{}
	for id, b := range z.blocks {
		n, ok := lengthOf(uint64(id))
		if !ok || len(b) == 0 {
			continue
		}
		whole, _ := split(b, n, z.blockTok)
		for _, h := range whole {
			z.uses[h]++
		}
	}
}

// shared returns request id's leading whole blocks that another request
// names too, which its prompt says as their texts, and the block whose
// words follow them, up to the prompt's length: the first block not
// shared. Identical lines (the same blocks, the same length) make the
// same prompt.
func (z *sizing) shared(id uint64, n int) (blocks []uint64, next uint64, rest int) {
	b := z.blocksOf(id)
	whole, _ := split(b, n, z.blockTok)
	k := 0
	for k < len(whole) && z.uses[whole[k]] > 1 {
		k++
	}
	return whole[:k], b[k], n - k*z.blockTok
}

// blockWords is the word stream of the block with hash id h.
func (z *sizing) blockWords(h uint64) prompt.Words {
	return prompt.Words{Seed: z.seed ^ blockStream, Stream: h}
}

// blockKey names a block's text: its hash id, and whether it leads its
// prompt (no text before it), which a counter that adds a BOS counts
// differently. A Mooncake trace's hash ids chain (an id names its whole
// prefix), so an id is always at one place.
type blockKey struct {
	h    uint64
	lead bool
}

// textOfBlock returns the text of the block with hash id h, a block's
// tokens long by the chosen method, made once and kept: every prompt
// naming h under the same ids says the same there (shared: only blocks
// named more than once). By the exact methods the block's tokens are its
// place in the prompt: a leading block counts a block alone, the BOS
// included; one after other text counts a block more than its joinTok
// alone, so that in the prompt it adds a block and the k-th whole block
// ends at token k·blockTok, where the trace puts it (with a BOS, each
// block after the first was a token short: a real llama-server found
// 1,023 of two shared blocks in its cache, not 1,024).
func (z *sizing) textOfBlock(h uint64, lead bool) (string, error) {
	key := blockKey{h, lead}
	z.mu.Lock()
	t, ok := z.blockText[key]
	z.mu.Unlock()
	if ok {
		return t, nil
	}
	switch {
	case z.builder != nil:
		n := z.blockTok
		if !lead {
			n += z.joinTok
		}
		p, err := z.builder.Build(z.ctx, prompt.Spec{Tokens: n, Words: z.blockWords(h)})
		if err != nil {
			return "", fmt.Errorf("trace block %d: %w", h, err)
		}
		t = p.Text
	case z.cal != nil:
		t = z.blockWords(h).Text(max(1, int(math.Round(float64(z.blockTok)/z.cal.Factor))))
	default:
		t = z.blockWords(h).Text(z.blockTok)
	}
	z.mu.Lock()
	if z.blockText == nil {
		z.blockText = map[blockKey]string{}
	}
	z.blockText[key] = t
	z.mu.Unlock()
	return t, nil
}

// joinOverhead measures z.joinTok: a text's count alone twice, less the
// count of it said twice (a counter that adds a BOS to every text counts
// one more alone; a plain word tokenizer none). Only the exact methods
// count; a result past a few tokens (a counter whose joins merge) is taken
// as none.
func (z *sizing) joinOverhead() error {
	if z.builder == nil || z.blocks == nil {
		return nil
	}
	w := prompt.Words{Seed: z.seed ^ blockStream, Stream: ^uint64(0)}.Text(32)
	one, err := z.builder.Counter.CountTokens(z.ctx, w)
	if err != nil {
		return fmt.Errorf("trace blocks: %w", err)
	}
	two, err := z.builder.Counter.CountTokens(z.ctx, w+" "+w)
	if err != nil {
		return fmt.Errorf("trace blocks: %w", err)
	}
	if d := 2*one - two; d > 0 && d <= 4 {
		z.joinTok = d
	}
	return nil
}

// blocksPrefix is the text before request id's own words: its shared
// prefix (--shared-prefix-tokens), if any, and the texts of blocks, its
// shared trace blocks (sizing.shared), each made by text.
func (z *sizing) blocksPrefix(id uint64, blocks []uint64, text func(uint64, bool) (string, error)) (string, error) {
	var parts []string
	if g := z.group(id); g > 0 {
		parts = append(parts, z.prefixes[g-1])
	}
	for _, h := range blocks {
		t, err := text(h, len(parts) == 0)
		if err != nil {
			return "", err
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " "), nil
}

// buildBlocks makes the prompt of request id, n tokens of its own named
// by its trace blocks: the shared blocks' texts, then the next block's
// words up to the length (by the exact methods, the whole prompt counted;
// else the rest's tokens estimated).
func (z *sizing) buildBlocks(id uint64, n int) (prompt.Prompt, error) {
	want := z.prefixTokens + n
	blocks, next, rest := z.shared(id, n)
	pre, err := z.blocksPrefix(id, blocks, z.textOfBlock)
	if err != nil {
		return prompt.Prompt{}, err
	}
	switch {
	case z.builder != nil:
		return z.builder.Build(z.ctx, prompt.Spec{Tokens: want, Prefix: pre, Words: z.blockWords(next)})
	case z.cal != nil:
		k := max(1, int(math.Round(float64(rest)/z.cal.Factor)))
		return prompt.Prompt{Text: joinText(pre, z.blockWords(next).Text(k)), Tokens: want, Source: prompt.SourceCalibrated}, nil
	}
	return prompt.Prompt{Text: joinText(pre, z.blockWords(next).Text(rest)), Tokens: want, Source: prompt.SourceEstimated}, nil
}

// estimateBlocks is request id's block prompt by the estimate, for a
// build that failed during the load (its blocks' texts as made, or
// estimated where a block could not be made).
func (z *sizing) estimateBlocks(id uint64, n int) string {
	blocks, next, rest := z.shared(id, n)
	pre, err := z.blocksPrefix(id, blocks, z.textOfBlock)
	if err != nil {
		pre, _ = z.blocksPrefix(id, blocks, func(h uint64, _ bool) (string, error) { return z.blockWords(h).Text(z.blockTok), nil })
	}
	return joinText(pre, z.blockWords(next).Text(rest))
}

// joinText is pre, a space and own; own alone without pre.
func joinText(pre, own string) string {
	if pre == "" {
		return own
	}
	return pre + " " + own
}

// join puts request id's shared prefix before its own words.
func (z *sizing) join(id uint64, own string) string {
	if g := z.group(id); g > 0 {
		return z.prefixes[g-1] + " " + own
	}
	return own
}

// buildPrefixes makes the groups' prefixes by the chosen method.
func (z *sizing) buildPrefixes(groups int) error {
	if z.prefixTokens == 0 {
		return nil
	}
	for g := range max(groups, 1) {
		w := prompt.Words{Seed: z.seed ^ prefixStream, Stream: uint64(g)}
		var text string
		switch {
		case z.builder != nil:
			p, err := z.builder.Build(z.ctx, prompt.Spec{Tokens: z.prefixTokens, Words: w})
			if err != nil {
				return fmt.Errorf("shared prefix %d: %w", g+1, err)
			}
			text = p.Text
		case z.cal != nil:
			z.prefixWords = max(1, int(math.Round(float64(z.prefixTokens)/z.cal.Factor)))
			text = w.Text(z.prefixWords)
		default:
			text = w.Text(z.prefixTokens)
		}
		z.prefixes = append(z.prefixes, text)
	}
	return nil
}

// preparePrompts chooses how synthetic prompts are sized (o.PromptSizing,
// docs/tokenizers.md), builds the shared prefixes and, for the exact
// methods, the first prompts, before the first request is measured. A
// dataset's prompts are left as they are. Its errors are one line.
func (o *Options) preparePrompts(ctx context.Context, client *http.Client, target targets.Target, log io.Writer) error {
	if o.Prompt != nil {
		if o.TraceBlocks != nil {
			fmt.Fprintln(log, "inferbench: note: the trace's hash_ids are not replayed: the prompts come from the dataset")
		}
		return nil
	}
	z := &sizing{ctx: ctx, seed: uint64(o.PromptSeed), prefixTokens: o.SharedPrefixTokens, built: map[uint64]prompt.Prompt{},
		blocks: o.TraceBlocks, blockTok: cmp.Or(o.TraceBlockTokens, scenarios.TraceBlockTokens)}
	if o.TraceBlocks != nil {
		z.shareBlocks(o.lengthOf)
		named := 0
		for _, b := range o.TraceBlocks {
			if len(b) > 0 {
				named++
			}
		}
		fmt.Fprintf(log, "inferbench: trace: %d of %d requests name prompt blocks (hash_ids): prompts naming the same blocks share their text, %d tokens a block\n",
			named, len(o.Trace), z.blockTok)
	}
	if err := o.chooseSizing(ctx, client, target, z); err != nil {
		return err
	}
	if err := z.buildPrefixes(o.PrefixGroups); err != nil {
		return fmt.Errorf("prompt sizing (%s): %w", z.source, err)
	}
	if err := z.joinOverhead(); err != nil {
		return fmt.Errorf("prompt sizing (%s): %w", z.source, err)
	}
	o.sizing = z
	if z.note != "" {
		fmt.Fprintf(log, "inferbench: prompt sizing: %s (%s)\n", z.source, z.note)
	}
	if z.builder == nil {
		return nil
	}
	start := time.Now()
	n, calls, err := o.prebuild(z)
	if err != nil {
		return fmt.Errorf("prompt sizing (%s): %w", z.source, err)
	}
	if n > 0 {
		fmt.Fprintf(log, "inferbench: prompts sized exactly by %s: the first %d in %s (%.1f counts each), the rest built %d ahead of the load\n",
			z.source, n, time.Since(start).Round(time.Millisecond), float64(calls)/float64(n), z.window)
	}
	return nil
}

// chooseSizing picks the method: the one asked for, or auto's first that
// works (the server's tokenize endpoint, the tokenizer file, a calibration,
// the estimate), saying in z.note why a better one was not used.
func (o *Options) chooseSizing(ctx context.Context, client *http.Client, target targets.Target, z *sizing) error {
	sz := o.PromptSizing
	if sz == "" {
		sz = SizingAuto
	}
	var notes []string
	// A tokenizer file given is read first, whichever method counts: a
	// file that is not a tokenizer is the user's mistake, said now, not
	// passed over because the server could count (it was, unread).
	var local *tokenizer.Tokenizer
	if o.Tokenizer != "" && (sz == SizingTokenizer || sz == SizingAuto) {
		local = o.localTokenizer
		if local == nil {
			t, err := tokenizer.Load(o.Tokenizer)
			if err != nil {
				return &InputError{Err: fmt.Errorf("--tokenizer: %w", err)}
			}
			local = t
		}
	}
	if sz == SizingServer || sz == SizingAuto {
		c, err := o.serverCounter(ctx, client)
		switch {
		case err == nil:
			z.source, z.builder = prompt.SourceServerTokenize, &prompt.Builder{Counter: c, Source: prompt.SourceServerTokenize}
			if local != nil {
				z.note = o.tokenizerAgainst(ctx, local, c)
			}
			return nil
		case sz == SizingServer && (errors.Is(err, errNoTokenize) || errors.Is(err, tokenize.ErrNotAvailable)):
			return &InputError{Err: fmt.Errorf("--prompt-sizing server: %w", err)}
		case sz == SizingServer:
			return fmt.Errorf("--prompt-sizing server: %w", err)
		}
		notes = append(notes, err.Error())
	}
	if local != nil {
		z.source, z.builder = prompt.SourceTokenizer, &prompt.Builder{Counter: local, Source: prompt.SourceTokenizer}
		z.note = strings.Join(notes, "; ")
		return nil
	}
	z.source = prompt.SourceEstimated
	if sz == SizingAuto {
		cal, why := o.calibrate(ctx, target)
		if cal != nil {
			z.source, z.cal = prompt.SourceCalibrated, cal
		}
		notes = append(notes, why)
	}
	z.note = strings.Join(notes, "; ")
	return nil
}

// tokenizerAgainst says how the tokenizer file counts beside the server's
// tokenize endpoint, which sizes the prompts where it works (it is the
// served model's own count): the two count two texts, and the growth from
// the shorter to the longer is compared, so that the special tokens one
// adds and the other not (a BOS) do not count as a difference. A file that
// counts otherwise is not the served model's tokenizer: a run where the
// server cannot count (another server, --prompt-sizing tokenizer) would
// size its prompts wrong with it.
func (o *Options) tokenizerAgainst(ctx context.Context, local, server prompt.Counter) string {
	texts := [2]string{checkText, "The quick brown fox jumps over the lazy dog; 1234567 tokens, naïve café — “quoted” text."}
	var n [2][2]int
	for i, c := range []prompt.Counter{local, server} {
		for j, text := range texts {
			k, err := c.CountTokens(ctx, text)
			if err != nil {
				return fmt.Sprintf("--tokenizer %s not compared with the server's count: %v", filepath.Base(o.Tokenizer), err)
			}
			n[i][j] = k
		}
	}
	file, srv := n[0][1]-n[0][0], n[1][1]-n[1][0]
	if file != srv {
		return fmt.Sprintf("warning: --tokenizer %s is not the served model's tokenizer: it counts %d tokens where the server counts %d in a check text; the server's count sizes these prompts",
			filepath.Base(o.Tokenizer), file, srv)
	}
	return fmt.Sprintf("--tokenizer %s counts as the server does on a check text; the server's count sizes the prompts", filepath.Base(o.Tokenizer))
}

// errNoTokenize says that the server has no tokenize endpoint.
var errNoTokenize = errors.New("no tokenize endpoint")

// serverCounter returns the server's tokenize endpoint, checked with one
// count, or why there is none.
func (o *Options) serverCounter(ctx context.Context, client *http.Client) (prompt.Counter, error) {
	k, _ := registry.Lookup(o.Kind)
	if k.Engine == nil || k.Engine.Tokenize == "" {
		return nil, fmt.Errorf("%w: target %s", errNoTokenize, o.Kind)
	}
	c, err := tokenize.New(tokenize.Config{BaseURL: o.URL, Kind: tokenize.Kind(k.Engine.Tokenize), Model: o.Model,
		APIKey: string(o.APIKey), Client: client})
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, min(o.Timeout, 30*time.Second))
	defer cancel()
	if err := checkCounter(cctx, c); err != nil {
		if errors.Is(err, tokenize.ErrNotAvailable) {
			return nil, fmt.Errorf("%w at %s: %w", errNoTokenize, o.shownURL(o.URL), err)
		}
		return nil, fmt.Errorf("the server's tokenize endpoint failed: %w", err)
	}
	return c, nil
}

// calibrate sends a few requests of word prompts of different lengths
// before the load, as the warm-up does, and fits the prompt_tokens the
// server reports (prompt.Calibrate). Without a warm-up, or without
// reported counts, there is no calibration; the string says what happened.
func (o *Options) calibrate(ctx context.Context, target targets.Target) (*prompt.Calibration, string) {
	if o.Warmup == 0 {
		return nil, "no calibration without a warm-up (--warmup 0): lengths are estimates"
	}
	total := o.SharedPrefixTokens + o.PromptTokens
	var samples []prompt.Sample
	for i := range calibrationRequests {
		k := max(1, total*(i+1)/2) // ½, 1 and 1½ times the length
		req := targets.Request{Model: o.Model, Prompt: prompt.Words{Seed: uint64(o.PromptSeed) ^ prefixStream, Stream: ^uint64(i)}.Text(k), MaxTokens: 1}
		rctx, cancel := context.WithTimeout(ctx, o.Timeout)
		final, err := target.Stream(rctx, req, func(targets.Chunk) {})
		cancel()
		if err != nil {
			return nil, fmt.Sprintf("calibration request failed: %v: lengths are estimates", err)
		}
		if final.Usage != nil {
			samples = append(samples, prompt.Sample{Estimate: k, Actual: final.Usage.PromptTokens})
		}
	}
	cal, err := prompt.Calibrate(samples)
	if err != nil {
		return nil, "the server reports no prompt_tokens to calibrate on: lengths are estimates"
	}
	return &cal, fmt.Sprintf("calibrated on %d requests: tokens ≈ %.1f + %.3f × words, RMSE %.1f, largest error %.1f tokens",
		cal.N, cal.Overhead, cal.Factor, cal.RMSE, cal.MaxErr)
}

// lengthOf returns the length asked for request id's own prompt (before
// any shared prefix), and false past a trace's end.
func (o *Options) lengthOf(id uint64) (int, bool) {
	switch {
	case o.Trace != nil:
		if id >= uint64(len(o.Trace)) {
			return 0, false
		}
		return max(o.Trace[id].PromptTokens, 1), true
	case o.Lengths != nil:
		n, _ := o.Lengths(id)
		return max(n, 1), true
	}
	return max(o.PromptTokens, 1), true
}

// prefetchWindow is how many prompts are kept built ahead of the highest
// request id sent: a few rounds of the workers, so that the load almost
// never waits for a count, and the counts spread over the run instead of
// delaying its start; at least one wave of the widest closed-loop level
// (up to maxWave), so that a level's workers all start with their prompt
// built; and at least a second of the highest open-loop rate (up to
// maxWave), whose arrivals wait for no worker: with 64 built ahead at
// 2,000 req/s, counting by the server fell behind the schedule and put
// the sends 350–410 ms late (p99) on a 2-core machine, 5–7 ms with a
// second built ahead (docs/workloads.md).
func (o *Options) prefetchWindow() uint64 {
	c := max(o.Concurrency, o.MaxConcurrency, 1)
	for _, s := range o.Sweep {
		c = max(c, s)
	}
	w := min(max(64, 4*c), max(maxWindow, min(c, maxWave)))
	return uint64(max(w, o.ratePrompts()))
}

// ratePrompts is a second of the highest open-loop rate's arrivals, up to
// maxWave and to a level's requests when their number is set (--rate 5000
// -n 100 has 100 to build, not 5,000); 0 without rates.
func (o *Options) ratePrompts() int {
	var r float64
	for _, x := range o.Rates {
		r = max(r, x)
	}
	n := int(min(math.Ceil(r), maxWave))
	if o.Requests > 0 {
		n = min(n, o.Requests)
	}
	return n
}

// firstWave is how many prompts are built before the load starts: the
// whole window in a closed loop, whose workers all send at once (10,000
// streams sized by the server's /tokenize had spent 17 % of the harness's
// CPU on those calls inside the measured window, and kept 2,950 streams in
// flight where 4,100 were kept without them); in an open loop a second of
// its highest rate (at least one batch, which warms the builder), after
// which the arrivals spread the counts over the run.
func (o *Options) firstWave(window uint64) uint64 {
	if p := o.Profile(); p == "rate" || p == "trace" {
		return min(window, uint64(max(prebuildWorkers, o.ratePrompts())))
	}
	return window
}

// prebuild builds the first prompts before the load (firstWave: a closed
// loop's whole window, an open loop's first batch, which warms the builder
// and shows that counting works) and starts the prefetcher, which builds
// the rest of the window and then keeps it built ahead of the requests
// sent. It returns how many it built and the counts they took. The load
// does not wait for the prefetcher: a prompt not yet built when its
// request is made is built then, before its schedule is stamped.
func (o *Options) prebuild(z *sizing) (n, calls int, err error) {
	z.lengthOf, z.window = o.lengthOf, o.prefetchWindow()
	z.wake = make(chan struct{}, 1)
	n, calls, err = z.fill(z.ctx, o.firstWave(z.window))
	if err != nil {
		return n, calls, err
	}
	ctx, cancel := context.WithCancel(z.ctx)
	z.stop = cancel
	z.wake <- struct{}{}
	go z.prefetch(ctx)
	return n, calls, nil
}

// fill builds the prompts from z.next up to limit (prebuildWorkers at a
// time) until ctx ends, returning how many it built and the counts they
// took.
func (z *sizing) fill(ctx context.Context, limit uint64) (n, calls int, err error) {
	for ctx.Err() == nil {
		z.mu.Lock()
		var ids []uint64
		var lens []int
		for id := z.next; id < limit && len(ids) < prebuildWorkers; id++ {
			l, ok := z.lengthOf(id)
			if !ok {
				break
			}
			ids, lens = append(ids, id), append(lens, l)
		}
		z.next += uint64(len(ids))
		z.mu.Unlock()
		if len(ids) == 0 {
			return n, calls, nil
		}
		var wg sync.WaitGroup
		built := make([]prompt.Prompt, len(ids))
		errs := make([]error, len(ids))
		for i := range ids {
			wg.Go(func() { built[i], errs[i] = z.build(ids[i], lens[i]) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return n, calls, err // one line: the others are alike
			}
		}
		z.mu.Lock()
		for i, id := range ids {
			z.built[id] = built[i]
			calls += built[i].Calls
		}
		z.mu.Unlock()
		n += len(ids)
	}
	return n, calls, ctx.Err()
}

// prefetch keeps z.window prompts built ahead of the highest id sent,
// until ctx ends. A failure leaves those prompts to be built as they are
// sent (where a second failure falls back to the estimate, counted).
func (z *sizing) prefetch(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-z.wake:
		}
		z.mu.Lock()
		limit := z.high + z.window
		// The ids up to the highest sent are built as they are sent: a
		// jump (a session level's first id, past the request ids of the
		// level before) leaves nothing behind to build.
		z.next = max(z.next, z.high+1)
		z.mu.Unlock()
		z.fill(ctx, limit)
	}
}

// close stops the prefetcher (nil-safe).
func (z *sizing) close() {
	if z != nil && z.stop != nil {
		z.stop()
	}
}

// promptsFrom takes the shared prefix and the prompt sizing from the
// scenario's workload.
func (o *Options) promptsFrom(s *scenarios.Scenario) {
	w := &s.Workload
	o.SharedPrefixTokens, o.PrefixGroups = w.SharedPrefixTokens, w.PrefixGroups
	o.PromptSizing = w.PromptSizing
	if w.Tokenizer != "" {
		o.Tokenizer = s.Path(w.Tokenizer)
	}
}

// synthHooks returns the workload's hooks for this run's prompts: nil when
// they are the load generator's own word prompts (the estimate, no prefix).
func (o *Options) synthHooks() (synth func(uint64, int) (string, int, bool), group func(uint64) int, probe func(uint64, int) (string, int)) {
	z := o.sizing
	if z == nil || (z.builder == nil && z.cal == nil && len(z.prefixes) == 0 && z.blocks == nil) {
		return nil, nil, nil
	}
	if len(z.prefixes) > 0 {
		group = z.group
	}
	return z.synth, group, z.probe
}

// probe is the spread probe's prompt (loadgen.Workload.ProbePrompt): its
// group's prefix and own words of the estimated length, built without a
// count and without moving the prefetch window, since the probe's id lies
// past its level's (a count there would leave every id of the level to be
// built as it is sent).
func (z *sizing) probe(id uint64, n int) (string, int) {
	return z.join(id, z.words(id).Text(n)), z.prefixTokens + n
}

// failures says how many prompts built during the load fell back to
// the estimate, and why the first did ("" when none did).
func (z *sizing) failures() string {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.failed == 0 {
		return ""
	}
	return fmt.Sprintf("%d prompts built during the load fell back to the estimate (first: %v)", z.failed, z.first)
}

// filterDataset keeps the dataset's prompts, read from file, within its
// length filters and orders them by its seed (else the workload's).
func filterDataset(p *scenarios.Prompts, ds *scenarios.Dataset, file string, seed uint64) (*scenarios.Prompts, error) {
	kept, dropped := p.Keep(ds.Within)
	if kept.Len() == 0 {
		return nil, inputf("workload.dataset: none of the %d prompts of %s lies within the length filters", dropped, file)
	}
	if ds.Seed != nil {
		seed = *ds.Seed
	}
	return kept.Shuffle(seed), nil
}

// sharedPrompts names what this run's prompts share by design, for
// run.json's load.shared_prompts: a prompt cache answers those within the
// run whatever the seed.
func (o *Options) sharedPrompts() string {
	var s []string
	if z := o.sizing; z != nil && z.prefixTokens > 0 {
		s = append(s, "shared prefixes")
	}
	if o.Sessions != nil {
		s = append(s, "session turns")
	}
	if z := o.sizing; z != nil {
		for _, n := range z.uses {
			if n > 1 {
				s = append(s, "trace blocks")
				break
			}
		}
	}
	return strings.Join(s, ", ")
}

// recordSizing writes the sizing chosen, and what the prompts share, into
// run.json's load section.
func (o *Options) recordSizing(m *rundir.Manifest) {
	m.Load.SharedPrompts = o.sharedPrompts()
	z := o.sizing
	if z == nil {
		return
	}
	m.Load.InputTokensSource = string(z.source)
	notes := []string{}
	if o.Sessions != nil && o.Sessions.Message == nil {
		notes = append(notes, fmt.Sprintf("sessions: each session's first message is sized (%s); later messages are estimates, the replies the server's", z.source))
	}
	for _, n := range []string{z.note, z.failures()} {
		if n != "" {
			notes = append(notes, n)
		}
	}
	m.Load.InputTokensNote = strings.Join(notes, "; ")
}
