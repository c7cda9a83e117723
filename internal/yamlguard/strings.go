package yamlguard

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// A number written as a string. go-yaml reads a quoted "8", or !!str 8,
// into a number field as the number; inferbench refuses it in scenarios
// and prices files alike: the quotes say the value was typed as text (a
// price pasted with its quotes, a spreadsheet cell), and a measurement or
// a cost must not rest on a guess at it. A bare scalar is left to the
// decoder, which reads 1e3 (a string to YAML 1.1) as a number field's
// number.

// WrittenAsString returns the text of scalar n, under any anchor, when it
// is written as a string: quoted, or tagged !!str.
func WrittenAsString(n ast.Node) (string, bool) {
	if an, ok := n.(*ast.AnchorNode); ok && an.Value != nil {
		n = an.Value
	}
	if tn, ok := n.(*ast.TagNode); ok && tn.Start != nil && tn.Start.Value == "!!str" {
		if tn.Value == nil || tn.Value.GetToken() == nil {
			return "", true
		}
		return tn.Value.GetToken().Value, true
	}
	if tk := n.GetToken(); tk != nil && (tk.Type == token.DoubleQuoteType || tk.Type == token.SingleQuoteType) {
		return tk.Value, true
	}
	return "", false
}

// StringScalar decodes any value and keeps whether it was a scalar
// written as a string (WrittenAsString), for a decoder that reads a value
// in two steps (the prices merge).
type StringScalar struct {
	Is   bool
	Text string
}

// UnmarshalYAML implements yaml.NodeUnmarshaler.
func (s *StringScalar) UnmarshalYAML(n ast.Node) error {
	s.Text, s.Is = WrittenAsString(n)
	return nil
}

// A StringNumber is a scalar written as a string where a number belongs.
type StringNumber struct {
	Node ast.Node
	// Path is the value's path, as FirstUnknownKey's; Want what belongs
	// there (KindWords), Text the string written.
	Path, Want, Text string
}

// StringNumbers returns, in file order, the scalars under n that are
// written as strings where type t holds a plain number: a field of an
// integer or float kind whose type does not read its own YAML (a duration
// reads "30s"). schema maps a type that decodes itself to the type whose
// keys its mapping form takes, as for FirstUnknownKey.
func StringNumbers(n ast.Node, t reflect.Type, schema func(reflect.Type) reflect.Type) []StringNumber {
	var out []StringNumber
	walkTyped(n, t, schema, "", func(_, n ast.Node, t reflect.Type, path string) bool {
		text, ok := WrittenAsString(n)
		if ok && t != nil && numeric(t) {
			out = append(out, StringNumber{Node: n, Path: path, Want: KindWords(deref(t)), Text: text})
		}
		return !ok && t != nil
	})
	return out
}

// NumbersAsText returns, in file order, the plain numbers under n written
// where type t holds text (a field of string kind that does not read its
// own YAML), whose text as the number is not what was written: go-yaml
// gives the field the number's own text, so model: 3.10 reads "3.1", 0x1F
// "31" and 1_000 "1000" (Want is what it reads); model: 123 reads "123"
// and is not returned. A tagged value (!!str 3.10) says what it is and is
// not returned either. schema is as for StringNumbers.
func NumbersAsText(n ast.Node, t reflect.Type, schema func(reflect.Type) reflect.Type) []StringNumber {
	var out []StringNumber
	walkTyped(n, t, schema, "", func(_, n ast.Node, t reflect.Type, path string) bool {
		if t == nil {
			return false
		}
		if deref(t).Kind() != reflect.String || decodesItself(deref(t)) {
			return true
		}
		if text, read, ok := numberText(n); ok && read != text {
			out = append(out, StringNumber{Node: n, Path: path, Want: read, Text: text})
		}
		return false
	})
	return out
}

// numberText returns the text of a plain number under n's anchor and what
// go-yaml reads it as; false for anything else.
func numberText(n ast.Node) (text, read string, ok bool) {
	if an, isAnchor := n.(*ast.AnchorNode); isAnchor && an.Value != nil {
		n = an.Value
	}
	tk := n.GetToken()
	if tk == nil || tk.Type == token.DoubleQuoteType || tk.Type == token.SingleQuoteType {
		return "", "", false
	}
	switch v := n.(type) {
	case *ast.IntegerNode:
		read = fmt.Sprint(v.Value)
	case *ast.FloatNode:
		read = fmt.Sprint(v.Value)
	case *ast.InfinityNode:
		read = fmt.Sprint(v.Value)
	case *ast.NanNode:
		read = "NaN"
	default:
		return "", "", false
	}
	return tk.Value, read, true
}

// numeric reports whether t (under pointers) is an integer or float type
// that does not decode itself.
func numeric(t reflect.Type) bool {
	t = deref(t)
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
	default:
		return false
	}
	return !decodesItself(t)
}

// decodesItself reports whether t reads its own YAML or text.
func decodesItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	for _, u := range []reflect.Type{reflect.TypeFor[yaml.InterfaceUnmarshaler](), reflect.TypeFor[yaml.BytesUnmarshaler](),
		reflect.TypeFor[yaml.NodeUnmarshaler](), reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()} {
		if p.Implements(u) || t.Implements(u) {
			return true
		}
	}
	return false
}

// Fractions returns, in file order, the numbers under n written with a
// fractional part (4.5, 1e-3) where type t holds a whole number: a field
// of an integer kind that does not read its own YAML. go-yaml truncates
// such a number toward zero without a word (requests: 4.5 read 4, and
// 1e-3 read 0, which a scenario takes as not set); a whole number written
// as a float (4.0, 1.5e3) is the number and not returned. schema is as
// for StringNumbers.
func Fractions(n ast.Node, t reflect.Type, schema func(reflect.Type) reflect.Type) []StringNumber {
	var out []StringNumber
	walkTyped(n, t, schema, "", func(_, n ast.Node, t reflect.Type, path string) bool {
		if t == nil {
			return false
		}
		if !whole(t) {
			return true
		}
		if text, f, ok := PlainNumber(Unwrap(n)); ok && f != math.Trunc(f) {
			out = append(out, StringNumber{Node: n, Path: path, Want: KindWords(deref(t)), Text: text})
		}
		return false
	})
	return out
}

// whole reports whether t (under pointers) is an integer type that does
// not decode itself.
func whole(t reflect.Type) bool {
	if !numeric(t) {
		return false
	}
	k := deref(t).Kind()
	return k != reflect.Float32 && k != reflect.Float64
}

// Float is YAML 1.2's core-schema float, without .inf and .nan.
var Float = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// PlainNumber returns the text and value of a float node, or of a plain
// (unquoted) scalar that YAML 1.2 reads as a float: go-yaml, after YAML
// 1.1, reads an exponent without a dot (1e-3) as a string, which a number
// field still takes as the number. false for anything else.
func PlainNumber(n ast.Node) (string, float64, bool) {
	switch v := n.(type) {
	case *ast.FloatNode:
		text := ""
		if v.Token != nil {
			text = v.Token.Value
		}
		return text, v.Value, true
	case *ast.StringNode:
		if v.Token == nil || v.Token.Type != token.StringType || !Float.MatchString(v.Value) {
			return "", 0, false
		}
		f, err := strconv.ParseFloat(v.Value, 64)
		return v.Value, f, err == nil
	}
	return "", 0, false
}
