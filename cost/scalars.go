package cost

import (
	"math"
	"reflect"
	"strconv"
	"strings"
)

// asTyped rewrites the scalars of v, one file's generic decode, as the
// field of t at their place reads them, and returns the problems it finds
// (a non-finite number), each at its path (map keys, and ids for list
// entries, as validate's).
//
// Why: YAML types a bare value on its own (1e15 is a string to YAML 1.1,
// `date: 2026` a number), while the strict typed decode of the same file,
// which passed, converts it to the field's type. The generic values are
// merged and then decoded through JSON, where a string under a number
// field, or a number under a string field, failed with Go's words and no
// place. JSON cannot carry .inf or .nan either.
func asTyped(v any, t reflect.Type, path []string) (any, []problem) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var ps []problem
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return v, nil
		}
		fields := jsonFields(t)
		for k, x := range m {
			if ft, ok := fields[k]; ok {
				var fps []problem
				m[k], fps = asTyped(x, ft, append(path, k))
				ps = append(ps, fps...)
			}
		}
	case reflect.Slice, reflect.Array:
		xs, ok := v.([]any)
		if !ok {
			return v, nil
		}
		for i, x := range xs {
			key := strconv.Itoa(i)
			if e, ok := x.(map[string]any); ok {
				if id, ok := e["id"].(string); ok {
					key = id
				}
			}
			var eps []problem
			xs[i], eps = asTyped(x, t.Elem(), append(path, key))
			ps = append(ps, eps...)
		}
	case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		switch x := v.(type) {
		case string:
			// The typed decode read it as a number; read it the same way.
			if f, err := strconv.ParseFloat(x, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
				return f, nil
			}
		case float64:
			if math.IsInf(x, 0) || math.IsNaN(x) {
				lit := map[bool]string{true: ".inf", false: "-.inf"}[x > 0]
				if math.IsNaN(x) {
					lit = ".nan"
				}
				name := path[len(path)-1]
				return 0.0, []problem{{path: append([]string(nil), path...), msg: name + " must be a finite number, got " + lit}}
			}
		}
	case reflect.String:
		switch x := v.(type) {
		case uint64:
			return strconv.FormatUint(x, 10), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		case bool:
			return strconv.FormatBool(x), nil
		}
	}
	return v, ps
}

// jsonFields maps each key of struct t (its json tag's name) to its type.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || f.PkgPath != "" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
