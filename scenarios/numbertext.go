package scenarios

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// numbersAsText returns a problem at each plain number under n written
// where text belongs (a model name, a file) whose text
// as a number is not what was written: the YAML library gives the field
// the number's text, so model: 3.10 asked for model "3.1" and 0x1F for
// "31". model: 123 is "123" either way and passes.
func (s *source) numbersAsText(n ast.Node) []*Error {
	var out []*Error
	eachScalar(n, false, func(n ast.Node) {
		switch n.(type) {
		case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
			tk := n.GetToken()
			if tk == nil || tk.Position == nil || !plainToken(tk) {
				return
			}
			path := s.at[position{tk.Position.Line, tk.Position.Column}]
			if t := fieldType(path); t == nil || t.Kind() != reflect.String || under(path, "gate") {
				// (A gate threshold is never a bare number: CheckGate
				// says what one is.)
				return
			}
			read := fmt.Sprint(numberValue(n))
			if read == tk.Value {
				return
			}
			out = append(out, errAtIn(s, n, path, fmt.Sprintf("%s is read as the number %s: quote it (%q) for the text", truncate(tk.Value, 32), read, truncate(tk.Value, 32))))
		}
	})
	return out
}

// numberValue is the value of a number node.
func numberValue(n ast.Node) any {
	switch n := n.(type) {
	case *ast.IntegerNode:
		return n.Value
	case *ast.FloatNode:
		return n.Value
	case *ast.InfinityNode:
		return n.Value
	case *ast.NanNode:
		return "NaN"
	}
	return nil
}

// fieldType is the Go type the scenario's value at path ("target.model",
// "load.sweep[2]", "gate.ttft_p95") decodes into, under the mapping form
// of a type that reads its own YAML (schemaType); nil for a path the
// schema does not hold.
func fieldType(path string) reflect.Type {
	if path == "" {
		return nil
	}
	t := reflect.TypeFor[Scenario]()
	for part := range strings.SplitSeq(path, ".") {
		name, rest, _ := strings.Cut(part, "[")
		t = deref(schemaType(deref(t)))
		switch t.Kind() {
		case reflect.Struct:
			f, ok := structField(t, name)
			if !ok {
				return nil
			}
			t = f
		case reflect.Map:
			t = t.Elem()
		default:
			return nil
		}
		for ; rest != ""; _, rest, _ = strings.Cut(rest, "[") {
			t = deref(schemaType(deref(t)))
			if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
				return nil
			}
			t = t.Elem()
		}
	}
	return deref(t)
}

// structField is the type of t's field whose YAML key is name.
func structField(t reflect.Type, name string) (reflect.Type, bool) {
	for f := range t.Fields() {
		key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if f.IsExported() && key == name {
			return f.Type, true
		}
	}
	return nil, false
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}
