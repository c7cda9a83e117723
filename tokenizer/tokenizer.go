package tokenizer

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// A Tokenizer encodes text as one Hugging Face tokenizer.json does. It is
// safe for concurrent use.
type Tokenizer struct {
	added     []*addedToken
	rawAdded  *matcher // added tokens matched in the raw text
	normAdded *matcher // added tokens matched after normalization
	norm      normalizer
	pre       preTokenizer
	model     model
	post      postProcessor
	dec       decoder
	decErr    error // why Decode cannot work, if it cannot

	tokens  []string // id → token, model and added
	special []bool   // id → is a special added token

	scratch sync.Pool // *encodeScratch
}

// model is what the tokenizer asks of its model: the ids of one piece.
type model interface {
	tokenize(word string, out []int32) []int32
}

type encodeScratch struct {
	segs, segs2 []segment
	pieces      []piece
	ids         []int32
}

// modelSpec is a model's JSON decoded, before the tables are built: the
// slow half of loading, which tests share between variants of one file.
type modelSpec struct {
	typ   string
	bpe   *bpeJSON
	pairs [][2]string
	uni   *unigramJSON
}

func decodeModel(raw json.RawMessage) (*modelSpec, error) {
	typ, ok, err := typeOf("model", raw)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("tokenizer.json has no model")
	}
	if typ == "" { // older files leave the type out
		typ = guessModelType(raw)
	}
	ms := &modelSpec{typ: typ}
	switch typ {
	case "BPE":
		ms.bpe, ms.pairs, err = decodeBPE(raw)
	case "Unigram":
		ms.uni, err = decodeUnigram(raw)
	default:
		err = unsupported("model", typ)
	}
	if err != nil {
		return nil, err
	}
	return ms, nil
}

func build(f *fileJSON, ms *modelSpec) (*Tokenizer, error) {
	t := &Tokenizer{}
	t.scratch.New = func() any { return new(encodeScratch) }
	var err error
	if t.norm, err = newNormalizer(f.Normalizer); err != nil {
		return nil, err
	}
	var cfg preConfig
	if t.pre, err = newPreTokenizer(f.PreTokenizer, &cfg, true); err != nil {
		return nil, err
	}
	var toks []string
	switch ms.typ {
	case "BPE":
		var m *bpe
		m, toks, err = newBPE(ms.bpe, ms.pairs, cfg.byteLevel)
		t.model = m
	case "Unigram":
		if cfg.byteLevel {
			return nil, fmt.Errorf("a Unigram model behind a ByteLevel pre-tokenizer is not supported")
		}
		var m *unigram
		m, toks, err = newUnigram(ms.uni)
		t.model = m
	}
	if err != nil {
		return nil, err
	}
	if t.post, err = newPostProcessor(f.PostProcessor); err != nil {
		return nil, err
	}
	if t.dec, err = newDecoder(f.Decoder); err != nil {
		// Counting does not need the decoder: load, and say so on Decode.
		t.dec, t.decErr = nil, err
	}
	if err := t.addTokens(f.AddedTokens, toks); err != nil {
		return nil, err
	}
	for _, id := range append(append([]int32(nil), t.post.before...), t.post.after...) {
		if int(id) >= len(t.tokens) || t.tokens[id] == "" && !t.isAdded(id) {
			return nil, fmt.Errorf("post_processor: id %d is not a token", id)
		}
	}
	return t, nil
}

// guessModelType reads a model without "type" as the library's untagged
// deserialization would: merges mean BPE, a vocab list means Unigram.
func guessModelType(raw json.RawMessage) string {
	var j struct {
		Merges json.RawMessage `json:"merges"`
		Vocab  json.RawMessage `json:"vocab"`
	}
	if json.Unmarshal(raw, &j) != nil {
		return ""
	}
	switch {
	case j.Merges != nil:
		return "BPE"
	case len(j.Vocab) > 0 && j.Vocab[0] == '[':
		return "Unigram"
	}
	return ""
}

// addTokens records the added tokens and builds their matchers.
func (t *Tokenizer) addTokens(list []addedTokenJSON, toks []string) error {
	maxID := len(toks) - 1
	for _, a := range list {
		if a.ID < 0 || a.ID >= maxVocab {
			return fmt.Errorf("added token %q has id %d, outside [0, %d)", clip(a.Content), a.ID, maxVocab)
		}
		maxID = max(maxID, a.ID)
	}
	if err := denseIDs(maxID, len(toks)+len(list)); err != nil {
		return fmt.Errorf("added_tokens: %w", err)
	}
	t.tokens = make([]string, maxID+1)
	copy(t.tokens, toks)
	t.special = make([]bool, maxID+1)
	for _, a := range list {
		if a.Content == "" {
			return fmt.Errorf("added token %d is empty", a.ID)
		}
		at := &addedToken{id: int32(a.ID), content: a.Content, singleWord: a.SingleWord, lstrip: a.LStrip,
			rstrip: a.RStrip, normSide: a.Normalized, special: a.Special}
		t.added = append(t.added, at)
		t.tokens[a.ID] = a.Content
		t.special[a.ID] = a.Special
	}
	var raw, normed []*addedToken
	for _, a := range t.added {
		if a.normSide {
			normed = append(normed, a)
		} else {
			raw = append(raw, a)
		}
	}
	t.rawAdded = newMatcher(raw, func(a *addedToken) string { return a.content })
	// A normalized added token is looked for as the normalizer writes it.
	t.normAdded = newMatcher(normed, func(a *addedToken) string {
		if t.norm == nil {
			return a.content
		}
		return t.norm.normalize(a.content)
	})
	return nil
}

func (t *Tokenizer) isAdded(id int32) bool {
	for _, a := range t.added {
		if a.id == id {
			return true
		}
	}
	return false
}

// denseIDs refuses ids far sparser than the tokens they number, which
// would make the id-indexed tables large for a small file.
func denseIDs(maxID, n int) error {
	if maxID >= 2*n+1024 {
		return fmt.Errorf("largest id %d for %d tokens: ids this sparse are not supported", maxID, n)
	}
	return nil
}

// Encode returns the token ids of text. With addSpecial the post-processor's
// special tokens (a BOS such as <s> or <|begin_of_text|>) are added, as a
// server does for a completion prompt and as vLLM's /tokenize does by
// default. Invalid UTF-8 is read as U+FFFD per bad byte, as encoding/json
// would send it.
func (t *Tokenizer) Encode(text string, addSpecial bool) []int {
	sc := t.scratch.Get().(*encodeScratch)
	defer t.scratch.Put(sc)
	sc.ids = t.encode(text, addSpecial, sc, sc.ids[:0])
	out := make([]int, len(sc.ids))
	for i, id := range sc.ids {
		out[i] = int(id)
	}
	return out
}

// Count returns len(Encode(text, addSpecial)) without building the slice.
func (t *Tokenizer) Count(text string, addSpecial bool) int {
	sc := t.scratch.Get().(*encodeScratch)
	defer t.scratch.Put(sc)
	sc.ids = t.encode(text, addSpecial, sc, sc.ids[:0])
	return len(sc.ids)
}

// CountTokens counts text's tokens with the special tokens the server adds
// to a completion prompt (Count(text, true)). It never fails; ctx is there
// to satisfy the same interface as the server endpoints.
func (t *Tokenizer) CountTokens(_ context.Context, text string) (int, error) {
	return t.Count(text, true), nil
}

// Counter counts with or without the post-processor's special tokens.
type Counter struct {
	Tokenizer        *Tokenizer
	AddSpecialTokens bool
}

// CountTokens implements the token-counter interface.
func (c Counter) CountTokens(_ context.Context, text string) (int, error) {
	return c.Tokenizer.Count(text, c.AddSpecialTokens), nil
}

func (t *Tokenizer) encode(text string, addSpecial bool, sc *encodeScratch, ids []int32) []int32 {
	if !utf8.ValidString(text) {
		text = replaceInvalid(text)
	}
	if addSpecial {
		ids = append(ids, t.post.before...)
	}
	sc.segs = t.rawAdded.split(text, true, sc.segs[:0])
	for _, seg := range sc.segs {
		if seg.id >= 0 {
			ids = append(ids, seg.id)
			continue
		}
		s := seg.s
		if t.norm != nil {
			s = t.norm.normalize(s)
		}
		sc.segs2 = t.normAdded.split(s, seg.first, sc.segs2[:0])
		for _, seg2 := range sc.segs2 {
			if seg2.id >= 0 {
				ids = append(ids, seg2.id)
				continue
			}
			p := piece{s: seg2.s, first: seg2.first}
			if t.pre == nil {
				ids = t.model.tokenize(p.s, ids)
				continue
			}
			sc.pieces = t.pre.split(p, sc.pieces[:0])
			for _, w := range sc.pieces {
				ids = t.model.tokenize(w.s, ids)
			}
		}
	}
	if addSpecial {
		ids = append(ids, t.post.after...)
	}
	return ids
}

// replaceInvalid replaces each byte of invalid UTF-8 with U+FFFD, as
// encoding/json does when it sends the text.
func replaceInvalid(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Decode returns the text of ids, as the library's decode does: the tokens
// (special ones left out with skipSpecial) through the decoder, or joined
// by spaces when there is none. Unknown ids are skipped.
func (t *Tokenizer) Decode(ids []int, skipSpecial bool) (string, error) {
	if t.decErr != nil {
		return "", t.decErr
	}
	toks := make([]string, 0, len(ids))
	for _, id := range ids {
		if id < 0 || id >= len(t.tokens) || t.tokens[id] == "" {
			continue
		}
		if skipSpecial && t.special[id] {
			continue
		}
		toks = append(toks, t.tokens[id])
	}
	if t.dec == nil {
		return strings.Join(toks, " "), nil
	}
	return strings.Join(t.dec.decode(toks), ""), nil
}

// VocabSize is the number of ids, the model's and the added tokens'.
func (t *Tokenizer) VocabSize() int { return len(t.tokens) }
