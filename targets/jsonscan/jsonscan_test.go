package jsonscan

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// valid reports whether the whole of b is one JSON value by Value.
func valid(b []byte, depth int) bool {
	end, ok := Value(b, Space(b, 0), depth)
	return ok && Space(b, end) == len(b)
}

// TestValue: what Value accepts, and where it stops, on values of every
// kind and on the near misses a scanner meets.
func TestValue(t *testing.T) {
	for _, s := range []string{
		`0`, `-0`, `12`, `-1.5e+3`, `1E9`, `0.25`, `"a"`, `""`, `"\"\\\/\b\f\n\r\t"`, `"\u00e9\uD83D\uDE00"`,
		"\"\xff\xfe\"", `"é"`, `true`, `false`, `null`, `{}`, `[]`, ` { "a" : [ 1 , { } , "x" ] , "b\u0041" : null } `,
		`{"a":1,"a":2}`, `[[[]]]`,
	} {
		if !valid([]byte(s), 64) {
			t.Errorf("%q refused", s)
		}
		if json.Valid([]byte(s)) != true {
			t.Fatalf("test case %q is not JSON", s)
		}
	}
	for _, s := range []string{
		``, ` `, `-`, `01`, `1.`, `.5`, `1e`, `1e+`, `+1`, `"a`, `"\x"`, `"\u12"`, `"\u12G4"`, "\"\x01\"", "\"a\nb\"",
		`tru`, `nul`, `nulll`, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{a:1}`, `[1,]`, `[1 2]`, `{"a":1]`, `[}`, `'a'`,
	} {
		if valid([]byte(s), 64) {
			t.Errorf("%q accepted", s)
		}
		if json.Valid([]byte(s)) {
			t.Fatalf("test case %q is JSON", s)
		}
	}
	// Where each stops: after the value, before what follows.
	for s, want := range map[string]int{`"ab",`: 4, `12}`: 2, `-0.5e3 `: 6, `null]`: 4, `{"a":[1]},`: 9, `[] `: 2} {
		if end, ok := Value([]byte(s), 0, 64); !ok || end != want {
			t.Errorf("Value(%q) = %d, %t; want %d, true", s, end, ok, want)
		}
	}
}

// TestValueDepth: depth bounds the nesting, a scalar counting one.
func TestValueDepth(t *testing.T) {
	for n := 0; n < 5; n++ {
		s := []byte(strings.Repeat("[", n) + "1" + strings.Repeat("]", n))
		if !valid(s, n+1) || valid(s, n) {
			t.Errorf("%s: want accepted %d deep and refused %d deep", s, n+1, n)
		}
	}
}

// FuzzValue: Value accepts exactly what encoding/json accepts (json.Valid),
// on inputs that cannot nest to either one's bound.
func FuzzValue(f *testing.F) {
	for _, s := range []string{`{"choices":[{"delta":{"content":"a\n"},"finish_reason":null}],"usage":null}`,
		`{"count":3,"tokens":[1,2,3]}`, `[{"id":1,"text":"a","special":false}]`, `-1.5e+3`, `"\uD83D"`, "\"\xff\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if bytes.Count(b, []byte("["))+bytes.Count(b, []byte("{")) >= 10000 {
			t.Skip("encoding/json refuses nesting past 10,000")
		}
		if got, want := valid(b, 10001), json.Valid(b); got != want {
			t.Errorf("Value says %t, json.Valid %t, for %q", got, want, b)
		}
	})
}
