package tokenizer

import (
	"encoding/json"
	"fmt"
)

type unigram struct{}

func newUnigram(raw json.RawMessage) (*unigram, []string, error) {
	return nil, nil, fmt.Errorf("model Unigram: not yet")
}

func (u *unigram) tokenize(word string, out []int32) []int32 { return out }
