package yamlguard

import (
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// ResolveAliases returns n with every anchor replaced by its value, every
// alias by the value of the anchor it names, and every merge key ("<<",
// yaml.org/type/merge.html) by the pairs it merges, so that decoders and
// checks see plain mappings. The parser leaves all three in the tree, and
// a scenario and a thresholds file read them alike (docs/workloads.md,
// "Scenario files"):
//
//   - an alias names the most recent anchor of its name before it, as
//     YAML has it: the anchor written last, even one nested inside
//     another of the same name, so in x: &x {b: &x 1, c: *x} and after it
//     *x is 1 (go-yaml v3 reads it so);
//   - an alias inside the value of the very anchor it names is an error,
//     the value would contain itself (x: &a [*a]; go-yaml v3: "anchor
//     value contains itself"); one that names a nested anchor already
//     closed, as above, is not;
//   - an alias that names no anchor before it is an error, and so is an
//     alias written as a key: write the key itself;
//   - a key written in a mapping overrides a merged one, wherever the <<
//     stands; with a list of mappings (<<: [*a, *b]) an earlier one's key
//     wins; a merge of anything but mappings is an error.
//
// Values are shared, not copied: an error in an aliased or merged value
// points at the line and column where the anchor's value is written, and
// Parse has already bounded how far aliases can multiply a document.
// Every error is returned, in the file's order, each where it is written;
// the caller adds the file's name. n is changed in place.
func ResolveAliases(n ast.Node) (ast.Node, []*Error) {
	r := &resolver{latest: map[string]*anchor{}}
	out := r.resolve(n)
	return out, r.errs
}

type resolver struct {
	// latest is the most recent anchor of each name so far.
	latest map[string]*anchor
	errs   []*Error
}

// anchor is one anchor as written: where, and its value once resolved.
type anchor struct {
	at    *token.Token
	value ast.Node
	done  bool
}

func (r *resolver) fail(n ast.Node, format string, args ...any) {
	r.errs = append(r.errs, errAt(n.GetToken(), format, args...))
}

func (r *resolver) resolve(n ast.Node) ast.Node {
	switch n := n.(type) {
	case *ast.AnchorNode:
		a := &anchor{at: n.GetToken()}
		name := nameOf(n.Name)
		// Taken as the latest before its value is read, as YAML orders
		// anchors; an anchor of this name inside the value replaces it.
		r.latest[name] = a
		a.value, a.done = r.resolve(n.Value), true
		return a.value
	case *ast.AliasNode:
		name := nameOf(n.Value)
		switch a := r.latest[name]; {
		case a == nil:
			r.fail(n, "alias *%s: no anchor &%s is defined before it", short(name), short(name))
		case !a.done:
			line, col := 0, 0
			if a.at != nil && a.at.Position != nil {
				line, col = a.at.Position.Line, a.at.Position.Column
			}
			r.fail(n, "alias *%s: inside the value of its own anchor &%s (line %d, column %d): a value cannot contain itself",
				short(name), short(name), line, col)
		default:
			return a.value
		}
	case *ast.TagNode:
		n.Value = r.resolve(n.Value)
	case *ast.SequenceNode:
		for i, v := range n.Values {
			n.Values[i] = r.resolve(v)
		}
	case *ast.MappingValueNode:
		if isMerge(n) {
			// A mapping of one pair, that pair a merge: the merged mapping.
			return r.mapping(ast.Mapping(n.GetToken(), n.IsFlowStyle, n))
		}
		r.pair(n)
	case *ast.MappingNode:
		return r.mapping(n)
	}
	return n
}

// pair resolves mv's key, then its value.
func (r *resolver) pair(mv *ast.MappingValueNode) {
	if alias, ok := mv.Key.(*ast.AliasNode); ok {
		r.fail(alias, "alias *%s as a key: write the key itself", short(nameOf(alias.Value)))
	} else if k, ok := r.resolve(mv.Key).(ast.MapKeyNode); ok {
		mv.Key = k
	}
	mv.Value = r.resolve(mv.Value)
}

// mapping resolves m's pairs, in the order written, and its merge keys.
func (r *resolver) mapping(m *ast.MappingNode) ast.Node {
	var own, merged []*ast.MappingValueNode
	for _, mv := range m.Values {
		if !isMerge(mv) {
			r.pair(mv)
			own = append(own, mv)
			continue
		}
		failed := len(r.errs)
		v := r.resolve(mv.Value)
		if len(r.errs) > failed {
			// Said where the alias is; not again as no mapping.
			continue
		}
		sources := []ast.Node{v}
		if seq, ok := Unwrap(v).(*ast.SequenceNode); ok {
			sources = seq.Values
		}
		for _, src := range sources {
			pairs, ok := Pairs(src)
			if !ok {
				r.fail(mv.Value, "<<: want a mapping to merge, or a list of them (such as *base)")
				break
			}
			merged = append(merged, pairs...)
		}
	}
	seen := map[string]bool{}
	for _, mv := range own {
		seen[keyOf(mv)] = true
	}
	for _, mv := range merged {
		if k := keyOf(mv); !seen[k] {
			seen[k] = true
			own = append(own, mv)
		}
	}
	m.Values = own
	return m
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

// keyOf is the text of mv's key, under its tags (!!str k is k).
func keyOf(mv *ast.MappingValueNode) string {
	return nameOf(Unwrap(mv.Key))
}

// nameOf is the text of n's token: an anchor's or alias's name node, a key.
func nameOf(n ast.Node) string {
	if n == nil || n.GetToken() == nil {
		return ""
	}
	return n.GetToken().Value
}

// short cuts an anchor's name for a message to 32 bytes, on a character's
// boundary.
func short(name string) string {
	const n = 32
	if len(name) <= n {
		return name
	}
	i := n
	for i > 0 && !utf8.RuneStart(name[i]) {
		i--
	}
	return name[:i] + "…"
}
