package tokenizer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// bpe is the BPE model of Hugging Face tokenizers (models/bpe/model.rs):
// a word starts as one symbol per character (per byte at byte level), each
// looked up in the vocabulary, falling back to <0xXX> byte tokens or the
// unknown token; then the adjacent pair with the lowest merge rank is merged,
// the leftmost first among equals, until no pair has a merge.
type bpe struct {
	vocab  map[string]int32 // as the model sees words: raw bytes at byte level
	merges map[uint64]uint64
	unkID  int32 // -1: none
	fuse   bool
	// byteFallback ids of <0x00>..<0xFF>; -1 where the vocabulary lacks one.
	byteFallback bool
	byteIDs      [256]int32
	ignoreMerges bool
	prefix       string // continuing_subword_prefix
	suffix       string // end_of_word_suffix
	byteLevel    bool   // words arrive as raw bytes (a ByteLevel pre-tokenizer)
	byteSym      [256]int32
	b2r          [256]rune
	// spaceSplit: a word may be cut before a "▁" that follows a character
	// not in keepBefore, without changing the result (see spaceCuts).
	spaceSplit bool
	keepBefore map[rune]bool

	cache wordCache
}

// cacheEntries bounds the word cache; cacheWordLen the words it keeps.
const (
	cacheEntries = 1 << 17
	cacheWordLen = 256
)

type bpeJSON struct {
	Dropout                 *float64         `json:"dropout"`
	UnkToken                *string          `json:"unk_token"`
	ContinuingSubwordPrefix *string          `json:"continuing_subword_prefix"`
	EndOfWordSuffix         *string          `json:"end_of_word_suffix"`
	FuseUnk                 bool             `json:"fuse_unk"`
	ByteFallback            bool             `json:"byte_fallback"`
	IgnoreMerges            bool             `json:"ignore_merges"`
	Vocab                   map[string]int32 `json:"vocab"`
	Merges                  json.RawMessage  `json:"merges"`
}

// decodeBPE reads a BPE model's JSON, its merges as pairs.
func decodeBPE(raw json.RawMessage) (*bpeJSON, [][2]string, error) {
	var j bpeJSON
	if err := component("model", raw, &j); err != nil {
		return nil, nil, err
	}
	pairs, err := readMerges(j.Merges)
	if err != nil {
		return nil, nil, err
	}
	j.Merges = nil
	return &j, pairs, nil
}

// newBPE builds the model; vocab is returned as id → token for decoding.
func newBPE(j *bpeJSON, pairs [][2]string, byteLevel bool) (*bpe, []string, error) {
	if j.Dropout != nil && *j.Dropout > 0 {
		return nil, nil, fmt.Errorf("model: BPE dropout %g makes encoding random: not supported", *j.Dropout)
	}
	if len(j.Vocab) > maxVocab {
		return nil, nil, fmt.Errorf("model: vocabulary of %d tokens is larger than %d", len(j.Vocab), maxVocab)
	}
	m := &bpe{
		vocab:        j.Vocab,
		merges:       map[uint64]uint64{},
		unkID:        -1,
		fuse:         j.FuseUnk,
		byteFallback: j.ByteFallback,
		ignoreMerges: j.IgnoreMerges,
		byteLevel:    byteLevel,
	}
	if j.ContinuingSubwordPrefix != nil {
		m.prefix = *j.ContinuingSubwordPrefix
	}
	if j.EndOfWordSuffix != nil {
		m.suffix = *j.EndOfWordSuffix
	}
	if byteLevel && (m.prefix != "" || m.suffix != "") {
		return nil, nil, fmt.Errorf("model: a byte-level BPE with a continuing_subword_prefix or end_of_word_suffix is not supported")
	}
	if m.vocab == nil {
		m.vocab = map[string]int32{}
	}
	maxID := -1
	for tok, id := range j.Vocab {
		if id < 0 || id >= maxVocab {
			return nil, nil, fmt.Errorf("model: token %q has id %d, outside [0, %d)", clip(tok), id, maxVocab)
		}
		maxID = max(maxID, int(id))
	}
	if err := denseIDs(maxID, len(j.Vocab)); err != nil {
		return nil, nil, fmt.Errorf("model: %w", err)
	}
	toks := make([]string, maxID+1)
	for tok, id := range m.vocab {
		toks[id] = tok
	}
	if j.UnkToken != nil {
		id, ok := m.vocab[*j.UnkToken]
		if !ok {
			return nil, nil, fmt.Errorf("model: unk_token %q is not in the vocabulary", clip(*j.UnkToken))
		}
		m.unkID = id
	}
	for b := range 256 {
		m.byteIDs[b] = -1
		if id, ok := m.vocab[fmt.Sprintf("<0x%02X>", b)]; ok {
			m.byteIDs[b] = id
		}
	}
	if err := m.addMerges(pairs); err != nil {
		return nil, nil, err
	}
	if byteLevel {
		// The model sees raw bytes: re-key the vocabulary by the bytes each
		// token stands for. Tokens with a rune outside the byte-level
		// alphabet cannot come out of a byte-level word and are left out.
		_, r2b := byteLevelRunes()
		bv := make(map[string]int32, len(m.vocab))
		for tok, id := range m.vocab {
			if b, ok := unByteLevel(tok, r2b); ok {
				bv[b] = id
			}
		}
		m.vocab = bv
		m.b2r, _ = byteLevelRunes()
		for b := range 256 {
			m.byteSym[b] = -1
			if id, ok := bv[string([]byte{byte(b)})]; ok {
				m.byteSym[b] = id
			}
		}
	} else {
		m.keepBefore, m.spaceSplit = spaceCuts(m.vocab)
	}
	return m, toks, nil
}

// readMerges reads merges as "a b" strings or as [a, b] pairs.
func readMerges(raw json.RawMessage) ([][2]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var pairs [][2]string
	var lines []string
	// The first element says which form: a string or a pair.
	if rest := bytes.TrimLeft(bytes.TrimPrefix(bytes.TrimSpace(raw), []byte("[")), " \t\r\n"); len(rest) > 0 && rest[0] == '"' {
		if err := component("model: merges", raw, &lines); err != nil {
			return nil, err
		}
		pairs = make([][2]string, len(lines))
		for i, l := range lines {
			a, b, ok := strings.Cut(l, " ")
			if !ok || strings.Contains(b, " ") {
				return nil, fmt.Errorf("model: merge %d %q is not two tokens separated by one space", i+1, clip(l))
			}
			pairs[i] = [2]string{a, b}
		}
	} else {
		var arr [][]string
		if err := component("model: merges", raw, &arr); err != nil {
			return nil, fmt.Errorf("%w (want strings \"a b\" or pairs [a, b])", err)
		}
		pairs = make([][2]string, len(arr))
		for i, p := range arr {
			if len(p) != 2 {
				return nil, fmt.Errorf("model: merge %d has %d parts, want 2", i+1, len(p))
			}
			pairs[i] = [2]string{p[0], p[1]}
		}
	}
	return pairs, nil
}

// addMerges builds the merge table. As in the library, a merge's result
// a+b (less the continuing prefix of b) must be in the vocabulary; a later
// duplicate overrides an earlier one.
func (m *bpe) addMerges(pairs [][2]string) error {
	m.merges = make(map[uint64]uint64, len(pairs))
	var buf []byte
	for rank, p := range pairs {
		a, ok := m.vocab[p[0]]
		if !ok {
			return fmt.Errorf("model: merge %d: token %q is not in the vocabulary", rank+1, clip(p[0]))
		}
		b, ok := m.vocab[p[1]]
		if !ok {
			return fmt.Errorf("model: merge %d: token %q is not in the vocabulary", rank+1, clip(p[1]))
		}
		if len(p[1]) < len(m.prefix) {
			return fmt.Errorf("model: merge %d: %q is shorter than the continuing prefix", rank+1, clip(p[1]))
		}
		buf = append(append(buf[:0], p[0]...), p[1][len(m.prefix):]...)
		n, ok := m.vocab[string(buf)]
		if !ok {
			return fmt.Errorf("model: merge %d: result %q is not in the vocabulary", rank+1, clip(string(buf)))
		}
		m.merges[pairKey(a, b)] = uint64(rank)<<32 | uint64(uint32(n))
	}
	return nil
}

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// spaceCuts says where a long word may be cut without changing its ids:
// before a "▁" that follows a character c such that no token holds c
// followed by "▁" (keep lists those c). No merge can then join the two
// sides, since every merge makes a token; "▁" being a token itself, no
// run of unknown characters can cross the cut either. In SentencePiece
// vocabularies "▁" starts pieces, so keep is small (Mistral: "▁" alone, so
// runs of spaces stay whole; Gemma-3: "▁" and ">"), and a prompt that is
// one long word, as with no pre-tokenizer, is encoded and cached word by
// word. ok is false when "▁" is not a token.
func spaceCuts(vocab map[string]int32) (keep map[rune]bool, ok bool) {
	if _, ok := vocab["▁"]; !ok {
		return nil, false
	}
	keep = map[rune]bool{}
	for tok := range vocab {
		for i := strings.Index(tok, "▁"); i >= 0; {
			if i > 0 {
				r, _ := utf8.DecodeLastRuneInString(tok[:i])
				keep[r] = true
			}
			j := strings.Index(tok[i+len("▁"):], "▁")
			if j < 0 {
				break
			}
			i += len("▁") + j
		}
	}
	return keep, true
}

// tokenize appends the ids of word to out.
func (m *bpe) tokenize(word string, out []int32) []int32 {
	if word == "" {
		return out
	}
	if m.spaceSplit && len(word) > len("▁") {
		start := 0
		var prev rune = -1
		for i, r := range word {
			if r == '▁' && i > start && !m.keepBefore[prev] {
				out = m.tokenizeCached(word[start:i], out)
				start = i
			}
			prev = r
		}
		return m.tokenizeCached(word[start:], out)
	}
	return m.tokenizeCached(word, out)
}

func (m *bpe) tokenizeCached(word string, out []int32) []int32 {
	// The cache is looked at before the ignore_merges lookup (the library
	// does the reverse): it holds the same answer, and the small cache is
	// much faster to hit than a vocabulary of 150,000 tokens.
	return m.cache.through(word, out, m.tokenizeWord)
}

// tokenizeWord appends word's ids: its own id when merges are ignored and
// the vocabulary has it, else its merges'.
func (m *bpe) tokenizeWord(word string, out []int32) []int32 {
	if id, ok := m.vocab[word]; ok && m.ignoreMerges {
		return append(out, id)
	}
	return m.mergeWord(word, out)
}

// symbol is one piece of a word being merged; size 0 marks one merged away.
type symbol struct {
	id         int32
	prev, next int32
	size       int32
}

// mergeItem is a candidate merge of the symbol at pos with its next.
type mergeItem struct {
	rank, pos, id int32
}

func (a mergeItem) less(b mergeItem) bool {
	return a.rank < b.rank || a.rank == b.rank && a.pos < b.pos
}

// wordScratch holds mergeWord's buffers.
type wordScratch struct {
	syms []symbol
	heap []mergeItem
}

var scratchPool = sync.Pool{New: func() any { return new(wordScratch) }}

// mergeWord is the library's merge_word followed by merge_all.
func (m *bpe) mergeWord(w string, out []int32) []int32 {
	sc := scratchPool.Get().(*wordScratch)
	defer scratchPool.Put(sc)
	syms := sc.syms[:0]
	add := func(id int32, size int) {
		syms = append(syms, symbol{id: id, prev: int32(len(syms)) - 1, next: int32(len(syms)) + 1, size: int32(size)})
	}
	unkSize := 0 // bytes of the pending unknown run, 0 if none
	// unit handles one character of the word: key is how the vocabulary
	// spells it, text the character itself (whose UTF-8 bytes the byte
	// fallback uses). At byte level a character is a byte and text is the
	// rune the byte-level alphabet gives it.
	unit := func(id int32, known bool, text string) {
		if known {
			if unkSize > 0 {
				add(m.unkID, unkSize)
				unkSize = 0
			}
			add(id, len(text))
			return
		}
		if m.byteFallback {
			all := true
			for k := 0; k < len(text); k++ {
				if m.byteIDs[text[k]] < 0 {
					all = false
					break
				}
			}
			if all {
				// The library adds the byte tokens without flushing a
				// pending unknown run first; kept as it does.
				for k := 0; k < len(text); k++ {
					add(m.byteIDs[text[k]], 1)
				}
				return
			}
		}
		if m.unkID >= 0 {
			switch {
			case unkSize > 0 && m.fuse:
				unkSize += len(text)
			case unkSize > 0:
				add(m.unkID, unkSize)
				unkSize = len(text)
			default:
				unkSize = len(text)
			}
		}
	}
	if m.byteLevel {
		for i := 0; i < len(w); i++ {
			id := m.byteSym[w[i]]
			if id >= 0 {
				unit(id, true, w[i:i+1])
			} else {
				unit(-1, false, string(m.b2r[w[i]]))
			}
		}
	} else {
		for i, r := range w {
			size := utf8.RuneLen(r)
			if r == utf8.RuneError {
				_, size = utf8.DecodeRuneInString(w[i:])
			}
			key := w[i : i+size]
			if m.prefix != "" && i > 0 {
				key = m.prefix + key
			}
			if m.suffix != "" && i+size == len(w) {
				key += m.suffix
			}
			id, ok := m.vocab[key]
			unit(id, ok, key)
		}
	}
	if unkSize > 0 {
		add(m.unkID, unkSize)
	}
	if len(syms) > 0 {
		syms[len(syms)-1].next = -1
	}
	h := sc.heap[:0]
	for i := 0; i+1 < len(syms); i++ {
		if v, ok := m.merges[pairKey(syms[i].id, syms[i+1].id)]; ok {
			h = heapPush(h, mergeItem{rank: int32(v >> 32), pos: int32(i), id: int32(uint32(v))})
		}
	}
	for len(h) > 0 {
		var top mergeItem
		top, h = heapPop(h)
		cur := &syms[top.pos]
		if cur.size == 0 || cur.next < 0 {
			continue
		}
		next := cur.next
		right := syms[next]
		// A candidate is stale when the pair at pos has changed since it
		// was pushed: the pair's merge then yields another token.
		v, ok := m.merges[pairKey(cur.id, right.id)]
		if !ok || int32(uint32(v)) != top.id {
			continue
		}
		cur.id = top.id
		cur.size += right.size
		cur.next = right.next
		syms[next].size = 0
		if right.next >= 0 {
			syms[right.next].prev = top.pos
		}
		if cur.prev >= 0 {
			if v, ok := m.merges[pairKey(syms[cur.prev].id, cur.id)]; ok {
				h = heapPush(h, mergeItem{rank: int32(v >> 32), pos: cur.prev, id: int32(uint32(v))})
			}
		}
		if cur.next >= 0 {
			if v, ok := m.merges[pairKey(cur.id, syms[cur.next].id)]; ok {
				h = heapPush(h, mergeItem{rank: int32(v >> 32), pos: top.pos, id: int32(uint32(v))})
			}
		}
	}
	sc.syms, sc.heap = syms, h
	for i := 0; i < len(syms); i++ {
		if syms[i].size != 0 {
			out = append(out, syms[i].id)
		}
	}
	return out
}

func heapPush(h []mergeItem, x mergeItem) []mergeItem {
	h = append(h, x)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h[i].less(h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	return h
}

func heapPop(h []mergeItem) (mergeItem, []mergeItem) {
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && h[r].less(h[l]) {
			c = r
		}
		if !h[c].less(h[i]) {
			break
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
	return top, h
}
