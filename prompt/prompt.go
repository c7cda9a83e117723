// Package prompt builds synthetic prompts of an exact length in tokens for a
// given token counter: the served model's tokenizer through the server's
// tokenize endpoint (targets/tokenize), a local tokenizer.json (tokenizer),
// or, when neither is available, a calibration of word counts against the
// prompt_tokens the server reports. It is its own package, not part of
// tokenizer, because it cares only that something counts: the local reader
// and the server clients are two such things, and the workload generator
// calls this without knowing which.
package prompt

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/inferbench/inferbench/internal/printable"
)

// A Counter counts the tokens of a text as the served model does.
// *tokenizer.Tokenizer, tokenizer.Counter and *tokenize.Client are Counters.
type Counter interface {
	CountTokens(ctx context.Context, text string) (int, error)
}

// Source says how a prompt's length in tokens was established: run.json's
// load.input_tokens_source. A record without the server's count says
// sized for a prompt counted (server-tokenize, tokenizer), estimated
// otherwise (rundir.SourceSized).
type Source string

// The methods, best first (docs/tokenizers.md gives the order of fallback).
const (
	// SourceServerTokenize: counted by the server's tokenize endpoint.
	SourceServerTokenize Source = "server-tokenize"
	// SourceTokenizer: counted by a local tokenizer.json (--tokenizer).
	SourceTokenizer Source = "tokenizer"
	// SourceCalibrated: a word count corrected by a calibration against the
	// server's reported prompt_tokens.
	SourceCalibrated Source = "calibrated"
	// SourceEstimated: a word count taken as the token count.
	SourceEstimated Source = "estimated"
)

// DefaultWords are short, frequent English words, about one token each in
// the GPT-2, cl100k, Llama and Qwen vocabularies. The load generator's
// synthetic prompts draw from this list too, so that estimates agree.
var DefaultWords = []string{
	"the", "of", "and", "to", "in", "is", "that", "for", "it", "as",
	"was", "with", "be", "by", "on", "not", "he", "this", "are", "or",
	"his", "from", "at", "which", "but", "have", "an", "had", "they", "you",
	"were", "their", "one", "all", "we", "can", "her", "has", "there", "been",
	"if", "more", "when", "will", "would", "who", "so", "no", "time", "day",
	"water", "light", "house", "world", "small", "large", "river", "city", "road", "tree",
}

// Words is a seeded source of words: Seed and Stream pick the sequence
// (one stream per request gives every request its own prompt, with no
// accidental prefix-cache hits, identical across runs with one seed).
type Words struct {
	List         []string // nil means DefaultWords
	Seed, Stream uint64
}

// Text returns the first k words of the sequence, joined by spaces: a prompt
// whose length is only estimated.
func (w Words) Text(k int) string {
	g := w.gen()
	var b strings.Builder
	for i := range k {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.word(i))
	}
	return b.String()
}

func (w Words) gen() *wordGen {
	list := w.List
	if len(list) == 0 {
		list = DefaultWords
	}
	return &wordGen{list: list, rng: rand.New(rand.NewPCG(w.Seed, w.Stream))}
}

// wordGen draws words lazily and remembers them.
type wordGen struct {
	list  []string
	rng   *rand.Rand
	words []string
}

func (g *wordGen) word(i int) string {
	for len(g.words) <= i {
		g.words = append(g.words, g.list[g.rng.IntN(len(g.list))])
	}
	return g.words[i]
}

// Prompt is a built prompt.
type Prompt struct {
	Text   string
	Tokens int    // its length by the counter (or the estimate's)
	Source Source // how Tokens was established
	Calls  int    // counter calls spent building it
}

// DefaultMaxCalls bounds the counter calls spent on one prompt.
const DefaultMaxCalls = 12

// A Builder makes prompts of exactly N tokens for its Counter. It learns
// the counter's tokens per word from each prompt it builds, so that the next
// starts close: two or three calls a prompt against a server. It is safe
// for concurrent use.
type Builder struct {
	Counter  Counter
	Source   Source // recorded on every prompt: SourceTokenizer or SourceServerTokenize
	MaxCalls int    // 0 means DefaultMaxCalls

	mu      sync.Mutex
	perWord float64        // learned tokens per word; 0 until the first prompt
	prefix  map[string]int // counts of the prefixes seen (a few shared prompts)
}

// maxPrefixes bounds Builder.prefix.
const maxPrefixes = 64

// Spec asks for a prompt.
type Spec struct {
	// Tokens is the length wanted, by the counter, of the whole prompt.
	Tokens int
	// Prefix starts the prompt (a shared system prompt); the words follow
	// it after a space. Tokens counts the prefix too.
	Prefix string
	// Words is where the words come from.
	Words Words
}

// ErrUnreachable is wrapped by Build's error when no prompt of the words
// given has exactly the length asked for within MaxCalls counts.
var ErrUnreachable = errors.New("no prompt of exactly that length found")

// Build returns a prompt of exactly spec.Tokens tokens by b.Counter. It
// counts prompts of k words, searching k (an interpolation from the learned
// tokens per word, then bisection between the nearest counts below and
// above); when adding one word jumps past the length, it tries other words
// at the end. Counts are cached within a build, and at most MaxCalls are
// made. On failure the error says how close it came.
func (b *Builder) Build(ctx context.Context, spec Spec) (Prompt, error) {
	if spec.Tokens < 1 {
		return Prompt{}, fmt.Errorf("prompt: %d tokens asked for: want at least 1", spec.Tokens)
	}
	maxCalls := b.MaxCalls
	if maxCalls <= 0 {
		maxCalls = DefaultMaxCalls
	}
	s := &search{b: b, ctx: ctx, spec: spec, words: spec.Words.gen(), counts: map[string]int{}, max: maxCalls}
	text, n, err := s.run()
	p := Prompt{Text: text, Tokens: n, Source: b.Source, Calls: s.calls}
	if err != nil {
		return p, err
	}
	return p, nil
}

// search is one Build.
type search struct {
	b      *Builder
	ctx    context.Context
	spec   Spec
	words  *wordGen
	tail   []string // words replacing the end, during the tail search
	counts map[string]int
	calls  int
	max    int
	best   int // the count closest to the target seen, for the error
	bestOK bool
	base   int // the prefix's count (0 without one)
}

var errBudget = errors.New("call budget spent")

// text returns the prompt of the first k words followed by the tail.
func (s *search) text(k int) string {
	var b strings.Builder
	b.WriteString(s.spec.Prefix)
	sep := s.spec.Prefix != "" && !strings.HasSuffix(s.spec.Prefix, " ") && !strings.HasSuffix(s.spec.Prefix, "\n")
	for i := range k {
		if sep || i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s.words.word(i))
	}
	for i, w := range s.tail {
		if sep || k > 0 || i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

// count counts text, from the cache when it can.
func (s *search) count(text string) (int, error) {
	if n, ok := s.counts[text]; ok {
		return n, nil
	}
	if s.calls >= s.max {
		return 0, errBudget
	}
	s.calls++
	n, err := s.b.Counter.CountTokens(s.ctx, text)
	if err != nil {
		return 0, err
	}
	s.counts[text] = n
	if !s.bestOK || abs(n-s.spec.Tokens) < abs(s.best-s.spec.Tokens) {
		s.best, s.bestOK = n, true
	}
	return n, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func (s *search) run() (string, int, error) {
	want := s.spec.Tokens
	s.b.mu.Lock()
	perWord := s.b.perWord
	base, known := s.b.prefix[s.spec.Prefix]
	s.b.mu.Unlock()
	if perWord <= 0 {
		perWord = 1
	}
	if s.spec.Prefix != "" && !known {
		// The words' share of the count is what the learned ratio is
		// about: count a shared prefix once, then reuse it.
		n, err := s.count(s.spec.Prefix)
		if err != nil {
			return "", 0, s.fail(err)
		}
		base = n
		s.b.mu.Lock()
		if s.b.prefix == nil {
			s.b.prefix = map[string]int{}
		}
		if len(s.b.prefix) < maxPrefixes {
			s.b.prefix[s.spec.Prefix] = n
		}
		s.b.mu.Unlock()
	}
	s.base = base
	f := func(k int) (int, error) { return s.count(s.text(k)) }
	// lo: the most words known to count below want; hi: the fewest known
	// to count above it.
	lo, hi := -1, -1
	var fLo, fHi int
	k := max(1, int(math.Round(float64(want-base)/perWord)))
	for {
		n, err := f(k)
		if err != nil {
			return "", 0, s.fail(err)
		}
		if n == want {
			return s.done(k, n)
		}
		if n < want {
			lo, fLo = k, n
		} else {
			hi, fHi = k, n
		}
		if lo >= 0 && hi >= 0 && hi-lo <= 1 {
			break
		}
		if hi == 0 {
			// Even no words is too long: the prefix (or the counter's
			// special tokens) alone exceeds the length.
			return "", 0, s.fail(fmt.Errorf("%w: %d tokens asked for, but the prompt with no words already counts %d", ErrUnreachable, want, fHi))
		}
		// Next guess: interpolate where the count brackets want, else
		// step by the tokens per word from the nearest count.
		switch {
		case lo >= 0 && hi >= 0:
			k = lo + int(math.Round(float64(want-fLo)*float64(hi-lo)/float64(fHi-fLo)))
			k = min(max(k, lo+1), hi-1)
		case lo >= 0:
			k = lo + max(1, int(math.Round(float64(want-fLo)/perWord)))
		default:
			k = max(0, hi-max(1, int(math.Round(float64(fHi-want)/perWord))))
		}
	}
	// Adding word hi jumps past want: keep the first lo words and try other
	// endings, taking any that stays below as part of the base.
	return s.tailSearch(lo, fLo)
}

// tailSearch looks for an ending of the first k words (which count
// fk < want) that reaches want exactly, adding words at the end one at a
// time: a word whose cost at the end (the count it added) is known to fit
// what is missing, exactly or from below, first; else the next untried
// word of an order drawn from the spec's seed. A word that keeps the count
// below want is kept. It ends when the call budget does.
func (s *search) tailSearch(k, fk int) (string, int, error) {
	want := s.spec.Tokens
	alt := rand.New(rand.NewPCG(s.spec.Words.Seed, s.spec.Words.Stream^0x9e3779b97f4a7c15))
	order := alt.Perm(len(s.words.list))
	cost := map[string]int{} // what a word added when last tried at the end
	next := 0
	for {
		need := want - fk
		w, best := "", 0
		for cw, c := range cost {
			if c > 0 && c <= need && (c > best || c == best && cw < w) {
				w, best = cw, c
			}
		}
		if w == "" {
			if next == len(order) { // every word tried; none fits
				return "", 0, s.fail(ErrUnreachable)
			}
			w = s.words.list[order[next]]
			next++
		}
		s.tail = append(s.tail, w)
		n, err := s.count(s.text(k))
		if err != nil {
			return "", 0, s.fail(err)
		}
		cost[w] = n - fk
		switch {
		case n == want:
			return s.text(k), n, nil
		case n < want && n > fk:
			fk = n
		default:
			s.tail = s.tail[:len(s.tail)-1]
		}
	}
}

// done records the tokens per word learned and returns the prompt.
func (s *search) done(k, n int) (string, int, error) {
	if k == 0 && s.spec.Prefix == "" {
		// The empty prompt counts exactly want (a BOS alone): servers
		// refuse empty prompts, so there is none to give.
		// Not s.fail: its closest count would be the empty prompt's, the
		// very length asked for ("closest: 1" beside "1 tokens").
		return "", 0, fmt.Errorf("prompt of %d tokens: %w: %s is what an empty prompt counts (the server's start token); the shortest prompt counts more: ask for more",
			s.spec.Tokens, ErrUnreachable, printable.Count(n, "token"))
	}
	if k > 0 && n > s.base {
		s.b.mu.Lock()
		s.b.perWord = float64(n-s.base) / float64(k)
		s.b.mu.Unlock()
	}
	return s.text(k), n, nil
}

func (s *search) fail(err error) error {
	if errors.Is(err, errBudget) {
		err = fmt.Errorf("%w within %d counts", ErrUnreachable, s.max)
	}
	if s.bestOK {
		return fmt.Errorf("prompt of %d tokens: %w (closest: %d)", s.spec.Tokens, err, s.best)
	}
	return fmt.Errorf("prompt of %d tokens: %w", s.spec.Tokens, err)
}
