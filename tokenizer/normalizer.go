package tokenizer

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// A normalizer rewrites a piece of text before it is split (normalizers/
// in the library). Only the text matters here: offsets are not kept.
type normalizer interface {
	normalize(s string) string
}

func newNormalizer(raw json.RawMessage) (normalizer, error) {
	typ, ok, err := typeOf("normalizer", raw)
	if err != nil || !ok {
		return nil, err
	}
	switch typ {
	case "NFC":
		return unicodeForm{norm.NFC}, nil
	case "NFD":
		return unicodeForm{norm.NFD}, nil
	case "NFKC":
		return unicodeForm{norm.NFKC}, nil
	case "NFKD":
		return unicodeForm{norm.NFKD}, nil
	case "Lowercase":
		return lowercase{}, nil
	case "Prepend":
		var j struct {
			Prepend string `json:"prepend"`
		}
		if err := component("normalizer Prepend", raw, &j); err != nil {
			return nil, err
		}
		return prepend(j.Prepend), nil
	case "Replace":
		r, err := decodeReplace("normalizer Replace", raw)
		if err != nil {
			return nil, err
		}
		return r, nil
	case "Strip":
		var j struct {
			Left  bool `json:"strip_left"`
			Right bool `json:"strip_right"`
		}
		if err := component("normalizer Strip", raw, &j); err != nil {
			return nil, err
		}
		return strip{left: j.Left, right: j.Right}, nil
	case "StripAccents":
		return stripAccents{}, nil
	case "Sequence":
		var j struct {
			Normalizers []json.RawMessage `json:"normalizers"`
		}
		if err := component("normalizer Sequence", raw, &j); err != nil {
			return nil, err
		}
		seq, err := buildAll(j.Normalizers, newNormalizer)
		if err != nil {
			return nil, err
		}
		return sequenceNormalizer(seq), nil
	}
	return nil, unsupported("normalizer", typ)
}

type unicodeForm struct{ f norm.Form }

func (u unicodeForm) normalize(s string) string { return u.f.String(s) }

// lowercase maps each rune to its lower case, rune by rune as Rust's
// char::to_lowercase does: no context (a final sigma stays σ), and the one
// unconditional special casing, İ (U+0130) → "i̇".
type lowercase struct{}

func (lowercase) normalize(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r == 'İ' {
			b.WriteString("i\u0307")
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// prepend adds its text before a non-empty piece.
type prepend string

func (p prepend) normalize(s string) string {
	if s == "" {
		return s
	}
	return string(p) + s
}

// replace replaces each match of p with with; the Replace decoder is the
// same (replaceDec).
type replace struct {
	p    pattern
	with string
}

// decodeReplace reads a Replace normalizer or decoder: {pattern, content}.
func decodeReplace(what string, raw json.RawMessage) (replace, error) {
	var j struct {
		Pattern patternJSON `json:"pattern"`
		Content string      `json:"content"`
	}
	if err := component(what, raw, &j); err != nil {
		return replace{}, err
	}
	p, err := compilePattern(j.Pattern)
	if err != nil {
		return replace{}, fmt.Errorf("%s: %w", what, err)
	}
	return replace{p: p, with: j.Content}, nil
}

func (r replace) normalize(s string) string {
	if lit, ok := r.p.(literal); ok {
		if string(lit) == "" {
			return s
		}
		return strings.ReplaceAll(s, string(lit), r.with)
	}
	var b strings.Builder
	last := 0
	for _, m := range r.p.matches(s, nil) {
		b.WriteString(s[last:m[0]])
		b.WriteString(r.with)
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// strip removes white space (Unicode White_Space, Rust's char::is_whitespace).
type strip struct{ left, right bool }

func (st strip) normalize(s string) string {
	if st.left {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
	}
	if st.right {
		s = strings.TrimRightFunc(s, unicode.IsSpace)
	}
	return s
}

// stripAccents removes non-spacing marks (Mn), as the library's
// StripAccents does; it is meant to follow NFD.
type stripAccents struct{}

func (stripAccents) normalize(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, s)
}

type sequenceNormalizer []normalizer

func (q sequenceNormalizer) normalize(s string) string {
	for _, n := range q {
		s = n.normalize(s)
	}
	return s
}
