package tokenizer

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A pattern finds the [start, end) byte ranges of its matches in s, left to
// right, not overlapping (the Pattern trait of the library's Split
// pre-tokenizer and Replace normalizer).
type pattern interface {
	matches(s string, out [][2]int) [][2]int
}

// The pre-tokenizer patterns of the common byte-level models. The library
// runs them with Oniguruma; Go's regexp (RE2) has no lookahead, which the
// `\s+(?!\S)` alternative of all three needs ("a run of white space, less
// its last character when a non-space follows, so that the space goes with
// the next word"), and its \s is ASCII where Oniguruma's is Unicode
// White_Space. So these three are matched by a hand-written scanner
// (gptScanner) that follows the regex alternative by alternative, and any
// other pattern is translated for regexp with that alternative done by hand
// (goRegexp). A differential fuzz test (FuzzScannerVsRegexp) keeps the two
// in agreement.
const (
	// GPT-2's, also the ByteLevel pre-tokenizer's own when use_regex is set.
	patternGPT2 = `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
	// cl100k_base's, used by Llama-3 (and GPT-4, DeepSeek-V3, ...).
	patternCL100K = `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
	// Qwen2's (and Qwen2.5, Qwen3): cl100k's with single digits.
	patternQwen2 = `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
)

// wsTail is the lookahead ending every one of those patterns.
const wsTail = `\s+(?!\S)|\s+`

// compilePattern builds a Split or Replace pattern.
func compilePattern(p patternJSON) (pattern, error) {
	switch {
	case p.String != nil:
		return literal(*p.String), nil
	case p.Regex != nil:
		return compileRegex(*p.Regex)
	}
	return nil, fmt.Errorf("pattern has neither String nor Regex")
}

func compileRegex(re string) (pattern, error) {
	switch re {
	case patternGPT2:
		return gptScanner{contractionsFold: false, letterPrefix: false, digits: 0}, nil
	case patternCL100K:
		return gptScanner{contractionsFold: true, letterPrefix: true, digits: 3}, nil
	case patternQwen2:
		return gptScanner{contractionsFold: true, letterPrefix: true, digits: 1}, nil
	}
	return newGoRegexp(re)
}

// literal matches a string (a String pattern; the library escapes it into a
// regex). The empty string matches nothing.
type literal string

func (l literal) matches(s string, out [][2]int) [][2]int {
	if l == "" {
		return out
	}
	for i := 0; ; {
		j := strings.Index(s[i:], string(l))
		if j < 0 {
			return out
		}
		out = append(out, [2]int{i + j, i + j + len(l)})
		i += j + len(l)
	}
}

// charClass matches each character for which f holds, one match per
// character (the library's Pattern for Fn(char) -> bool).
type charClass func(rune) bool

func (f charClass) matches(s string, out [][2]int) [][2]int {
	for i, r := range s {
		if f(r) {
			out = append(out, [2]int{i, i + utf8.RuneLen(r)})
		}
	}
	return out
}

// isSpace is Oniguruma's \s and Rust's char::is_whitespace: the Unicode
// White_Space property, which is what unicode.IsSpace tests.
func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r] == clsSpace
	}
	return unicode.IsSpace(r)
}

const (
	clsOther = iota
	clsLetter
	clsNumber
	clsSpace
)

var asciiClass = func() (t [128]uint8) {
	for c := range 128 {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			t[c] = clsLetter
		case c >= '0' && c <= '9':
			t[c] = clsNumber
		case c == ' ', c >= '\t' && c <= '\r':
			t[c] = clsSpace
		}
	}
	return t
}()

// class returns the class of the rune at s[i] and its size.
func class(s string, i int) (int, int, rune) {
	if c := s[i]; c < utf8.RuneSelf {
		return int(asciiClass[c]), 1, rune(c)
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	switch {
	case unicode.IsLetter(r):
		return clsLetter, n, r
	case unicode.IsNumber(r):
		return clsNumber, n, r
	case unicode.IsSpace(r):
		return clsSpace, n, r
	}
	return clsOther, n, r
}

// A tiler is a pattern whose matches cover all of its input, one after
// the other: next returns the end of the match that starts at i.
type tiler interface {
	next(s string, i int) int
}

// gptScanner matches patternGPT2 (contractionsFold false, letterPrefix
// false, digits 0 meaning a ` ?\p{N}+` run) or patternCL100K / patternQwen2
// (case-folded contractions, `[^\r\n\p{L}\p{N}]?\p{L}+`, `\p{N}{1,digits}`,
// `[\r\n]*` after punctuation and `\s*[\r\n]+`). Every character of the
// input falls in some alternative, so the matches tile s.
type gptScanner struct {
	contractionsFold bool
	letterPrefix     bool
	digits           int
}

func (g gptScanner) matches(s string, out [][2]int) [][2]int {
	for i := 0; i < len(s); {
		j := g.next(s, i)
		out = append(out, [2]int{i, j})
		i = j
	}
	return out
}

// next returns the end of the match that starts at i: the first alternative
// of the pattern that matches there, as a backtracking engine takes it.
func (g gptScanner) next(s string, i int) int {
	c, n, r := class(s, i)
	// 's|'t|'re|'ve|'m|'ll|'d, case-folded with (?i:…) in cl100k.
	if r == '\'' {
		if k := contraction(s[i+1:], g.contractionsFold); k > 0 {
			return i + 1 + k
		}
	}
	if g.letterPrefix {
		// [^\r\n\p{L}\p{N}]?\p{L}+
		if c == clsLetter {
			return runEnd(s, i, clsLetter)
		}
		if c != clsNumber && r != '\r' && r != '\n' && i+n < len(s) {
			if c2, _, _ := class(s, i+n); c2 == clsLetter {
				return runEnd(s, i+n, clsLetter)
			}
		}
		// \p{N}{1,digits}
		if c == clsNumber {
			j := i + n
			for k := 1; k < g.digits && j < len(s); k++ {
				c2, n2, _ := class(s, j)
				if c2 != clsNumber {
					break
				}
				j += n2
			}
			return j
		}
		// ` ?[^\s\p{L}\p{N}]+[\r\n]*`
		if j, ok := spacedRun(s, i, c, n, r, clsOther); ok {
			for j < len(s) && (s[j] == '\r' || s[j] == '\n') {
				j++
			}
			return j
		}
		if c == clsSpace {
			// \s*[\r\n]+: the run of white space up to its last \r or \n.
			e := runEnd(s, i, clsSpace)
			if k := strings.LastIndexAny(s[i:e], "\r\n"); k >= 0 {
				return i + k + 1
			}
			return spaceTail(s, i, e)
		}
	} else {
		// ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
		for _, want := range [...]int{clsLetter, clsNumber, clsOther} {
			if j, ok := spacedRun(s, i, c, n, r, want); ok {
				return j
			}
		}
		if c == clsSpace {
			return spaceTail(s, i, runEnd(s, i, clsSpace))
		}
	}
	// Unreachable: every class is handled above. Take the character alone.
	return i + n
}

// spacedRun matches ` ?X+` at i for the class X: an optional ASCII space
// then a run of X.
func spacedRun(s string, i, c, n int, r rune, want int) (int, bool) {
	if c == want {
		return runEnd(s, i, want), true
	}
	if r == ' ' && i+1 < len(s) {
		if c2, _, _ := class(s, i+1); c2 == want {
			return runEnd(s, i+1, want), true
		}
	}
	return 0, false
}

// spaceTail matches `\s+(?!\S)|\s+` on the white-space run [i, e): the
// whole run at the end of s; else the run less its last character when
// that leaves any (so the last space goes with the word after it); else the
// single character.
func spaceTail(s string, i, e int) int {
	if e == len(s) {
		return e
	}
	_, last := utf8.DecodeLastRuneInString(s[i:e])
	if e-last > i {
		return e - last
	}
	return e
}

// runEnd returns the end of the run of class c starting at i.
func runEnd(s string, i, c int) int {
	for i < len(s) {
		c2, n, _ := class(s, i)
		if c2 != c {
			break
		}
		i += n
	}
	return i
}

// contraction returns the length of the contraction suffix ('s, 't, 're,
// 've, 'm, 'll, 'd without the apostrophe) at the start of s, 0 if none.
// With fold, letters compare under Unicode simple case folding, as (?i:…)
// does in Oniguruma: "S", and "ſ" (U+017F), match "s".
func contraction(s string, fold bool) int {
	for _, suf := range [...]string{"s", "t", "re", "ve", "m", "ll", "d"} {
		if k := prefixFold(s, suf, fold); k > 0 {
			return k
		}
	}
	return 0
}

// prefixFold returns the byte length of the prefix of s equal to the ASCII
// string want (under case folding with fold), 0 if none.
func prefixFold(s, want string, fold bool) int {
	j := 0
	for k := 0; k < len(want); k++ {
		if j >= len(s) {
			return 0
		}
		r, n := utf8.DecodeRuneInString(s[j:])
		w := rune(want[k])
		if r != w && (!fold || !foldEqual(r, w)) {
			return 0
		}
		j += n
	}
	return j
}

// foldEqual reports whether r and w are in one simple case-folding orbit.
func foldEqual(r, w rune) bool {
	for f := unicode.SimpleFold(w); f != w; f = unicode.SimpleFold(f) {
		if f == r {
			return true
		}
	}
	return false
}

// goRegexp runs a pattern Go's regexp can express once its \s, \S, \d and
// \w are widened to Unicode (Oniguruma's meaning), and a trailing
// `\s+(?!\S)|\s+` is matched by hand: at each point the earliest match of
// the rest (head) wins, unless the white space starts earlier; at equal
// starts the head wins, being the earlier alternative.
type goRegexp struct {
	head   *regexp.Regexp // nil when the pattern is only the tail
	wsTail bool
}

func newGoRegexp(re string) (pattern, error) {
	g := goRegexp{}
	head := re
	if re == wsTail {
		head, g.wsTail = "", true
	} else if h, ok := strings.CutSuffix(re, "|"+wsTail); ok {
		head, g.wsTail = h, true
	}
	for _, look := range []string{"(?!", "(?=", "(?<=", "(?<!"} {
		if strings.Contains(head, look) {
			return nil, fmt.Errorf("regex %q uses lookaround, which only the trailing %s form of is supported", clip(re), wsTail)
		}
	}
	if head != "" {
		w, err := widenClasses(head)
		if err != nil {
			return nil, fmt.Errorf("regex %q: %w", clip(re), err)
		}
		g.head, err = regexp.Compile(w)
		if err != nil {
			return nil, fmt.Errorf("regex %q is not supported: %w", clip(re), err)
		}
	}
	return g, nil
}

func (g goRegexp) matches(s string, out [][2]int) [][2]int {
	ws := -1 // the next white space at or after p, once looked for
	for p := 0; p <= len(s); {
		start, end := -1, -1
		if g.head != nil {
			if loc := g.head.FindStringIndex(s[p:]); loc != nil {
				start, end = p+loc[0], p+loc[1]
			}
		}
		if g.wsTail {
			if ws < p {
				ws = p
				for ws < len(s) {
					c, n, _ := class(s, ws)
					if c == clsSpace {
						break
					}
					ws += n
				}
			}
			if w := ws; w < len(s) && (start < 0 || w < start) {
				start, end = w, spaceTail(s, w, runEnd(s, w, clsSpace))
			}
		}
		if start < 0 {
			return out
		}
		out = append(out, [2]int{start, end})
		if end > start {
			p = end
			continue
		}
		// An empty match: step over one character so the search moves on.
		if end >= len(s) {
			return out
		}
		_, n := utf8.DecodeRuneInString(s[end:])
		p = end + n
	}
	return out
}

// Oniguruma's Unicode classes, spelt for RE2 (inside a bracket).
const (
	spaceSet = `\t-\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}`
	wordSet  = `\p{L}\p{M}\p{Nd}\p{Pc}`
	digitSet = `\p{Nd}`
)

// widenClasses rewrites \s \S \d \D \w \W to their Unicode meaning. A
// negated class inside brackets ([^\S] and the like) cannot be written for
// RE2 and is refused.
func widenClasses(re string) (string, error) {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(re); i++ {
		c := re[i]
		switch {
		case c == '\\' && i+1 < len(re):
			e := re[i+1]
			i++
			set := ""
			switch e {
			case 's', 'S':
				set = spaceSet
			case 'd', 'D':
				set = digitSet
			case 'w', 'W':
				set = wordSet
			case 'b', 'B', 'h', 'H', 'R', 'X', 'K', 'G', 'Z':
				return "", fmt.Errorf(`\%c has no equivalent here`, e)
			default:
				b.WriteByte('\\')
				b.WriteByte(e)
				continue
			}
			negated := e == 'S' || e == 'D' || e == 'W'
			switch {
			case inClass && negated:
				return "", fmt.Errorf(`\%c inside a bracket has no equivalent here`, e)
			case inClass:
				b.WriteString(set)
			case negated:
				b.WriteString("[^" + set + "]")
			default:
				b.WriteString("[" + set + "]")
			}
		case c == '[' && !inClass:
			inClass = true
			b.WriteByte(c)
			// A ']' right after '[' or '[^' is a literal.
			if i+1 < len(re) && re[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(re) && re[i+1] == ']' {
				b.WriteByte(']')
				i++
			}
		case c == '[' && inClass:
			if strings.HasPrefix(re[i:], "[:") {
				k := strings.Index(re[i:], ":]")
				if k > 0 {
					b.WriteString(re[i : i+k+2])
					i += k + 1
					continue
				}
			}
			return "", fmt.Errorf("nested brackets are not supported")
		case c == ']' && inClass:
			inClass = false
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// clip shortens s for an error message.
func clip(s string) string {
	const n = 80
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "") + "…"
	}
	return s
}
