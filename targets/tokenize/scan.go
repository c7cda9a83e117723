package tokenize

import (
	"bytes"
	"math"

	"github.com/inferbench/inferbench/targets/jsonscan"
)

// scan reads a tokenize answer of kind in the shape its server writes, and
// returns the number of tokens it gives and, with keep, their ids. It
// returns ok false for anything else: a malformed answer, and also a
// well-formed one it does not read (an escaped or non-ASCII key, a key
// that matches a field only case-insensitively, a field given twice, an
// id that is not a plain integer, llama-server's {id, piece} tokens,
// nesting past maxScanDepth). The caller then decodes the answer with
// encoding/json (decodeJSON), which decides what the answer means or why
// it is wrong, so that scan changes no count and no error, only the time
// taken: FuzzScan checks it against decodeJSON.
//
// It is hand-written because it is on a hot path: prompt sizing asks the
// server to count every prompt, and an answer of N tokens is N ids.
// encoding/json took 120–200 ns an id on vLLM's answer (reflection, a
// growing []int), 340–730 on llama-server's (a json.RawMessage and a
// second Unmarshal each) and 580–700 on TGI's (BenchmarkCount), and a run
// of 2,000 prompts of 4,096 tokens against the mock spent 38–45 % of its
// CPU there (2026-12, 2 cores); json.Decoder's Token allocates for every
// id as well. scan passes over the bytes once, 17–31 ns an id (100–130 on
// TGI's), and allocates nothing unless keep.
func scan(kind Kind, data []byte, keep bool) (ids []int, n int, ok bool) {
	s := scanner{data: data, keep: keep}
	switch kind {
	case VLLM, SGLang:
		n, ok = s.vllm()
	case LlamaCpp:
		n, ok = s.llamaCpp()
	case TGI:
		n, ok = s.tgi()
	}
	if !ok || !s.end() {
		return nil, 0, false
	}
	return s.ids, n, true
}

// maxScanDepth bounds the nesting scan reads in a field it skips;
// encoding/json reads deeper.
const maxScanDepth = 32

// scanner is a position in a JSON text. Each method reads one thing at the
// position and says whether it was there; after false the position is
// anywhere (scan gives up).
type scanner struct {
	data []byte
	i    int
	keep bool  // append the ids read to ids
	ids  []int // the ids, with keep
}

// ws skips JSON whitespace.
func (s *scanner) ws() { s.i = jsonscan.Space(s.data, s.i) }

// byte reads c, after whitespace.
func (s *scanner) byte(c byte) bool {
	s.ws()
	if s.i < len(s.data) && s.data[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end reports whether only whitespace is left.
func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.data)
}

// fields reads an object whose keys are plain ASCII (no escape), calling
// field with the index in names of each key that is one of them, exactly,
// and -1 for a key that is none of them even case-insensitively (which
// encoding/json would not match to a field); field reads the value. Empty
// objects are read.
func (s *scanner) fields(names []string, field func(k int) bool) bool {
	if !s.byte('{') {
		return false
	}
	if s.byte('}') {
		return true
	}
	for {
		s.ws()
		key, ok := s.plainString()
		if !ok || !s.byte(':') {
			return false
		}
		k := -1
		for j, name := range names {
			if string(key) == name {
				k = j
			} else if bytes.EqualFold(key, []byte(name)) {
				return false // encoding/json would match it: let it
			}
		}
		s.ws()
		if !field(k) {
			return false
		}
		if s.byte('}') {
			return true
		}
		if !s.byte(',') {
			return false
		}
	}
}

// plainString reads a string of printable ASCII without escapes (a key as
// servers write them) and returns its content.
func (s *scanner) plainString() ([]byte, bool) {
	if s.i >= len(s.data) || s.data[s.i] != '"' {
		return nil, false
	}
	start := s.i + 1
	for j := start; j < len(s.data); j++ {
		switch c := s.data[j]; {
		case c == '"':
			s.i = j + 1
			return s.data[start:j], true
		case c < 0x20 || c >= 0x80 || c == '\\':
			return nil, false
		}
	}
	return nil, false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// int reads a JSON number that is an integer of at most 18 digits within
// Go's int, as encoding/json reads into an int; a fraction or an exponent
// (1.0, 1e2), which it refuses there, or a longer integer is not read.
func (s *scanner) int() (int, bool) {
	neg := s.i < len(s.data) && s.data[s.i] == '-'
	if neg {
		s.i++
	}
	start := s.i
	var v uint64
	for s.i < len(s.data) && isDigit(s.data[s.i]) {
		v = v*10 + uint64(s.data[s.i]-'0')
		s.i++
	}
	n := s.i - start
	if n == 0 || n > 18 || n > 1 && s.data[start] == '0' {
		return 0, false
	}
	if s.i < len(s.data) {
		switch s.data[s.i] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	if neg {
		if v > -math.MinInt { // int is 32 bits on some machines
			return 0, false
		}
		return -int(v), true
	}
	if v > math.MaxInt {
		return 0, false
	}
	return int(v), true
}

// skip reads any JSON value (jsonscan.Value), nested at most maxScanDepth
// deep: a field scan does not read.
func (s *scanner) skip() bool {
	end, ok := jsonscan.Value(s.data, s.i, maxScanDepth)
	s.i = end
	return ok
}

// idArray reads an array of integer ids and returns how many it held.
func (s *scanner) idArray() (int, bool) { return s.idsOf(s.int) }

// idsOf reads an array whose elements elem reads, each giving one token's
// id, and returns how many it held (the ids kept where s.keep).
func (s *scanner) idsOf(elem func() (int, bool)) (int, bool) {
	if !s.byte('[') {
		return 0, false
	}
	if s.byte(']') {
		if s.keep {
			s.ids = []int{} // as encoding/json: empty, not absent
		}
		return 0, true
	}
	n := 0
	for {
		s.ws()
		id, ok := elem()
		if !ok {
			return 0, false
		}
		if s.keep {
			s.ids = append(s.ids, id)
		}
		n++
		if s.byte(']') {
			return n, true
		}
		if !s.byte(',') {
			return 0, false
		}
	}
}

// once reads a field that may come once: with *seen already set (a
// repeated key, of which encoding/json keeps the last) it reads nothing.
func once(seen *bool, read func() bool) bool {
	if *seen {
		return false
	}
	*seen = true
	return read()
}

// vllm reads vLLM's and SGLang's {"count", "max_model_len", "tokens",
// "token_strs"}: a count of at least 0 and equal to the tokens' number
// where both are given.
func (s *scanner) vllm() (int, bool) {
	var count, n int
	var haveCount, haveTokens bool
	ok := s.fields([]string{"count", "tokens"}, func(k int) bool {
		switch k {
		case 0:
			return once(&haveCount, func() (ok bool) { count, ok = s.int(); return ok })
		case 1:
			return once(&haveTokens, func() (ok bool) { n, ok = s.idArray(); return ok })
		}
		return s.skip()
	})
	switch {
	case !ok || !haveCount && !haveTokens:
		return 0, false
	case !haveCount:
		return n, true
	case count < 0 || haveTokens && count != n:
		return 0, false
	}
	return count, true
}

// llamaCpp reads llama-server's {"tokens": [ids]}.
func (s *scanner) llamaCpp() (int, bool) { return s.oneField("tokens", s.idArray) }

// tgi reads TGI's [{"id", "text", "start", "stop"}, …]: every token with
// an id.
func (s *scanner) tgi() (int, bool) {
	return s.idsOf(func() (int, bool) { return s.oneField("id", s.int) })
}

// oneField reads an object that must hold the field name once, whose value
// read reads; the other fields are skipped.
func (s *scanner) oneField(name string, read func() (int, bool)) (int, bool) {
	var v int
	var have bool
	ok := s.fields([]string{name}, func(k int) bool {
		if k == 0 {
			return once(&have, func() (ok bool) { v, ok = read(); return ok })
		}
		return s.skip()
	})
	return v, ok && have
}
