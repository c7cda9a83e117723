package tokenizer

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
)

// A piece is a span of normalized text on its way to the model. first
// says it starts at offset 0 of the original text (what Metaspace's
// prepend_scheme "first" asks).
type piece struct {
	s     string
	first bool
}

// A preTokenizer cuts a piece into smaller ones, appending them to out;
// empty pieces are dropped (PreTokenizedString::split in the library).
type preTokenizer interface {
	split(p piece, out []piece) []piece
}

// preConfig is what building the pre-tokenizer learned: whether pieces
// reach the model as bytes (a ByteLevel pre-tokenizer, necessarily last).
type preConfig struct {
	byteLevel bool
}

func newPreTokenizer(raw json.RawMessage, cfg *preConfig, last bool) (preTokenizer, error) {
	typ, ok, err := typeOf("pre_tokenizer", raw)
	if err != nil || !ok {
		return nil, err
	}
	if cfg.byteLevel {
		return nil, fmt.Errorf("pre_tokenizer %s after ByteLevel is not supported", typ)
	}
	switch typ {
	case "ByteLevel":
		var j struct {
			AddPrefixSpace bool  `json:"add_prefix_space"`
			UseRegex       *bool `json:"use_regex"`
		}
		if err := component("pre_tokenizer ByteLevel", raw, &j); err != nil {
			return nil, err
		}
		if !last {
			return nil, fmt.Errorf("pre_tokenizer ByteLevel must come last in its Sequence")
		}
		cfg.byteLevel = true
		b := byteLevelPre{prefixSpace: j.AddPrefixSpace}
		if j.UseRegex == nil || *j.UseRegex { // the library's default is true
			b.re, _ = compileRegex(patternGPT2)
		}
		if !b.prefixSpace && b.re == nil {
			// Splits nothing: its work, bytes for the model, is cfg's.
			return nil, nil
		}
		return b, nil
	case "Split":
		var j struct {
			Pattern  patternJSON `json:"pattern"`
			Behavior string      `json:"behavior"`
			Invert   bool        `json:"invert"`
		}
		if err := component("pre_tokenizer Split", raw, &j); err != nil {
			return nil, err
		}
		p, err := compilePattern(j.Pattern)
		if err != nil {
			return nil, fmt.Errorf("pre_tokenizer Split: %w", err)
		}
		bh, err := parseBehavior(j.Behavior)
		if err != nil {
			return nil, fmt.Errorf("pre_tokenizer Split: %w", err)
		}
		return splitPre{p: p, behavior: bh, invert: j.Invert}, nil
	case "Metaspace":
		m, err := decodeMetaspace("pre_tokenizer Metaspace", raw)
		if err != nil {
			return nil, err
		}
		return m, nil
	case "Digits":
		var j struct {
			Individual bool `json:"individual_digits"`
		}
		if err := component("pre_tokenizer Digits", raw, &j); err != nil {
			return nil, err
		}
		bh := contiguous
		if j.Individual {
			bh = isolated
		}
		return splitPre{p: charClass(unicode.IsNumber), behavior: bh}, nil
	case "Punctuation":
		var j struct {
			Behavior string `json:"behavior"`
		}
		if err := component("pre_tokenizer Punctuation", raw, &j); err != nil {
			return nil, err
		}
		bh := isolated
		if j.Behavior != "" {
			if bh, err = parseBehavior(j.Behavior); err != nil {
				return nil, fmt.Errorf("pre_tokenizer Punctuation: %w", err)
			}
		}
		return splitPre{p: charClass(isPunctuation), behavior: bh}, nil
	case "WhitespaceSplit":
		return splitPre{p: charClass(isSpace), behavior: removed}, nil
	case "CharDelimiterSplit":
		var j struct {
			Delimiter string `json:"delimiter"`
		}
		if err := component("pre_tokenizer CharDelimiterSplit", raw, &j); err != nil {
			return nil, err
		}
		d, err := oneChar("pre_tokenizer CharDelimiterSplit delimiter", j.Delimiter)
		if err != nil {
			return nil, err
		}
		return splitPre{p: charClass(func(r rune) bool { return r == d }), behavior: removed}, nil
	case "Sequence":
		var j struct {
			PreTokenizers []json.RawMessage `json:"pretokenizers"`
		}
		if err := component("pre_tokenizer Sequence", raw, &j); err != nil {
			return nil, err
		}
		var seq sequencePre
		for i, r := range j.PreTokenizers {
			p, err := newPreTokenizer(r, cfg, last && i == len(j.PreTokenizers)-1)
			if err != nil {
				return nil, err
			}
			if p != nil {
				seq = append(seq, p)
			}
		}
		switch len(seq) {
		case 0:
			return nil, nil
		case 1:
			return seq[0], nil
		}
		return seq, nil
	}
	return nil, unsupported("pre_tokenizer", typ)
}

// isPunctuation is the library's: ASCII punctuation or Unicode P*.
func isPunctuation(r rune) bool {
	return r < 0x80 && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", r) || unicode.IsPunct(r)
}

// behavior is SplitDelimiterBehavior.
type behavior int

const (
	removed behavior = iota
	isolated
	mergedWithPrevious
	mergedWithNext
	contiguous
)

func parseBehavior(s string) (behavior, error) {
	switch s {
	case "Removed":
		return removed, nil
	case "Isolated":
		return isolated, nil
	case "MergedWithPrevious":
		return mergedWithPrevious, nil
	case "MergedWithNext":
		return mergedWithNext, nil
	case "Contiguous":
		return contiguous, nil
	}
	return 0, fmt.Errorf("unknown behavior %q", s)
}

// splitPre is the Split pre-tokenizer, and the char-class splits built on it.
type splitPre struct {
	p        pattern
	behavior behavior
	invert   bool
}

// span is a stretch of a piece, a match of the pattern or not.
type span struct {
	start, end int
	match      bool
}

func (sp splitPre) split(p piece, out []piece) []piece {
	// A pattern that tiles its input (every character in some match), cut
	// Isolated or Removed-inverted, gives its matches as they are: the
	// common byte-level case, done without the span lists.
	if t, ok := sp.p.(tiler); ok && (sp.behavior == isolated || sp.behavior == removed && sp.invert) {
		for i := 0; i < len(p.s); {
			j := t.next(p.s, i)
			out = append(out, piece{s: p.s[i:j], first: p.first && i == 0})
			i = j
		}
		return out
	}
	var buf [64][2]int
	ms := sp.p.matches(p.s, buf[:0])
	// The spans cover the piece: matches and the gaps between them.
	var sbuf [128]span
	spans := sbuf[:0]
	last := 0
	for _, m := range ms {
		if m[0] > last {
			spans = append(spans, span{last, m[0], sp.invert})
		}
		spans = append(spans, span{m[0], m[1], !sp.invert})
		last = m[1]
	}
	if last < len(p.s) || len(spans) == 0 {
		spans = append(spans, span{last, len(p.s), sp.invert})
	}
	// Then the behavior decides what to keep and what to join (the fold
	// in NormalizedString::split).
	var keep [128]span
	kept := keep[:0]
	switch sp.behavior {
	case isolated:
		kept = spans
	case removed:
		for _, s := range spans {
			if !s.match {
				kept = append(kept, s)
			}
		}
	case contiguous:
		prev := false
		for _, s := range spans {
			if s.match == prev && len(kept) > 0 {
				kept[len(kept)-1].end = s.end
			} else {
				kept = append(kept, s)
			}
			prev = s.match
		}
	case mergedWithPrevious:
		prev := false
		for _, s := range spans {
			if s.match && !prev && len(kept) > 0 {
				kept[len(kept)-1].end = s.end
			} else {
				kept = append(kept, s)
			}
			prev = s.match
		}
	case mergedWithNext:
		// Folded from the right: a match joins the span after it.
		prev := false
		for i := len(spans) - 1; i >= 0; i-- {
			s := spans[i]
			if s.match && !prev && len(kept) > 0 {
				kept[len(kept)-1].start = s.start
			} else {
				kept = append(kept, s)
			}
			prev = s.match
		}
		for i, j := 0, len(kept)-1; i < j; i, j = i+1, j-1 {
			kept[i], kept[j] = kept[j], kept[i]
		}
	}
	for _, s := range kept {
		if s.end > s.start {
			out = append(out, piece{s: p.s[s.start:s.end], first: p.first && s.start == 0})
		}
	}
	return out
}

// byteLevelPre is the ByteLevel pre-tokenizer: an optional leading space,
// then GPT-2's split. Its mapping of bytes to runes is not done: the model
// reads the bytes (see bpe.byteLevel).
type byteLevelPre struct {
	prefixSpace bool
	re          pattern // nil without use_regex
}

func (b byteLevelPre) split(p piece, out []piece) []piece {
	if p.s == "" {
		return out
	}
	if b.prefixSpace && !strings.HasPrefix(p.s, " ") {
		p.s = " " + p.s
	}
	if b.re == nil {
		return append(out, p)
	}
	return splitPre{p: b.re, behavior: isolated}.split(p, out)
}

// prependScheme is Metaspace's: always, first (only the piece at the start
// of the text), never.
type prependScheme int

const (
	prependAlways prependScheme = iota
	prependFirst
	prependNever
)

type metaspace struct {
	repl    rune
	rs      string
	scheme  prependScheme
	splitOn bool
}

// decodeMetaspace reads a Metaspace pre-tokenizer or decoder: the library
// serializes one struct for both (split matters to the pre-tokenizer only).
func decodeMetaspace(what string, raw json.RawMessage) (metaspace, error) {
	var j struct {
		Replacement    string  `json:"replacement"`
		PrependScheme  *string `json:"prepend_scheme"`
		AddPrefixSpace *bool   `json:"add_prefix_space"`
		Split          *bool   `json:"split"`
	}
	if err := component(what, raw, &j); err != nil {
		return metaspace{}, err
	}
	m, err := newMetaspace(j.Replacement, j.PrependScheme, j.AddPrefixSpace)
	if err != nil {
		return metaspace{}, fmt.Errorf("%s: %w", what, err)
	}
	m.splitOn = j.Split == nil || *j.Split
	return m, nil
}

func newMetaspace(repl string, scheme *string, addPrefix *bool) (metaspace, error) {
	r, err := oneChar("replacement", repl)
	if err != nil {
		return metaspace{}, err
	}
	m := metaspace{repl: r, rs: repl, scheme: prependAlways}
	switch {
	case scheme != nil:
		switch *scheme {
		case "always":
		case "first":
			m.scheme = prependFirst
		case "never":
			m.scheme = prependNever
		default:
			return metaspace{}, fmt.Errorf("unknown prepend_scheme %q", *scheme)
		}
	case addPrefix != nil && !*addPrefix: // the older spelling
		m.scheme = prependNever
	}
	return m, nil
}

func (m metaspace) split(p piece, out []piece) []piece {
	if p.s == "" {
		return out
	}
	s := strings.ReplaceAll(p.s, " ", m.rs)
	if !strings.HasPrefix(s, m.rs) && (m.scheme == prependAlways || m.scheme == prependFirst && p.first) {
		s = m.rs + s
	}
	p.s = s
	if !m.splitOn {
		return append(out, p)
	}
	return splitPre{p: charClass(func(r rune) bool { return r == m.repl }), behavior: mergedWithNext}.split(p, out)
}

type sequencePre []preTokenizer

func (q sequencePre) split(p piece, out []piece) []piece {
	cur := []piece{p}
	for _, pt := range q {
		var next []piece
		for _, c := range cur {
			next = pt.split(c, next)
		}
		cur = next
	}
	return append(out, cur...)
}
