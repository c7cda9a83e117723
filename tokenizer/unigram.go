package tokenizer

import (
	"encoding/json"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/inferbench/inferbench/internal/jsonerr"
)

// unigram is the Unigram model of Hugging Face tokenizers (models/unigram/
// model.rs, after SentencePiece's unigram_model.cc): the segmentation of a
// word into vocabulary pieces with the highest total score (Viterbi over
// every piece that starts at each character). A character no piece starts
// with costs the lowest score less 10 and becomes the unknown token, runs
// of unknowns fused into one; an unknown run then falls back to its bytes
// (<0xXX>) when byte_fallback is set and they are all in the vocabulary.
type unigram struct {
	ids map[string]int32
	// prefixes holds every byte prefix of every piece: the piece's id, or
	// -1 for a prefix that is not itself a piece, so the search along the
	// text stops as soon as no piece can continue.
	prefixes     map[string]int32
	scores       []float64
	unkID        int32
	unkScore     float64
	byteFallback bool
	byteIDs      [256]int32 // <0x00>..<0xFF>; -1 where missing
	cache        wordCache
}

type unigramJSON struct {
	UnkID        *int               `json:"unk_id"`
	Vocab        []json.RawMessage  `json:"vocab"`
	ByteFallback bool               `json:"byte_fallback"`
	pieces       []unigramPieceJSON // decoded from Vocab
}

type unigramPieceJSON struct {
	piece string
	score float64
}

func decodeUnigram(raw json.RawMessage) (*unigramJSON, error) {
	var j unigramJSON
	if err := component("model", raw, &j); err != nil {
		return nil, err
	}
	if len(j.Vocab) > maxVocab {
		return nil, fmt.Errorf("model: vocabulary of %d pieces is larger than %d", len(j.Vocab), maxVocab)
	}
	j.pieces = make([]unigramPieceJSON, len(j.Vocab))
	for i, r := range j.Vocab {
		var pair []json.RawMessage
		if err := json.Unmarshal(r, &pair); err != nil || len(pair) != 2 {
			return nil, fmt.Errorf("model: vocab[%d] is not a [piece, score] pair", i)
		}
		if err := json.Unmarshal(pair[0], &j.pieces[i].piece); err != nil {
			return nil, fmt.Errorf("model: vocab[%d]: piece: %w", i, jsonerr.TypeError(err))
		}
		if err := json.Unmarshal(pair[1], &j.pieces[i].score); err != nil {
			return nil, fmt.Errorf("model: vocab[%d]: score: %w", i, jsonerr.TypeError(err))
		}
	}
	j.Vocab = nil
	return &j, nil
}

func newUnigram(j *unigramJSON) (*unigram, []string, error) {
	if len(j.pieces) == 0 {
		return nil, nil, fmt.Errorf("model: Unigram with an empty vocabulary")
	}
	// The library fails the whole encoding on a character outside the
	// vocabulary when there is no unknown token; such a file cannot count
	// every text, so it is refused here.
	if j.UnkID == nil {
		return nil, nil, fmt.Errorf("model: Unigram without unk_id is not supported")
	}
	if *j.UnkID < 0 || *j.UnkID >= len(j.pieces) {
		return nil, nil, fmt.Errorf("model: unk_id %d outside the vocabulary of %d pieces", *j.UnkID, len(j.pieces))
	}
	u := &unigram{
		ids:          make(map[string]int32, len(j.pieces)),
		prefixes:     make(map[string]int32, 2*len(j.pieces)),
		scores:       make([]float64, len(j.pieces)),
		unkID:        int32(*j.UnkID),
		byteFallback: j.ByteFallback,
	}
	toks := make([]string, len(j.pieces))
	minScore := math.Inf(1)
	for i, p := range j.pieces {
		if p.piece == "" {
			return nil, nil, fmt.Errorf("model: vocab[%d] is an empty piece", i)
		}
		u.ids[p.piece] = int32(i)
		toks[i] = p.piece
		u.scores[i] = p.score
		minScore = min(minScore, p.score)
		for k := 1; k < len(p.piece); k++ {
			if _, ok := u.prefixes[p.piece[:k]]; !ok {
				u.prefixes[p.piece[:k]] = -1
			}
		}
	}
	// A later duplicate of a piece takes its id, as in the library.
	for piece, id := range u.ids {
		u.prefixes[piece] = id
	}
	u.unkScore = minScore - 10
	for b := range 256 {
		u.byteIDs[b] = -1
		if id, ok := u.ids[fmt.Sprintf("<0x%02X>", b)]; ok {
			u.byteIDs[b] = id
		}
	}
	return u, toks, nil
}

func (u *unigram) tokenize(word string, out []int32) []int32 {
	if word == "" {
		return out
	}
	return u.cache.through(word, out, u.viterbi)
}

// node is the best path ending at a byte offset.
type node struct {
	score float64
	start int // -1: not reached
	id    int32
}

func (u *unigram) viterbi(s string, out []int32) []int32 {
	best := make([]node, len(s)+1)
	for i := range best {
		best[i].start = -1
	}
	best[0].start = 0
	for start := 0; start < len(s); {
		base := best[start].score
		_, charLen := utf8.DecodeRuneInString(s[start:])
		single := false
		// Every piece that starts here, shortest first, as the library's
		// trie gives them; a later candidate must do strictly better.
		for end := start + 1; end <= len(s); end++ {
			id, ok := u.prefixes[s[start:end]]
			if !ok {
				break
			}
			if id < 0 {
				continue
			}
			cand := u.scores[id] + base
			if t := &best[end]; t.start < 0 || cand > t.score {
				t.score, t.start, t.id = cand, start, id
			}
			if end-start == charLen {
				single = true
			}
		}
		if !single {
			cand := u.unkScore + base
			if t := &best[start+charLen]; t.start < 0 || cand > t.score {
				t.score, t.start, t.id = cand, start, u.unkID
			}
		}
		start += charLen
	}
	// Walk back from the end; consecutive unknowns become one piece.
	var spans [][3]int // start, end, id (id -1 for a fused unknown run)
	for end := len(s); end > 0; {
		nd := best[end]
		if nd.id == u.unkID && len(spans) > 0 && spans[len(spans)-1][2] == -1 {
			spans[len(spans)-1][0] = nd.start
		} else if nd.id == u.unkID {
			spans = append(spans, [3]int{nd.start, end, -1})
		} else {
			spans = append(spans, [3]int{nd.start, end, int(nd.id)})
		}
		end = nd.start
	}
	for i := len(spans) - 1; i >= 0; i-- {
		sp := spans[i]
		if sp[2] >= 0 {
			out = append(out, int32(sp[2]))
			continue
		}
		// An unknown run is looked up whole (it may be a piece after all,
		// e.g. a lone unknown whose text is in the vocabulary); then its
		// bytes; then the unknown token.
		piece := s[sp[0]:sp[1]]
		if id, ok := u.ids[piece]; ok {
			out = append(out, id)
			continue
		}
		if u.byteFallback && u.appendBytes(piece, &out) {
			continue
		}
		out = append(out, u.unkID)
	}
	return out
}

// appendBytes appends the <0xXX> ids of piece's bytes, if all exist.
func (u *unigram) appendBytes(piece string, out *[]int32) bool {
	for i := 0; i < len(piece); i++ {
		if u.byteIDs[piece[i]] < 0 {
			return false
		}
	}
	for i := 0; i < len(piece); i++ {
		*out = append(*out, u.byteIDs[piece[i]])
	}
	return true
}
