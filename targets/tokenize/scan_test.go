package tokenize

import (
	"slices"
	"testing"
)

// agree checks scan against decodeJSON on one answer: where scan reads it,
// encoding/json reads it too, to the same count and the same ids. It
// reports whether scan read it.
func agree(t *testing.T, kind Kind, data []byte) bool {
	t.Helper()
	c := &Client{kind: kind}
	want, wantN, err := c.decodeJSON(data)
	if err == nil && wantN < 0 {
		wantN = len(want)
	}
	read := false
	for _, keep := range []bool{false, true} {
		ids, n, ok := scan(kind, data, keep)
		if !ok {
			continue
		}
		read = true
		switch {
		case err != nil:
			t.Fatalf("%s %q: scan read %d tokens; encoding/json: %v", kind, data, n, err)
		case n != wantN:
			t.Fatalf("%s %q: scan read %d tokens; encoding/json %d", kind, data, n, wantN)
		case keep && (!slices.Equal(ids, want) || (ids == nil) != (want == nil)):
			t.Fatalf("%s %q: scan read ids %#v; encoding/json %#v", kind, data, ids, want)
		case !keep && ids != nil:
			t.Fatalf("%s %q: scan kept ids %v unasked", kind, data, ids)
		}
	}
	return read
}

// answers are tokenize answers, well-formed and not, in each server's
// shape and beside it, for the agreement test and the fuzzer's seeds.
var answers = []string{
	`{"count":3,"max_model_len":9,"tokens":[1,2,3],"token_strs":null}`,
	` {"count" : 0 , "tokens" : [ ] } ` + "\n",
	`{"tokens":[]}`, `{"count":7,"max_model_len":9}`, `{"count":-0,"tokens":[]}`, `{"count":-1}`,
	`{"count":3,"tokens":[1,2]}`, `{"Count":3,"tokens":[1,2,3]}`, `{"count":3,"count":2,"tokens":[1,2]}`,
	`{"tokens":[1],"tokens":[1,2]}`, `{"count":null,"tokens":[1]}`, `{"count":1,"tokens":null}`,
	`{"tokens":[1.0]}`, `{"tokens":[1e2]}`, `{"tokens":[01]}`, `{"tokens":[-0,-1]}`, `{"tokens":[null]}`,
	`{"tokens":[999999999999999999,-999999999999999999]}`, `{"tokens":[9223372036854775807]}`,
	`{"tokens":[9223372036854775808]}`, `{"tokens":[1,]}`, `{"tokens":[1]} x`, `{"tokens":[1]}}`,
	`{"tokens":[1 2]}`, `{"tokens":[1-2]}`, `{"tokens":["1"]}`, `{"tokens":{}}`, `{"tokens":1}`,
	`{"x":{"a":[1,{"b":"\u00e9\n"}],"":true},"tokens":[1]}`, `{"x":"\uZZZZ","tokens":[1]}`,
	"{\"x\":\"a\x01\",\"tokens\":[1]}", `{"x":"caf` + "\xe9" + `","tokens":[1]}`, `{"tokenſ":[1]}`,
	`{"\u0074okens":[1]}`, `{"x":1.5e+3,"y":-0.0E-1,"tokens":[2]}`, `{"x":-,"tokens":[2]}`,
	`{"x":1.,"tokens":[2]}`, `{"x":.5,"tokens":[2]}`, `{"x":tru,"tokens":[2]}`, `{"x":nul}`,
	`{"x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"tokens":[2]}`,
	`{"x":"\"","tokens":[3]}`, `{"x":"\`, `{"tokens":[1`, `{"tokens"`, `{`, `[]`, `null`, ``, `"x"`,
	`{"tokens":[{"id":5,"piece":"a"},{"id":6,"piece":[195]}]}`, `{"tokens":["a"]}`, `{}`,
	`[{"id":128000,"text":"<s>","start":0,"stop":0},{"id":9,"text":" a","start":0,"stop":2}]`,
	`[{"text":"a"}]`, `{"error":"x"}`, `[null]`, `[{"id":1,"ID":2}]`, `[{"id":1,"id":2}]`, `[{"id":null}]`,
	`[{"id":1,"text":"\"\\\/\b\f\n\r\t\u00e9\uD83D"}]`, `[{"id":1,"text":"\x"}]`, `[{"id":1}{"id":2}]`,
	`[{"id":1},]`, `[ { } ]`, `[1]`,
}

// TestScanAgreesWithJSON: scan reads no answer otherwise than
// encoding/json, and reads each server's own answers itself.
func TestScanAgreesWithJSON(t *testing.T) {
	for _, a := range answers {
		for _, kind := range []Kind{VLLM, LlamaCpp, TGI} {
			agree(t, kind, []byte(a))
		}
	}
	for _, kind := range []Kind{VLLM, SGLang, LlamaCpp, TGI} {
		for _, n := range []int{0, 1, 2, 1000} {
			if data := answer(kind, n); !agree(t, kind, data) {
				t.Errorf("%s answer of %d tokens %.80q: left to encoding/json", kind, n, data)
			}
		}
	}
}

// FuzzScan: scan agrees with encoding/json on any answer to any kind.
func FuzzScan(f *testing.F) {
	for _, a := range answers {
		f.Add([]byte(a))
	}
	for _, kind := range []Kind{VLLM, LlamaCpp, TGI} {
		f.Add(answer(kind, 3))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, kind := range []Kind{VLLM, LlamaCpp, TGI} {
			agree(t, kind, data)
		}
	})
}
