package yamlguard

import (
	"errors"
	"testing"

	"github.com/goccy/go-yaml"
)

// TestDecodeWordsOfAValueOfTheWrongShape: a scalar or a list where a
// mapping belongs (and the reverse) was said in go-yaml's type names,
// "int was used where mapping is expected"; now as every other type
// mistake is, "want a mapping, got a number".
func TestDecodeWordsOfAValueOfTheWrongShape(t *testing.T) {
	type inner struct {
		B int `yaml:"b"`
	}
	type doc struct {
		A inner   `yaml:"a"`
		L []inner `yaml:"l"`
	}
	for _, c := range []struct{ in, want string }{
		{"a: 5\n", "want a mapping, got a number"},
		{"a: x\n", "want a mapping, got a string"},
		{"a: [1]\n", "want a mapping, got a list"},
		{"a: true\n", "want a mapping, got true or false"},
		{"l: {b: 1}\n", "want a list, got a mapping"},
	} {
		var d doc
		err := yaml.UnmarshalWithOptions([]byte(c.in), &d, yaml.Strict())
		if err == nil {
			t.Errorf("%q decoded", c.in)
			continue
		}
		if got, ok := ShapeWords(err); !ok || got != c.want {
			t.Errorf("%q: ShapeWords(%v) = %q, %v; want %q", c.in, err, got, ok, c.want)
		}
	}
}

// TestRangeWords: a number past a float64 is said as one; a word, or a
// quoted number, is not.
func TestRangeWords(t *testing.T) {
	type doc struct {
		N int     `yaml:"n"`
		F float64 `yaml:"f"`
	}
	for _, c := range []struct{ in, want string }{
		{"n: 1e400\n", "number out of range: want a whole number, got 1e400"},
		{"f: -1e999\n", "number out of range: want a number, got -1e999"},
		{"f: lots\n", ""},
		{"f: \"1e400\"\n", ""},
	} {
		var d doc
		err := yaml.UnmarshalWithOptions([]byte(c.in), &d, yaml.Strict())
		if got, _ := RangeWords(err); got != c.want {
			t.Errorf("%q: RangeWords(%v) = %q; want %q", c.in, err, got, c.want)
		}
	}
}

// TestDuplicateWords: the parser's duplicate key, in words; anything else
// as it is.
func TestDuplicateWords(t *testing.T) {
	_, err := Parse([]byte("a: 1\nb:\n  c: 1\n  c: 2\n"), Limits{})
	if err == nil {
		t.Fatal("a duplicate key parsed")
	}
	var ye yaml.Error
	if !errors.As(err, &ye) {
		t.Fatalf("%T: %v", err, err)
	}
	if got, want := DuplicateWords(ye.GetMessage()), `key "c" is written twice in one mapping (first at line 3, column 3)`; got != want {
		t.Errorf("DuplicateWords = %q; want %q", got, want)
	}
	if got := DuplicateWords("could not find end character"); got != "could not find end character" {
		t.Errorf("DuplicateWords changed %q", got)
	}
}
