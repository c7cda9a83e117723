package session

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/prompt"
)

// TestAutoSizingDistrustsABrokenTokenize: a tokenize endpoint whose counts
// cannot be a tokenizer's (0, negative, the same for every text, more
// tokens than bytes) is not used to size prompts: auto falls back to the
// estimate and says why, on one line. Before, it was taken, and the run
// stopped with exit 2 and one line per prompt: "prompt of 128 tokens: no
// prompt of exactly that length found within 12 counts (closest: 0)".
func TestAutoSizingDistrustsABrokenTokenize(t *testing.T) {
	for _, count := range []string{"0", "-5", "7", "999999999999"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"count": %s}`, count)
		}))
		o := &Options{Kind: "vllm", URL: srv.URL, Model: "m", PromptSizing: SizingAuto, PromptTokens: 128, Timeout: 5 * time.Second}
		z := &sizing{ctx: t.Context(), built: map[uint64]prompt.Prompt{}}
		err := o.chooseSizing(t.Context(), srv.Client(), nil, z)
		srv.Close()
		if err != nil {
			t.Errorf("count %s: %v", count, err)
			continue
		}
		if z.source != prompt.SourceEstimated || !strings.Contains(z.note, "tokenize") || strings.Contains(z.note, "\n") {
			t.Errorf("count %s: sizing %s, note %q; want estimated, the note naming the tokenize endpoint on one line", count, z.source, z.note)
		}
	}
}

// constCounter counts 7 tokens in every text.
type constCounter struct{}

func (constCounter) CountTokens(context.Context, string) (int, error) { return 7, nil }

// TestSizingFailureIsOneLine: when no prompt of the asked length can be
// made, the error is one line, not one per prompt built at once (before:
// eight alike lines, errors.Join's).
func TestSizingFailureIsOneLine(t *testing.T) {
	z := &sizing{ctx: t.Context(), built: map[uint64]prompt.Prompt{},
		builder:  &prompt.Builder{Counter: constCounter{}, Source: prompt.SourceServerTokenize},
		lengthOf: func(uint64) (int, bool) { return 128, true }}
	_, _, err := z.fill(t.Context(), prebuildWorkers)
	if err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("fill = %q; want one line", err)
	}
}

// extraCounter counts one token per byte and extra more.
type extraCounter int

func (e extraCounter) CountTokens(_ context.Context, text string) (int, error) {
	return len(text) + int(e), nil
}

// TestCheckCounterBound: one token per byte and maxSpecialTokens more is
// a tokenizer's count (11 bytes of "hello world": 27 tokens), one more
// is not (28).
func TestCheckCounterBound(t *testing.T) {
	if err := checkCounter(t.Context(), extraCounter(maxSpecialTokens)); err != nil {
		t.Errorf("one per byte and %d more: %v; want accepted", maxSpecialTokens, err)
	}
	err := checkCounter(t.Context(), extraCounter(maxSpecialTokens+1))
	if err == nil || !strings.Contains(err.Error(), "28 tokens in 11 bytes") {
		t.Errorf("one per byte and %d more: %v; want refused, 28 tokens in 11 bytes", maxSpecialTokens+1, err)
	}
}
