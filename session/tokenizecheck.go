package session

import (
	"context"
	"fmt"
	"strings"

	"github.com/inferbench/inferbench/prompt"
)

// checkText is what checkCounter counts: a short text, then the same eight
// times over.
const checkText = "hello world"

// maxSpecialTokens is how many tokens a tokenize endpoint may add to a
// text beyond one per byte (BOS, EOS, a chat template's markers).
const maxSpecialTokens = 16

// checkCounter asks c for the tokens of two texts, one eight times the
// other, and returns an error unless the counts can be a tokenizer's: at
// least one token, at most one per byte and maxSpecialTokens, and more for
// the longer text. A server whose tokenize endpoint answers 0, a negative
// count, the same count for every text or an absurd one would otherwise
// size every prompt wrong, or make none of the right length.
func checkCounter(ctx context.Context, c prompt.Counter) error {
	short, long := checkText, strings.TrimSpace(strings.Repeat(checkText+" ", 8))
	var counts [2]int
	for i, text := range []string{short, long} {
		n, err := c.CountTokens(ctx, text)
		if err != nil {
			return err
		}
		if n < 1 || n > len(text)+maxSpecialTokens {
			return fmt.Errorf("it counts %d tokens in %d bytes of text, which no tokenizer does", n, len(text))
		}
		counts[i] = n
	}
	if counts[1] <= counts[0] {
		return fmt.Errorf("it counts %d tokens in %q and %d in eight times that text, which no tokenizer does", counts[0], short, counts[1])
	}
	return nil
}
