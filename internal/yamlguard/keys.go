package yamlguard

import (
	"reflect"
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

// KeysAt returns the keys of the mapping at path ("gpus[2].offers", "" for
// the top) in a file whose keys are t's, in the order of t's fields, as
// FirstUnknownKey matches them (schema is its too); nil when path leads to
// no mapping of known keys. The "did you mean" of an unknown key is the
// nearest of its parent's (NearestKey; scenarios' misplaced keys).
func KeysAt(t reflect.Type, schema func(reflect.Type) reflect.Type, path string) []string {
	mapping := func(t reflect.Type) reflect.Type {
		if t = deref(t); t != nil && schema != nil {
			t = deref(schema(t))
		}
		return t
	}
	t = mapping(t)
	if path != "" {
		for seg := range strings.SplitSeq(path, ".") {
			name, _, _ := strings.Cut(seg, "[")
			if name != "" {
				if t == nil || t.Kind() != reflect.Struct {
					return nil
				}
				t = mapping(keysOf(t)[name])
			}
			for range strings.Count(seg, "[") { // gpus[2]: an element of the list
				if t == nil || t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
					return nil
				}
				t = mapping(t.Elem())
			}
		}
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var keys []string
	eachKey(t, func(name string, _ reflect.Type) { keys = append(keys, name) })
	return keys
}

// NearestKey is the key of the mapping at path's parent (path as
// FirstUnknownKey gives it) within two edits of path's last key
// (typo.Nearest), "" when none is.
func NearestKey(t reflect.Type, schema func(reflect.Type) reflect.Type, path string) string {
	parent, key := "", path
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		parent, key = path[:i], path[i+1:]
	}
	return typo.Nearest(key, KeysAt(t, schema, parent))
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
	eachKey(t, func(name string, ft reflect.Type) { keys[name] = ft })
	return keys
}

// eachKey calls f with each key of struct type t and its type, in the order
// of t's fields: the yaml tag's name, else the json tag's, else the field
// name in lower case; "-" and unexported fields are not keys; an ",inline"
// struct's keys stand in its place.
func eachKey(t reflect.Type, f func(name string, ft reflect.Type)) {
	for fd := range t.Fields() {
		tag := fd.Tag.Get("yaml")
		if tag == "" {
			tag = fd.Tag.Get("json")
		}
		if (fd.PkgPath != "" && !fd.Anonymous) || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") && deref(fd.Type).Kind() == reflect.Struct {
			eachKey(deref(fd.Type), f)
			continue
		}
		if name == "" {
			name = strings.ToLower(fd.Name)
		}
		f(name, fd.Type)
	}
}
