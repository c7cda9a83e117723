package scenarios

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"github.com/inferbench/inferbench/internal/yamlguard"
)

// maxMistakes bounds the mistakes one Load reports from decoding; past it
// a last line says there are more. Each decoding mistake costs one more
// decode of the document, so the bound is also a bound on time.
const maxMistakes = 50

// A file's decoding mistakes are all reported in one pass: the YAML library
// stops at its first, so each mistake found is reported, its pair (or list
// item) cut from the document and the rest decoded again, until it decodes.
// Unknown keys are found first, all of them in one walk (a hostile file may
// hold thousands). Validation then judges what decoded, less what was cut
// and what lies under a mistake: "load.concurrency: want a whole number" is
// not followed by "load.concurrency: must be between 1 and 100000, got 0".

// mend is one strict decode of a document, mistake by mistake.
type mend struct {
	src *source
	// paths holds the path of every pair and list item (and list) as
	// written, before anything was cut: a cut shifts the items after it.
	paths map[ast.Node]string
	// mistakes are those found, an *Error each.
	mistakes []error
	// cut lists the paths cut from the document; skip the paths whose
	// validation errors are left out, with what lies under them.
	cut, skip []string
	// gone are the pairs cut while decoding (list items aside): the file
	// no longer holds them (source.forget).
	gone []string
}

// decodeAll decodes body, whose values src has located, into a Scenario,
// reporting every mistake it can find (see mend). It returns the scenario
// when the rest of the document decoded, nil when it gave up (too many
// mistakes, or one it cannot cut); the mistakes in the file's order; and the
// paths whose validation errors are to be left out.
func decodeAll(src *source, body ast.Node) (*Scenario, []error, []string) {
	m := &mend{src: src, paths: map[ast.Node]string{}}
	body = unshare(body)
	m.record(body, "")
	m.unknownKeys(&body, "")
	// A number with a leading zero is said as that, not as what the
	// decoder makes of it (sweep: [01, 02, 04, 08] failed at 08 as "want
	// a concurrency level"); what it decodes to is not judged again.
	zeros := map[position]bool{}
	for _, e := range append(src.leadingZeros(body), src.numbersAsText(body)...) {
		if zeros[position{e.Line, e.Column}] {
			continue
		}
		m.mistakes = append(m.mistakes, e)
		m.skip = append(m.skip, e.Path)
		zeros[position{e.Line, e.Column}] = true
	}
	for failed := 0; ; failed++ {
		s := &Scenario{}
		err := yaml.NodeToValue(body, s, yaml.DisallowUnknownField())
		if err == nil {
			m.stringNumbers(body)
			if len(m.mistakes) > maxMistakes {
				return nil, m.sorted(true), nil
			}
			src.forget(m.gone...)
			errs := m.sorted(false)
			return s, errs, m.skip
		}
		if failed == maxMistakes {
			return nil, m.sorted(true), nil
		}
		e := src.convert(err).(*Error)
		path, list, ok := m.cutAt(&body, position{e.Line, e.Column})
		if !ok {
			// Nowhere to cut: said as it is, and the rest cannot decode.
			m.mistakes = append(m.mistakes, e)
			return nil, m.sorted(len(m.mistakes) > maxMistakes), nil
		}
		if e.Path == "" {
			e.Path = path
		}
		if under(e.Path, "workload.turns") {
			e.Msg = turnsWords(e.Msg)
		}
		// A value that lost a key to a cut may fail for that alone (a
		// distribution whose bad "dist" was cut: "dist is required").
		caused := slices.ContainsFunc(m.cut, func(c string) bool { return c != path && under(c, path) })
		m.cut = append(m.cut, path)
		m.skip = append(m.skip, path, e.Path)
		if list != "" {
			// The list decodes without the item: its other items' indexes
			// moved, and the list is not what the file says.
			m.skip = append(m.skip, list)
		} else {
			m.gone = append(m.gone, path)
		}
		// A value written once and aliased twice fails at each alias: it is
		// one mistake, said once.
		again := slices.ContainsFunc(m.mistakes, func(o error) bool { return *o.(*Error) == *e })
		if !caused && !again && !zeros[position{e.Line, e.Column}] {
			m.mistakes = append(m.mistakes, e)
		}
	}
}

// sorted returns the mistakes in the file's order; with more, the first
// maxMistakes of them and a last line that says there are more.
func (m *mend) sorted(more bool) []error {
	errs := slices.Clone(m.mistakes)
	slices.SortStableFunc(errs, func(a, b error) int {
		ea, eb := a.(*Error), b.(*Error)
		return cmp.Or(cmp.Compare(ea.Line, eb.Line), cmp.Compare(ea.Column, eb.Column))
	})
	if more {
		errs = errs[:min(len(errs), maxMistakes)]
	}
	for _, e := range errs {
		if e := e.(*Error); e.Msg == "" { // an unknown key
			var meant string
			e.Msg, meant = unknownKey(e.Path)
			if meant != "" && !m.src.has(meant) {
				// The key meant is not written: "nme" is not followed
				// by "name: is required".
				m.skip = append(m.skip, meant)
			}
		}
	}
	if more {
		errs = append(errs, &Error{File: m.src.file, Msg: fmt.Sprintf("…and more: only the first %d mistakes are listed", maxMistakes)})
	}
	return errs
}

// unshare returns n with a copy of each mapping, pair, list and tag under
// it: an alias shares the node its anchor names (resolveAliases), and a
// cut where the schema refuses it must not cut it where the schema takes
// it. The scalars are shared: nothing changes them.
func unshare(n ast.Node) ast.Node {
	switch v := n.(type) {
	case *ast.MappingNode:
		c := *v
		c.Values = make([]*ast.MappingValueNode, len(v.Values))
		for i, mv := range v.Values {
			c.Values[i] = unshare(mv).(*ast.MappingValueNode)
		}
		return &c
	case *ast.MappingValueNode:
		c := *v
		c.Value = unshare(v.Value)
		return &c
	case *ast.SequenceNode:
		c := *v
		c.Values = make([]ast.Node, len(v.Values))
		for i, item := range v.Values {
			c.Values[i] = unshare(item)
		}
		return &c
	case *ast.TagNode:
		c := *v
		c.Value = unshare(v.Value)
		return &c
	}
	return n
}

// record notes the path of every pair, list and list item under n.
func (m *mend) record(n ast.Node, path string) {
	switch v := yamlguard.Unwrap(n).(type) {
	case *ast.MappingNode:
		for _, mv := range v.Values {
			m.recordPair(mv, path)
		}
	case *ast.MappingValueNode:
		m.recordPair(v, path)
	case *ast.SequenceNode:
		if _, ok := m.paths[v]; !ok {
			m.paths[v] = path
		}
		for i, item := range v.Values {
			p := path + "[" + strconv.Itoa(i) + "]"
			if _, ok := m.paths[item]; !ok {
				m.paths[item] = p
			}
			m.record(item, p)
		}
	}
}

func (m *mend) recordPair(mv *ast.MappingValueNode, path string) {
	if mv == nil || mv.Key == nil || mv.Key.GetToken() == nil {
		return
	}
	child := join(path, mv.Key.GetToken().Value)
	if _, ok := m.paths[mv]; !ok {
		m.paths[mv] = child
	}
	m.record(mv.Value, child)
}

// unknownKeys reports every key under *slot (at path) that the schema does
// not know, with its own "did you mean", and cuts it; it does not look into
// what it cut. One walk: a file may hold thousands.
func (m *mend) unknownKeys(slot *ast.Node, path string) {
	slot, n := unwrapSlot(slot)
	switch v := n.(type) {
	case *ast.MappingNode:
		known := knownKeys(path)
		v.Values = slices.DeleteFunc(v.Values, func(mv *ast.MappingValueNode) bool { return m.unknown(mv, path, known) })
		for _, mv := range v.Values {
			m.unknownKeys(&mv.Value, join(path, keyText(mv)))
		}
	case *ast.MappingValueNode:
		if m.unknown(v, path, knownKeys(path)) {
			*slot = ast.Mapping(v.GetToken(), v.IsFlowStyle)
			return
		}
		m.unknownKeys(&v.Value, join(path, keyText(v)))
	case *ast.SequenceNode:
		for i := range v.Values {
			m.unknownKeys(&v.Values[i], path+"["+strconv.Itoa(i)+"]")
		}
	}
}

// unknown reports whether mv's key is none of known (nil: the mapping at
// path is not one of the schema's but a map, or a value of another kind,
// which decoding tells of); if so it is a mistake, and cut.
func (m *mend) unknown(mv *ast.MappingValueNode, path string, known []string) bool {
	if known == nil || mv.Key == nil || mv.Key.GetToken() == nil || slices.Contains(known, keyText(mv)) {
		return false
	}
	// Worded by sorted, once it is known to be listed: a "did you mean"
	// costs more than the walk.
	p := join(path, keyText(mv))
	m.mistakes = append(m.mistakes, errAtIn(m.src, mv.Key, p, ""))
	m.cut = append(m.cut, p)
	return true
}

// stringNumbers reports each number written as a string ("8", !!str 8),
// refused as in a prices file, and each number with a fractional part
// where a whole number belongs (4.5, 1e-3): the decoder took the first as
// the number and truncated the second, which validation does not judge
// again.
func (m *mend) stringNumbers(body ast.Node) {
	for _, x := range yamlguard.StringNumbers(body, reflect.TypeFor[Scenario](), schemaType) {
		m.mistakes = append(m.mistakes, errAtIn(m.src, x.Node, x.Path, fmt.Sprintf("want %s, got the string %q", x.Want, x.Text)))
		m.skip = append(m.skip, x.Path)
	}
	for _, x := range yamlguard.Fractions(body, reflect.TypeFor[Scenario](), schemaType) {
		m.mistakes = append(m.mistakes, errAtIn(m.src, x.Node, x.Path, fmt.Sprintf("want %s, got %s", x.Want, x.Text)))
		m.skip = append(m.skip, x.Path)
	}
}

// cutAt removes from the document at *slot the outermost pair whose key or
// value starts at pos, or list item that does, and returns its path and,
// for a list item, its list's; false when nothing starts there.
func (m *mend) cutAt(slot *ast.Node, pos position) (path, list string, ok bool) {
	slot, n := unwrapSlot(slot)
	switch v := n.(type) {
	case *ast.MappingNode:
		for i, mv := range v.Values {
			if startsAt(mv.Key, pos) || startsAt(mv.Value, pos) {
				v.Values = slices.Delete(v.Values, i, i+1)
				return m.paths[mv], "", true
			}
			if path, list, ok := m.cutAt(&mv.Value, pos); ok {
				return path, list, true
			}
		}
	case *ast.MappingValueNode:
		// A mapping of one pair, written as the pair.
		if startsAt(v.Key, pos) || startsAt(v.Value, pos) {
			*slot = ast.Mapping(v.GetToken(), v.IsFlowStyle)
			return m.paths[v], "", true
		}
		return m.cutAt(&v.Value, pos)
	case *ast.SequenceNode:
		for i, item := range v.Values {
			if startsAt(item, pos) {
				v.Values = slices.Delete(v.Values, i, i+1)
				return m.paths[item], m.paths[v], true
			}
			if path, list, ok := m.cutAt(&v.Values[i], pos); ok {
				return path, list, true
			}
		}
	}
	return "", "", false
}

// unwrapSlot follows *slot through its tags (aliases and anchors are
// resolved by then) to the slot that holds the node they tag.
func unwrapSlot(slot *ast.Node) (*ast.Node, ast.Node) {
	for {
		t, ok := (*slot).(*ast.TagNode)
		if !ok {
			return slot, *slot
		}
		slot = &t.Value
	}
}

// startsAt reports whether n, or the node under its tags, starts at pos.
func startsAt(n ast.Node, pos position) bool {
	for n != nil {
		if tk := n.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line == pos.line && tk.Position.Column == pos.col {
			return true
		}
		t, ok := n.(*ast.TagNode)
		if !ok {
			return false
		}
		n = t.Value
	}
	return false
}

// under reports whether path is at or under parent ("load.sweep[2]" is
// under "load.sweep" and "load", not under "load.swe").
func under(path, parent string) bool {
	return path == parent || strings.HasPrefix(path, parent+".") || strings.HasPrefix(path, parent+"[")
}

// underAny reports whether e is an *Error at or under one of paths.
func underAny(e error, paths []string) bool {
	var pe *Error
	return errors.As(e, &pe) && slices.ContainsFunc(paths, func(p string) bool { return p != "" && under(pe.Path, p) })
}

// join is path.key, or key at the top.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
