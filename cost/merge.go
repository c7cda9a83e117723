package cost

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/inferbench/inferbench/internal/yamlguard"
)

// sourceFile is one catalog file: its name for error messages and its bytes.
type sourceFile struct {
	Name string
	Data []byte
}

// parsedFile is a catalog file parsed to its syntax tree, kept to find the
// line and column of a problem found after merging.
type parsedFile struct {
	name string
	body ast.Node // nil for an empty file
}

// loadFiles parses, checks and merges files in order (later files override
// earlier ones) and validates the result.
//
// Why the detour through generic values: a typed decode cannot tell a field
// that is absent from one set to zero, and the override rule is "a field the
// user file sets replaces the shipped one". Each file is first decoded
// strictly into Catalog on its own, so a value of the wrong type or an
// unknown key is reported at its own file:line:col.
func loadFiles(files []sourceFile) (*Catalog, error) {
	var parsed []*parsedFile
	var merged any
	for _, f := range files {
		// yamlguard bounds size, nesting, keys and alias expansion first.
		tree, err := yamlguard.Parse(f.Data, yamlguard.Limits{})
		if err != nil {
			return nil, yamlError(f.Name, err)
		}
		pf := &parsedFile{name: f.Name}
		if len(tree.Docs) > 1 {
			return nil, fmt.Errorf("%s: a catalog file holds one YAML document, found %d", f.Name, len(tree.Docs))
		}
		if len(tree.Docs) == 1 {
			pf.body = tree.Docs[0].Body
		}
		parsed = append(parsed, pf)
		if pf.body == nil {
			continue
		}
		var typed Catalog
		if err := yaml.NodeToValue(pf.body, &typed, yaml.Strict()); err != nil {
			if _, ok := errors.AsType[*yaml.UnknownFieldError](err); ok {
				// The library names one of a mapping's unknown keys at
				// random: name the first in the file instead.
				if k, path := yamlguard.FirstUnknownKey(pf.body, reflect.TypeFor[Catalog](), nil); k != nil {
					tk := k.GetToken()
					return nil, fmt.Errorf("%s:%d:%d: %s: unknown field %q", f.Name, tk.Position.Line, tk.Position.Column, path, tk.Value)
				}
			}
			return nil, yamlError(f.Name, err)
		}
		var generic any
		if err := yaml.NodeToValue(pf.body, &generic); err != nil {
			return nil, yamlError(f.Name, err)
		}
		generic, ps := asTyped(generic, reflect.TypeFor[Catalog](), nil)
		if len(ps) > 0 {
			return nil, errProblems(parsed, ps)
		}
		merged = mergeValues(merged, generic)
	}
	b, err := json.Marshal(merged)
	if err != nil {
		return nil, fmt.Errorf("merge catalogs: %w", err)
	}
	var c Catalog
	if err := json.Unmarshal(b, &c); err != nil {
		// Each file decoded strictly on its own, so this is a merge that
		// produced a shape no single file had (e.g. a list over a map).
		return nil, fmt.Errorf("merge catalogs: %w", err)
	}
	if ps := c.validate(); len(ps) > 0 {
		return nil, errProblems(parsed, ps)
	}
	return &c, nil
}

// mergeValues overlays over on base: maps merge key by key, lists of
// objects merge entry by entry on their "id" field (new ids are appended in
// order), anything else is replaced.
func mergeValues(base, over any) any {
	switch o := over.(type) {
	case map[string]any:
		b, ok := base.(map[string]any)
		if !ok {
			return o
		}
		out := make(map[string]any, len(b)+len(o))
		for k, v := range b {
			out[k] = v
		}
		for k, v := range o {
			out[k] = mergeValues(b[k], v)
		}
		return out
	case []any:
		b, ok := base.([]any)
		if !ok || !allHaveIDs(o) || !allHaveIDs(b) {
			return o
		}
		out := make([]any, len(b))
		copy(out, b)
		for _, ov := range o {
			id := ov.(map[string]any)["id"]
			found := false
			for i, bv := range out {
				if bv.(map[string]any)["id"] == id {
					out[i] = mergeValues(bv, ov)
					found = true
					break
				}
			}
			if !found {
				out = append(out, ov)
			}
		}
		return out
	}
	return over
}

func allHaveIDs(xs []any) bool {
	for _, x := range xs {
		m, ok := x.(map[string]any)
		if !ok {
			return false
		}
		if _, ok := m["id"].(string); !ok {
			return false
		}
	}
	return true
}

// yamlError formats a go-yaml error as "file:line:col: message".
func yamlError(name string, err error) error {
	if ge, ok := errors.AsType[*yamlguard.Error](err); ok {
		return fmt.Errorf("%s:%d:%d: %s", name, ge.Line, ge.Column, ge.Msg)
	}
	var ye yaml.Error
	if errors.As(err, &ye) {
		if tk := ye.GetToken(); tk != nil {
			return fmt.Errorf("%s:%d:%d: %s", name, tk.Position.Line, tk.Position.Column, ye.GetMessage())
		}
		return fmt.Errorf("%s: %s", name, ye.GetMessage())
	}
	return fmt.Errorf("%s: %w", name, err)
}

// locate returns "file:line:col" of the value at path: the file that holds
// the deepest part of the path wins, the later file on a tie, so a value the
// user file set is reported in the user file. A path no file holds at all
// (a required field left out) points at its nearest enclosing entry.
func locate(files []*parsedFile, path []string) string {
	bestDepth, bestName, bestLine, bestCol := -1, "", 0, 0
	for _, f := range files {
		depth, node := walk(f.body, path)
		if node == nil || depth < bestDepth {
			continue
		}
		tk := node.GetToken()
		// A mapping's own token is its first ':'; point at its first key.
		if m, ok := node.(*ast.MappingNode); ok && len(m.Values) > 0 && m.Values[0].Key != nil {
			tk = m.Values[0].Key.GetToken()
		}
		if tk == nil {
			continue
		}
		bestDepth, bestName, bestLine, bestCol = depth, f.name, tk.Position.Line, tk.Position.Column
	}
	if bestDepth < 0 {
		return "catalog"
	}
	return fmt.Sprintf("%s:%d:%d", bestName, bestLine, bestCol)
}

// walk follows path through node (map keys; for a list, the entry whose id
// is the path element) and returns how many elements it matched and the
// deepest node reached.
func walk(node ast.Node, path []string) (int, ast.Node) {
	if node == nil {
		return -1, nil
	}
	depth := 0
	for _, key := range path {
		next := child(node, key)
		if next == nil {
			break
		}
		node = next
		depth++
	}
	return depth, node
}

func child(node ast.Node, key string) ast.Node {
	switch n := node.(type) {
	case *ast.MappingNode:
		for _, v := range n.Values {
			if c := child(v, key); c != nil {
				return c
			}
		}
	case *ast.MappingValueNode:
		if n.Key != nil && n.Key.GetToken() != nil && n.Key.GetToken().Value == key {
			return n.Value
		}
	case *ast.SequenceNode:
		for _, v := range n.Values {
			if id := child(v, "id"); id != nil && id.GetToken() != nil && id.GetToken().Value == key {
				return v
			}
		}
	}
	return nil
}
