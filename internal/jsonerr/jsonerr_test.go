package jsonerr

import (
	"encoding/json"
	"errors"
	"testing"
)

// TestTypeErrorInWords: each kind of mismatch is named by its field and
// the type that belongs there; another error is left as it is.
func TestTypeErrorInWords(t *testing.T) {
	var v struct {
		S  string            `json:"s"`
		N  int64             `json:"n"`
		F  *float64          `json:"f"`
		B  bool              `json:"b"`
		O  struct{ X int }   `json:"o"`
		M  map[string]string `json:"m"`
		L  []string          `json:"l"`
		In struct {
			Deep string `json:"deep"`
		} `json:"in"`
	}
	for in, want := range map[string]string{
		`{"s": 5}`:               "s: a JSON number where a string belongs",
		`{"n": 1.5}`:             "n: a JSON number 1.5 where a whole number belongs",
		`{"n": "7"}`:             "n: a JSON string where a whole number belongs",
		`{"f": "x"}`:             "f: a JSON string where a number belongs",
		`{"b": 1}`:               "b: a JSON number where true or false belongs",
		`{"o": []}`:              "o: a JSON array where an object belongs",
		`{"m": 3}`:               "m: a JSON number where an object belongs",
		`{"l": {}}`:              "l: a JSON object where a list belongs",
		`{"in": {"deep": true}}`: "in.deep: a JSON bool where a string belongs",
	} {
		err := json.Unmarshal([]byte(in), &v)
		if got := TypeError(err); got == nil || got.Error() != want {
			t.Errorf("%s: %v; want %q", in, got, want)
		}
	}
	other := errors.New("unexpected end of JSON input")
	if got := TypeError(other); got != other {
		t.Errorf("another error became %v", got)
	}
	if got := TypeError(nil); got != nil {
		t.Errorf("nil became %v", got)
	}
}

// TestPosition: a syntax error and a type error are placed at their line
// and column; another error has no place.
func TestPosition(t *testing.T) {
	var v struct {
		N int `json:"n"`
	}
	for in, want := range map[string][2]int{
		"{\n  \"n\": tru\n}":   {2, 11},
		"{\n  \"n\": \"x\"\n}": {2, 10},
		"{\"n\": 1,}":          {1, 9},
	} {
		err := json.Unmarshal([]byte(in), &v)
		line, col, ok := Position([]byte(in), err)
		if !ok || line != want[0] || col != want[1] {
			t.Errorf("%q (%v): %d:%d %v; want %d:%d", in, err, line, col, ok, want[0], want[1])
		}
	}
	if _, _, ok := Position([]byte("{}"), errors.New("other")); ok {
		t.Error("another error placed")
	}
}

// TestSyntaxSaysANonASCIIByte: "é" outside quotes stops encoding/json at
// its first byte, 0xc3, which it names as the character 'Ã'; Syntax says
// the byte instead. An ASCII character and other errors are left alone.
func TestSyntaxSaysANonASCIIByte(t *testing.T) {
	var v any
	err := json.Unmarshal([]byte(`{"prompt": é}`), &v)
	if got, want := Syntax(err).Error(), "invalid byte 0xc3 (not ASCII: text outside quotes?) looking for beginning of value"; got != want {
		t.Errorf("Syntax(%v) = %q; want %q", err, got, want)
	}
	err = json.Unmarshal([]byte(`{"prompt": x}`), &v)
	if got := Syntax(err); got != err {
		t.Errorf("an ASCII character: %v", got)
	}
	other := errors.New("x")
	if Syntax(other) != other {
		t.Error("another error changed")
	}
}
