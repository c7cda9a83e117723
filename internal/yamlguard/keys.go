package yamlguard

import (
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"github.com/inferbench/inferbench/internal/typo"
)

// FirstUnknownKey returns the first key, in the order of the file, that a
// strict decode of n into a value of type t would reject, and its path
// ("load.sweep.step", "gpus[2].offers[0].usd"); nil when it finds none.
//
// Why: goccy/go-yaml's strict decode (DisallowUnknownField, Strict) checks
// a struct's keys by ranging over a Go map, so of several unknown keys it
// names a random one, not the first the reader would fix.
//
// Keys are matched as the library matches them: the yaml tag's name, else
// the json tag's, else the field name in lower case; "-" and unexported
// fields are not keys; an ",inline" struct lends its keys to its parent.
// schema, when not nil, maps a type to the type whose keys its mapping form
// has (a type with its own UnmarshalYAML); a type it maps to itself that is
// not a struct, slice or array (a map, a scalar) is not looked into, nor
// are aliases and merge keys ("<<").
func FirstUnknownKey(n ast.Node, t reflect.Type, schema func(reflect.Type) reflect.Type) (key ast.Node, path string) {
	walkTyped(n, t, schema, "", func(k, _ ast.Node, t reflect.Type, p string) bool {
		if t == nil && key == nil {
			key, path = k, p
		}
		return key == nil
	})
	return key, path
}

// NearestKey is the key of the mapping at path's parent (path as
// FirstUnknownKey gives it) within two edits of path's last key
// (typo.Nearest), "" when none is: the "did you mean" of an unknown key in
// a file whose keys are t's.
func NearestKey(t reflect.Type, path string) string {
	i := strings.LastIndexByte(path, '.')
	parent, key := "", path
	if i >= 0 {
		parent, key = path[:i], path[i+1:]
	}
	t = deref(t)
	for seg := range strings.SplitSeq(parent, ".") {
		name, _, _ := strings.Cut(seg, "[")
		if name != "" {
			if t == nil || t.Kind() != reflect.Struct {
				return ""
			}
			t = deref(keysOf(t)[name])
		}
		for range strings.Count(seg, "[") { // gpus[2]: an element of the list
			if t == nil || t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
				return ""
			}
			t = deref(t.Elem())
		}
	}
	if t == nil || t.Kind() != reflect.Struct {
		return ""
	}
	return typo.Nearest(key, slices.Collect(maps.Keys(keysOf(t))))
}

// Unwrap returns the node n's tags and anchors stand for: n itself when it
// is neither a tag nor an anchor. An alias is returned as it is.
func Unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.TagNode:
			n = v.Value
		case *ast.AnchorNode:
			n = v.Value
		default:
			return n
		}
	}
}

// walkTyped walks the values under n with the Go type each decodes into,
// parents before children, in file order: fn gets the key that
// introduced the value (nil for the top and for list entries), the value
// as written (under its tags and anchors), its type (nil for a key t has
// not, which is not walked into) and its path ("load.sweep.step",
// "gpus[2].offers[0].usd"), and returns whether to walk into it. Keys are
// matched as FirstUnknownKey says; schema maps a type that decodes itself
// to the type whose keys its mapping form takes.
func walkTyped(n ast.Node, t reflect.Type, schema func(reflect.Type) reflect.Type, path string,
	fn func(key, n ast.Node, t reflect.Type, path string) bool) {
	walkValue(nil, n, t, schema, path, fn)
}

func walkValue(key, n ast.Node, t reflect.Type, schema func(reflect.Type) reflect.Type, path string,
	fn func(key, n ast.Node, t reflect.Type, path string) bool) {
	if n == nil || !fn(key, n, t, path) {
		return
	}
	n, t = Unwrap(n), deref(t)
	if n == nil {
		return
	}
	if schema != nil {
		t = deref(schema(t))
	}
	switch t.Kind() {
	case reflect.Struct:
		fields := keysOf(t)
		mvs, _ := Pairs(n)
		for _, mv := range mvs {
			if mv.Key == nil || mv.Key.GetToken() == nil {
				continue
			}
			if _, merge := mv.Key.(*ast.MergeKeyNode); merge || mv.Key.GetToken().Type == token.MergeKeyType {
				continue
			}
			name := mv.Key.GetToken().Value
			child := name
			if path != "" {
				child = path + "." + name
			}
			ft, ok := fields[name]
			if !ok {
				fn(mv.Key, mv.Value, nil, child)
				continue
			}
			walkValue(mv.Key, mv.Value, ft, schema, child, fn)
		}
	case reflect.Slice, reflect.Array:
		if seq, ok := n.(*ast.SequenceNode); ok {
			for i, v := range seq.Values {
				walkValue(nil, v, t.Elem(), schema, path+"["+strconv.Itoa(i)+"]", fn)
			}
		}
	}
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// Pairs returns the key: value pairs of a mapping node, under any tag or
// anchor (the parser gives a one-pair mapping as the pair itself); false
// for a node that is not a mapping. Scenarios, their merge keys and gate
// thresholds all read mappings through it.
func Pairs(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch v := Unwrap(n).(type) {
	case *ast.MappingNode:
		return v.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{v}, true
	}
	return nil, false
}

// keysOf returns the keys of struct type t and the type of each.
func keysOf(t reflect.Type) map[string]reflect.Type {
	keys := map[string]reflect.Type{}
	for f := range t.Fields() {
		tag := f.Tag.Get("yaml")
		if tag == "" {
			tag = f.Tag.Get("json")
		}
		if (f.PkgPath != "" && !f.Anonymous) || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") && deref(f.Type).Kind() == reflect.Struct {
			for k, ft := range keysOf(deref(f.Type)) {
				keys[k] = ft
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		keys[name] = f.Type
	}
	return keys
}
