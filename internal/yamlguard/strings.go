package yamlguard

import (
	"reflect"

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
	p := reflect.PointerTo(t)
	for _, u := range []reflect.Type{reflect.TypeFor[yaml.InterfaceUnmarshaler](), reflect.TypeFor[yaml.BytesUnmarshaler](),
		reflect.TypeFor[yaml.NodeUnmarshaler](), reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()} {
		if p.Implements(u) || t.Implements(u) {
			return false
		}
	}
	return true
}
