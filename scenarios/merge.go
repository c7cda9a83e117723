package scenarios

import (
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"github.com/inferbench/inferbench/internal/yamlguard"
)

// ExtensionPrefix starts the top-level keys a scenario ignores: a place to
// define anchors shared by its sections (x-base: &base {...}), as Docker
// Compose's extension fields do. Any other unknown key is still an error.
const ExtensionPrefix = "x-"

// resolveAliases returns n with every alias replaced by the node its anchor
// names and every merge key ("<<", yaml.org/type/merge.html) replaced by the
// pairs it merges, so that the decoder and the checks see plain mappings:
//
//   - a key written in the mapping overrides a merged one (the YAML library
//     called that a duplicate key); only a key written twice is one;
//   - with a list of mappings (<<: [*a, *b]) an earlier one's key wins;
//   - merged pairs keep their nodes, so an error in a merged value points at
//     its file:line:col where the anchor was defined.
//
// Anchors must be defined before their aliases, as YAML requires; an alias
// to an unknown anchor, or a merge of anything but mappings, is an error at
// it. So is an alias inside the value its own anchor names (x: &a [*a]):
// the most recent &a is the one still open, as go-yaml v3's decoder has it
// ("anchor value contains itself"), and the value would contain itself. Expansion shares nodes instead of copying them; yamlguard has already
// bounded how far aliases can multiply a document.
func resolveAliases(n ast.Node) (ast.Node, error) {
	r := &resolver{anchors: map[string]ast.Node{}, open: map[string]*token.Token{}}
	return r.resolve(n)
}

type resolver struct {
	anchors map[string]ast.Node
	// open holds the anchors whose values are being resolved, by name:
	// where each was written.
	open map[string]*token.Token
}

func (r *resolver) resolve(n ast.Node) (ast.Node, error) {
	switch n := n.(type) {
	case *ast.AnchorNode:
		name, named := "", n.Name != nil && n.Name.GetToken() != nil
		if named {
			name = n.Name.GetToken().Value
			// An anchor of the same name inside this one is legal, so
			// whichever was open before comes back when this one closes.
			outer, wasOpen := r.open[name]
			r.open[name] = n.GetToken()
			defer func() {
				if wasOpen {
					r.open[name] = outer
				} else {
					delete(r.open, name)
				}
			}()
		}
		v, err := r.resolve(n.Value)
		if err != nil {
			return nil, err
		}
		if named {
			r.anchors[name] = v
		}
		return v, nil
	case *ast.AliasNode:
		name := ""
		if n.Value != nil && n.Value.GetToken() != nil {
			name = n.Value.GetToken().Value
		}
		if at, ok := r.open[name]; ok {
			line, col := 0, 0
			if at != nil && at.Position != nil {
				line, col = at.Position.Line, at.Position.Column
			}
			return nil, errAt(n, "alias *%s: inside the value of its own anchor &%s (line %d, column %d): a value cannot contain itself",
				truncate(name, 32), truncate(name, 32), line, col)
		}
		v, ok := r.anchors[name]
		if !ok {
			return nil, errAt(n, "alias *%s: no anchor &%s is defined before it", truncate(name, 32), truncate(name, 32))
		}
		return v, nil
	case *ast.TagNode:
		v, err := r.resolve(n.Value)
		if err != nil {
			return nil, err
		}
		n.Value = v
		return n, nil
	case *ast.SequenceNode:
		for i, v := range n.Values {
			rv, err := r.resolve(v)
			if err != nil {
				return nil, err
			}
			n.Values[i] = rv
		}
		return n, nil
	case *ast.MappingValueNode:
		if !isMerge(n) {
			v, err := r.resolve(n.Value)
			if err != nil {
				return nil, err
			}
			n.Value = v
			return n, nil
		}
		// A mapping of one pair, that pair a merge: the merged mapping.
		return r.mapping(ast.Mapping(n.GetToken(), n.IsFlowStyle, n))
	case *ast.MappingNode:
		return r.mapping(n)
	}
	return n, nil
}

// mapping resolves m's values and its merge keys in place.
func (r *resolver) mapping(m *ast.MappingNode) (ast.Node, error) {
	var own, merged []*ast.MappingValueNode
	for _, mv := range m.Values {
		if !isMerge(mv) {
			v, err := r.resolve(mv.Value)
			if err != nil {
				return nil, err
			}
			mv.Value = v
			own = append(own, mv)
			continue
		}
		v, err := r.resolve(mv.Value)
		if err != nil {
			return nil, err
		}
		sources := []ast.Node{v}
		if seq, ok := v.(*ast.SequenceNode); ok {
			sources = seq.Values
		}
		for _, src := range sources {
			pairs, ok := yamlguard.Pairs(src)
			if !ok {
				return nil, errAt(mv.Value, "<<: want a mapping to merge, or a list of them (such as *base)")
			}
			merged = append(merged, pairs...)
		}
	}
	if len(merged) == 0 {
		m.Values = own
		return m, nil
	}
	seen := map[string]bool{}
	for _, mv := range own {
		seen[keyText(mv)] = true
	}
	out := own
	for _, mv := range merged {
		if k := keyText(mv); !seen[k] {
			seen[k] = true
			out = append(out, mv)
		}
	}
	m.Values = out
	return m, nil
}

// isMerge reports whether mv's key is the merge key "<<".
func isMerge(mv *ast.MappingValueNode) bool {
	if mv == nil || mv.Key == nil {
		return false
	}
	if mv.Key.IsMergeKey() {
		return true
	}
	tk := mv.Key.GetToken()
	return tk != nil && tk.Type == token.MergeKeyType
}

// keyText is the text of mv's key.
func keyText(mv *ast.MappingValueNode) string {
	if mv.Key == nil || mv.Key.GetToken() == nil {
		return ""
	}
	return mv.Key.GetToken().Value
}

// dropExtensions removes the top-level pairs whose key starts with
// ExtensionPrefix: they hold anchors, already resolved, and are no part
// of the scenario.
func dropExtensions(body ast.Node) ast.Node {
	switch b := body.(type) {
	case *ast.MappingNode:
		var keep []*ast.MappingValueNode
		for _, mv := range b.Values {
			if !strings.HasPrefix(keyText(mv), ExtensionPrefix) {
				keep = append(keep, mv)
			}
		}
		b.Values = keep
	case *ast.MappingValueNode:
		if strings.HasPrefix(keyText(b), ExtensionPrefix) {
			return ast.Mapping(b.GetToken(), b.IsFlowStyle)
		}
	}
	return body
}
