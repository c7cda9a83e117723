package prompt

import (
	"context"
	"errors"
	"math"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/targets/tokenize"
	"github.com/inferbench/inferbench/tokenizer"
)

var lengths = []int{1, 7, 128, 512, 2048}

// checkBuild builds each length with b and checks the count independently.
func checkBuild(t *testing.T, b *Builder, check Counter, ns []int) {
	t.Helper()
	for i, n := range ns {
		p, err := b.Build(t.Context(), Spec{Tokens: n, Words: Words{Seed: 42, Stream: uint64(i)}})
		if err != nil {
			t.Errorf("%d tokens: %v", n, err)
			continue
		}
		got, err := check.CountTokens(t.Context(), p.Text)
		if err != nil || got != n || p.Tokens != n {
			t.Errorf("%d tokens: the prompt counts %d (%v), Build said %d", n, got, err, p.Tokens)
		}
		if p.Calls > DefaultMaxCalls || p.Source != b.Source {
			t.Errorf("%d tokens: %d calls, source %q", n, p.Calls, p.Source)
		}
		t.Logf("%d tokens: %d words, %d calls", n, len(strings.Fields(p.Text)), p.Calls)
	}
}

// TestBuildLocalTokenizer: exact lengths by real tokenizer files, with and
// without the BOS their servers add; with a BOS, one token is only the
// empty prompt, which is refused.
func TestBuildLocalTokenizer(t *testing.T) {
	for _, name := range []string{"qwen3", "mistral"} {
		tk, err := tokenizer.Load("../tokenizer/testdata/" + name + ".json.gz")
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			plain := tokenizer.Counter{Tokenizer: tk}
			checkBuild(t, &Builder{Counter: plain, Source: SourceTokenizer}, plain, lengths)
			checkBuild(t, &Builder{Counter: tk, Source: SourceTokenizer}, tk, lengths[1:])
		})
	}
	tk, _ := tokenizer.Load("../tokenizer/testdata/mistral.json.gz")
	_, err := (&Builder{Counter: tk}).Build(t.Context(), Spec{Tokens: 1})
	// The closest count is not said: it is the empty prompt's, the length
	// asked for ("1 tokens … (closest: 1)").
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "1 token is what an empty prompt counts") || strings.Contains(err.Error(), "closest") {
		t.Errorf("1 token with a BOS: %v", err)
	}
}

// TestBuildMockTokenize: exact lengths by the mock's /tokenize through the
// vLLM client; after the first prompt the learned ratio makes one call
// enough.
func TestBuildMockTokenize(t *testing.T) {
	srv, err := mock.New(mock.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	cl, err := tokenize.New(tokenize.Config{BaseURL: ts.URL + "/v1", Kind: tokenize.VLLM, Model: "mock"})
	if err != nil {
		t.Fatal(err)
	}
	b := &Builder{Counter: cl, Source: SourceServerTokenize}
	checkBuild(t, b, cl, lengths)
	p, err := b.Build(t.Context(), Spec{Tokens: 300, Words: Words{Seed: 1, Stream: 99}})
	if err != nil || p.Calls != 1 {
		t.Errorf("a warm builder: %d calls, %v", p.Calls, err)
	}
}

// fakeCounter counts each word by a table (1 token by default) plus bos,
// and counts its calls.
type fakeCounter struct {
	mu    sync.Mutex
	per   map[string]int
	bos   int
	calls int
	err   error
}

func (f *fakeCounter) CountTokens(_ context.Context, text string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.err != nil {
		return 0, f.err
	}
	n := f.bos
	for _, w := range strings.Fields(text) {
		if k, ok := f.per[w]; ok {
			n += k
		} else {
			n++
		}
	}
	return n, nil
}

// TestBuildTail: when the next word jumps past the length, other endings
// are tried until one fits.
func TestBuildTail(t *testing.T) {
	// Half the words count 2: a prompt one token short of the length
	// cannot end with one of them.
	half := map[string]int{}
	for i, w := range DefaultWords {
		half[w] = 1 + i%2
	}
	// Every word but "of" counts 3: only prompts ending in enough "of"s hit
	// lengths that are not multiples of 3; once "of" is found to cost 1 it
	// is reused without searching again.
	third := map[string]int{}
	for _, w := range DefaultWords {
		third[w] = 3
	}
	third["of"] = 1
	for _, c := range []struct {
		per      map[string]int
		maxCalls int
	}{{half, 0}, {third, 80}} {
		f := &fakeCounter{per: c.per, bos: 1}
		b := &Builder{Counter: f, MaxCalls: c.maxCalls}
		for _, n := range []int{2, 5, 101, 300, 1000} {
			p, err := b.Build(t.Context(), Spec{Tokens: n, Words: Words{Seed: 3, Stream: uint64(n)}})
			got, _ := f.CountTokens(t.Context(), p.Text)
			if err != nil || got != n {
				t.Errorf("%d tokens: count %d, %v", n, got, err)
			}
			t.Logf("%d tokens: %d calls", n, p.Calls)
		}
	}
}

// TestBuildUnreachable: a counter that never gives the length ends the
// search within the budget, with the closest count in the error.
func TestBuildUnreachable(t *testing.T) {
	per := map[string]int{}
	for _, w := range DefaultWords {
		per[w] = 2
	}
	f := &fakeCounter{per: per}
	_, err := (&Builder{Counter: f}).Build(t.Context(), Spec{Tokens: 101})
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "closest: 10") || f.calls > DefaultMaxCalls {
		t.Errorf("error %v after %d calls", err, f.calls)
	}
	// A prefix longer than the length: refused at once.
	_, err = (&Builder{Counter: &fakeCounter{}}).Build(t.Context(), Spec{Tokens: 3, Prefix: "a b c d e"})
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "no words already counts 5") {
		t.Errorf("long prefix: %v", err)
	}
	if _, err := (&Builder{Counter: f}).Build(t.Context(), Spec{Tokens: 0}); err == nil {
		t.Error("0 tokens built")
	}
}

// TestBuildPrefix: the prefix leads the prompt and counts in its length;
// a prefix of exactly the length is the prompt.
func TestBuildPrefix(t *testing.T) {
	f := &fakeCounter{bos: 1}
	b := &Builder{Counter: f}
	prefix := "You are a helpful assistant."
	p, err := b.Build(t.Context(), Spec{Tokens: 50, Prefix: prefix, Words: Words{Seed: 7}})
	if err != nil || !strings.HasPrefix(p.Text, prefix+" ") || p.Tokens != 50 {
		t.Errorf("prompt %q (%d tokens), %v", p.Text, p.Tokens, err)
	}
	p, err = b.Build(t.Context(), Spec{Tokens: 6, Prefix: prefix})
	if err != nil || p.Text != prefix {
		t.Errorf("prefix alone: %q, %v", p.Text, err)
	}
	// The prefix is counted once per builder: later prompts with it start
	// from its count and hit in one call.
	for i := range 3 {
		p, err = b.Build(t.Context(), Spec{Tokens: 80 + i, Prefix: prefix, Words: Words{Stream: uint64(i)}})
		if err != nil || p.Tokens != 80+i || p.Calls != 1 {
			t.Errorf("warm prefix %d: %d tokens in %d calls, %v", i, p.Tokens, p.Calls, err)
		}
	}
}

// TestBuildCounterError: the counter's error comes back, wrapped, so that
// the caller can fall back on tokenize.ErrNotAvailable.
func TestBuildCounterError(t *testing.T) {
	f := &fakeCounter{err: tokenize.ErrNotAvailable}
	_, err := (&Builder{Counter: f}).Build(t.Context(), Spec{Tokens: 10})
	if !errors.Is(err, tokenize.ErrNotAvailable) || f.calls != 1 {
		t.Errorf("error %v after %d calls", err, f.calls)
	}
}

// TestBuildConcurrent: one builder serves many goroutines.
func TestBuildConcurrent(t *testing.T) {
	f := &fakeCounter{bos: 1}
	b := &Builder{Counter: f}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			p, err := b.Build(t.Context(), Spec{Tokens: 64 + i, Words: Words{Stream: uint64(i)}})
			if err != nil || p.Tokens != 64+i {
				t.Errorf("%d: %v", i, err)
			}
		})
	}
	wg.Wait()
}

// TestWords: a seed and stream give one sequence; streams differ.
func TestWords(t *testing.T) {
	a, b, c := Words{Seed: 1, Stream: 2}.Text(50), Words{Seed: 1, Stream: 2}.Text(50), Words{Seed: 1, Stream: 3}.Text(50)
	if a != b || a == c || len(strings.Fields(a)) != 50 {
		t.Errorf("%q / %q / %q", a, b, c)
	}
	if (Words{}).Text(0) != "" {
		t.Error("0 words is not empty")
	}
}

// TestCalibrate: the fit against hand-computed cases.
func TestCalibrate(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	// Estimates that differ: a line. 10 tokens of overhead, 1.2 per word.
	c, err := Calibrate([]Sample{{100, 130}, {200, 250}, {300, 370}, {0, 5}, {50, 0}})
	if err != nil || c.N != 3 || !near(c.Factor, 1.2) || !near(c.Overhead, 10) || !near(c.RMSE, 0) {
		t.Errorf("line: %+v, %v", c, err)
	}
	if got := c.EstimateFor(610); got != 500 {
		t.Errorf("EstimateFor(610) = %d, want 500", got)
	}
	// One estimate: the ratio of the sums, 1090/1024; residuals ±5.
	c, err = Calibrate([]Sample{{512, 540}, {512, 550}})
	if err != nil || !near(c.Factor, 1090.0/1024) || c.Overhead != 0 || !near(c.RMSE, 5) || !near(c.MaxErr, 5) {
		t.Errorf("ratio: %+v, %v", c, err)
	}
	if got := c.EstimateFor(512); got != 481 { // 512 × 1024 / 1090 = 481.0
		t.Errorf("EstimateFor(512) = %d, want 481", got)
	}
	p := Calibrated(c, 512, Words{Seed: 1})
	if len(strings.Fields(p.Text)) != 481 || p.Source != SourceCalibrated || p.Tokens != 512 {
		t.Errorf("Calibrated: %d words, %d tokens, %q", len(strings.Fields(p.Text)), p.Tokens, p.Source)
	}
	if _, err := Calibrate(nil); err == nil {
		t.Error("no samples: no error")
	}
	if _, err := Calibrate([]Sample{{100, 300}, {200, 100}}); err == nil {
		t.Error("a falling fit: no error")
	}
	e := Estimated(20, Words{})
	if len(strings.Fields(e.Text)) != 20 || e.Tokens != 20 || e.Source != SourceEstimated {
		t.Errorf("Estimated: %+v", e)
	}
}
