package tokenizer

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// addedToken is an entry of added_tokens: text matched whole in the input
// before anything else (special tokens such as <s> and <|im_start|>, and
// the rest).
type addedToken struct {
	id                                   int32
	content                              string
	singleWord, lstrip, rstrip, normSide bool
	special                              bool
}

// matcher finds added tokens in text, leftmost first and, at one position,
// longest first (the library's aho-corasick MatchKind::LeftmostLongest).
type matcher struct {
	byFirst [256][]*addedToken // by first byte, longest content first
	pattern map[*addedToken]string
	firsts  string // the distinct first bytes
}

func newMatcher(toks []*addedToken, pattern func(*addedToken) string) *matcher {
	m := &matcher{pattern: map[*addedToken]string{}}
	for _, t := range toks {
		p := pattern(t)
		if p == "" {
			continue
		}
		m.pattern[t] = p
		if len(m.byFirst[p[0]]) == 0 {
			m.firsts += p[:1]
		}
		m.byFirst[p[0]] = append(m.byFirst[p[0]], t)
	}
	for i := range m.byFirst {
		slices.SortStableFunc(m.byFirst[i], func(a, b *addedToken) int { return len(m.pattern[b]) - len(m.pattern[a]) })
	}
	return m
}

func (m *matcher) empty() bool { return len(m.pattern) == 0 }

// segment is a stretch of the input: an added token (id ≥ 0) or text, never
// empty.
type segment struct {
	s     string
	id    int32
	first bool
}

// split cuts s around the added tokens found in it (AddedVocabulary::
// find_matches): a single_word token must not touch a word character on
// either side; lstrip and rstrip take the white space beside the token
// into it. An empty s gives no segment.
func (m *matcher) split(s string, first bool, out []segment) []segment {
	if s == "" {
		return out
	}
	if m == nil || m.empty() {
		return append(out, segment{s: s, id: -1, first: first})
	}
	startOff := 0
	for i := 0; i < len(s); {
		// Jump to the next byte that can start a token.
		k := strings.IndexAny(s[i:], m.firsts)
		if len(m.firsts) == 1 {
			k = strings.IndexByte(s[i:], m.firsts[0])
		}
		if k < 0 {
			break
		}
		i += k
		cands := m.byFirst[s[i]]
		var hit *addedToken
		for _, t := range cands {
			if strings.HasPrefix(s[i:], m.pattern[t]) {
				hit = t
				break
			}
		}
		if hit == nil {
			i++
			continue
		}
		start, stop := i, i+len(m.pattern[hit])
		if hit.singleWord {
			if start > 0 && isWordChar(lastRune(s[:start])) || stop < len(s) && isWordChar(firstRune(s[stop:])) {
				i = stop // the search goes on after the refused match
				continue
			}
		}
		if hit.lstrip {
			start = max(len(strings.TrimRightFunc(s[:start], unicode.IsSpace)), startOff)
		}
		if hit.rstrip {
			stop = len(s) - len(strings.TrimLeftFunc(s[stop:], unicode.IsSpace))
		}
		if startOff < start {
			out = append(out, segment{s: s[startOff:start], id: -1, first: first && startOff == 0})
		}
		out = append(out, segment{s: s[start:stop], id: hit.id})
		startOff = stop
		i = stop
	}
	if startOff < len(s) {
		out = append(out, segment{s: s[startOff:], id: -1, first: first && startOff == 0})
	}
	return out
}

// isWordChar is what single_word treats as part of a word: the regex \w of
// Rust's regex crate (Alphabetic, marks, decimal digits, connector
// punctuation, joiners). So ½ (No) is not part of a word and a combining
// accent is: the reference ids say so.
func isWordChar(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || asciiClass[r] == clsLetter || asciiClass[r] == clsNumber
	}
	return unicode.In(r, unicode.L, unicode.Nl, unicode.Other_Alphabetic, unicode.M, unicode.Nd, unicode.Pc, unicode.Join_Control)
}

func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }
func lastRune(s string) rune  { r, _ := utf8.DecodeLastRuneInString(s); return r }
