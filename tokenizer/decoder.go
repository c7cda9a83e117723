package tokenizer

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A decoder turns token strings back into text (decoders/ in the library:
// decode_chain maps the list of tokens to a new list, which is joined).
type decoder interface {
	decode(toks []string) []string
}

func newDecoder(raw json.RawMessage) (decoder, error) {
	typ, ok, err := typeOf("decoder", raw)
	if err != nil || !ok {
		return nil, err
	}
	switch typ {
	case "ByteLevel":
		_, r2b := byteLevelRunes()
		return byteLevelDec{r2b: r2b}, nil
	case "Metaspace":
		m, err := decodeMetaspace("decoder Metaspace", raw)
		if err != nil {
			return nil, err
		}
		return metaspaceDec(m), nil
	case "Replace":
		r, err := decodeReplace("decoder Replace", raw)
		if err != nil {
			return nil, err
		}
		return replaceDec(r), nil
	case "ByteFallback":
		return byteFallbackDec{}, nil
	case "Fuse":
		return fuseDec{}, nil
	case "Strip":
		var j struct {
			Content string `json:"content"`
			Start   int    `json:"start"`
			Stop    int    `json:"stop"`
		}
		if err := component("decoder Strip", raw, &j); err != nil {
			return nil, err
		}
		c, err := oneChar("decoder Strip content", j.Content)
		if err != nil {
			return nil, err
		}
		return stripDec{c: c, start: max(j.Start, 0), stop: max(j.Stop, 0)}, nil
	case "BPEDecoder":
		var j struct {
			Suffix *string `json:"suffix"`
		}
		if err := component("decoder BPEDecoder", raw, &j); err != nil {
			return nil, err
		}
		suffix := "</w>"
		if j.Suffix != nil {
			suffix = *j.Suffix
		}
		return bpeDec{suffix: suffix}, nil
	case "Sequence":
		var j struct {
			Decoders []json.RawMessage `json:"decoders"`
		}
		if err := component("decoder Sequence", raw, &j); err != nil {
			return nil, err
		}
		seq, err := buildAll(j.Decoders, newDecoder)
		if err != nil {
			return nil, err
		}
		return sequenceDec(seq), nil
	}
	return nil, unsupported("decoder", typ)
}

// byteLevelDec joins the tokens and maps each rune back to its byte; a
// token with a rune outside the alphabet (an added token such as 你好)
// is taken as its own UTF-8. Invalid UTF-8 becomes U+FFFD.
type byteLevelDec struct{ r2b map[rune]byte }

func (d byteLevelDec) decode(toks []string) []string {
	var b []byte
	for _, t := range toks {
		if raw, ok := unByteLevel(t, d.r2b); ok {
			b = append(b, raw...)
		} else {
			b = append(b, t...)
		}
	}
	return []string{lossyUTF8(b)}
}

// lossyUTF8 is Rust's String::from_utf8_lossy: each maximal invalid
// sequence becomes one U+FFFD.
func lossyUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var s strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r != utf8.RuneError || n != 1 {
			s.Write(b[:n])
			b = b[n:]
			continue
		}
		s.WriteRune(utf8.RuneError)
		b = b[invalidPrefix(b):]
	}
	return s.String()
}

// invalidPrefix returns the length of the maximal prefix of b (which starts
// with an invalid sequence) that Rust's from_utf8_lossy replaces with one
// U+FFFD: a lead byte followed by the continuation bytes that were valid so
// far, or one byte.
func invalidPrefix(b []byte) int {
	c := b[0]
	var need int
	lo, hi := byte(0x80), byte(0xBF)
	switch {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
		need = 2
	case c == 0xED:
		need, hi = 2, 0x9F
	case c == 0xF0:
		need, lo = 3, 0x90
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	case c == 0xF4:
		need, hi = 3, 0x8F
	default:
		return 1
	}
	n := 1
	for k := 0; k < need && n < len(b); k++ {
		if b[n] < lo || b[n] > hi {
			break
		}
		lo, hi = 0x80, 0xBF
		n++
	}
	return n
}

// metaspaceDec turns the replacement back into spaces; in the first token
// (unless the scheme is never) every replacement is dropped instead, as the
// library does.
type metaspaceDec metaspace

func (d metaspaceDec) decode(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		drop := i == 0 && d.scheme != prependNever
		out[i] = strings.Map(func(r rune) rune {
			if r != d.repl {
				return r
			}
			if drop {
				return -1
			}
			return ' '
		}, t)
	}
	return out
}

type replaceDec replace

func (d replaceDec) decode(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = replace(d).normalize(t)
	}
	return out
}

// byteFallbackDec turns runs of <0xXX> tokens into the text their bytes
// spell, or one U+FFFD per byte when they are not valid UTF-8.
type byteFallbackDec struct{}

func (byteFallbackDec) decode(toks []string) []string {
	var out []string
	var pend []byte
	flush := func() {
		if len(pend) == 0 {
			return
		}
		if utf8.Valid(pend) {
			out = append(out, string(pend))
		} else {
			for range pend {
				out = append(out, "\uFFFD")
			}
		}
		pend = pend[:0]
	}
	for _, t := range toks {
		if len(t) == 6 && strings.HasPrefix(t, "<0x") && t[5] == '>' {
			// Rust's u8::from_str_radix, which also takes a leading '+'.
			if v, err := strconv.ParseUint(strings.TrimPrefix(t[3:5], "+"), 16, 8); err == nil && t[3] != '-' {
				pend = append(pend, byte(v))
				continue
			}
		}
		flush()
		out = append(out, t)
	}
	flush()
	return out
}

type fuseDec struct{}

func (fuseDec) decode(toks []string) []string { return []string{strings.Join(toks, "")} }

// stripDec removes up to start leading and stop trailing c from each token.
type stripDec struct {
	c           rune
	start, stop int
}

func (d stripDec) decode(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		rs := []rune(t)
		a := 0
		for a < len(rs) && a < d.start && rs[a] == d.c {
			a++
		}
		z := len(rs)
		for k := 0; k < d.stop && z > a && rs[z-1] == d.c; k++ {
			z--
		}
		out[i] = string(rs[a:z])
	}
	return out
}

// bpeDec replaces the end-of-word suffix with a space, except at the end.
type bpeDec struct{ suffix string }

func (d bpeDec) decode(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		with := " "
		if i == len(toks)-1 {
			with = ""
		}
		out[i] = strings.ReplaceAll(t, d.suffix, with)
	}
	return out
}

type sequenceDec []decoder

func (q sequenceDec) decode(toks []string) []string {
	for _, d := range q {
		toks = d.decode(toks)
	}
	return toks
}
