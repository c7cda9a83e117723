package cost

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
	"github.com/inferbench/inferbench/internal/yamlguard"
)

// sourceFile is one catalog file: its name for error messages and its bytes.
type sourceFile struct {
	Name string
	Data []byte
	// Date is the file's last change (YYYY-MM-DD), which dates a price it
	// sets without a date of its own; "" for the shipped files and a file
	// that is not a regular one (a pipe).
	Date string
	// User marks the user's --prices file: the offers it adds are named
	// as its own where a rule passes them over (Offer.AddedBy).
	User bool
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
// Each file is decoded once, by the strict typed decoder, straight into the
// catalog being built: a field the file sets replaces the one before it, a
// field set to null is cleared, and a field the file leaves out is kept
// (see merger). A decode error is worded by decoding the file into a fresh
// Catalog (strictError), so it reads as it always has, at file:line:col.
func loadFiles(files []sourceFile) (*Catalog, error) {
	var parsed []*parsedFile
	var c Catalog
	for _, f := range files {
		// yamlguard bounds size, nesting, keys and alias expansion first.
		tree, err := yamlguard.Parse(f.Data, yamlguard.Limits{})
		if line, col, msg, ok := yamlguard.Syntax(f.Data, err); ok {
			return nil, located(f.Name, line, col, msg)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
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
		if err := writtenTwice(f.Name, pf.body); err != nil {
			return nil, err
		}
		var m merger
		before := priceIDs(&c)
		top := newShape(reflect.TypeFor[Catalog]())
		err = yaml.NodeToValue(pf.body, top.Interface(), yaml.Strict())
		if err == nil {
			err = m.entry(reflect.ValueOf(&c).Elem(), top.Elem(), nil)
		}
		if err == nil {
			recite(&c, f, pf.body, before)
			if f.User {
				for i := range c.GPUs {
					for j := range c.GPUs[i].Offers {
						if o := &c.GPUs[i].Offers[j]; before["offer:"+c.GPUs[i].ID+"/"+o.ID] == "" {
							o.AddedBy = f.Name
						}
					}
				}
			}
		}
		if err != nil {
			return nil, strictError(f.Name, pf.body, err)
		}
		if len(m.problems) > 0 {
			return nil, errProblems(parsed, m.problems)
		}
	}
	if ps := c.validate(); len(ps) > 0 {
		return nil, errProblems(parsed, ps)
	}
	return &c, nil
}

// strictError words err, a failure to decode the file whose syntax tree is
// body, as the strict decode of body into a fresh Catalog words it: the
// first unknown key in the file, or the decoder's own message, at its
// file:line:col. It runs only once a file has failed.
func strictError(name string, body ast.Node, err error) error {
	var typed Catalog
	serr := yaml.NodeToValue(body, &typed, yaml.Strict())
	if serr == nil {
		return yamlError(name, err)
	}
	if _, ok := errors.AsType[*yaml.UnknownFieldError](serr); ok {
		// The library names one of a mapping's unknown keys at random:
		// name the first in the file instead.
		if k, path := yamlguard.FirstUnknownKey(body, reflect.TypeFor[Catalog](), nil); k != nil {
			tk := k.GetToken()
			var hint string
			if near := yamlguard.NearestKey(reflect.TypeFor[Catalog](), nil, path); near != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", near)
			}
			return fmt.Errorf("%s:%d:%d: %s: unknown field %q%s", name, tk.Position.Line, tk.Position.Column, path, tk.Value, hint)
		}
	}
	// A value of the wrong type: its key's path and what belongs there.
	var ye yaml.Error
	if errors.As(serr, &ye) && ye.GetToken() != nil && ye.GetToken().Position != nil {
		pos := ye.GetToken().Position
		msg, ok := yamlguard.DecodeWords(serr)
		if !ok {
			msg, ok = yamlguard.ShapeWords(serr)
		}
		if !ok {
			msg = ye.GetMessage()
		}
		if path := pathTo(body, pos); len(path) > 0 {
			msg = strings.ReplaceAll(strings.Join(path, "."), ".[", "[") + ": " + msg
		}
		return fmt.Errorf("%s:%d:%d: %s", name, pos.Line, pos.Column, msg)
	}
	return yamlError(name, serr)
}

// pathTo is the path of the value at pos in node, as locate takes one:
// the key whose value is wrong, named as the range checks name theirs. Nil
// when no value stands there.
func pathTo(node ast.Node, pos *token.Position) []string {
	var at []string
	visit(node, nil, func(path []string, n ast.Node) bool {
		if tk := n.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line == pos.Line && tk.Position.Column == pos.Column {
			at = slices.Clone(path)
			return false
		}
		return true
	})
	return at
}

// visit calls fn with each value under node (tags and anchors unwrapped)
// and its path: keys, and list entries by their id, else their index
// (entryName).
// Parents come before their children; it stops when fn returns false, and
// reports whether it went through. locate and pathTo both walk with it.
func visit(node ast.Node, path []string, fn func(path []string, n ast.Node) bool) bool {
	node = yamlguard.Unwrap(node)
	if node == nil || !fn(path, node) {
		return node == nil
	}
	if pairs, ok := yamlguard.Pairs(node); ok {
		for _, mv := range pairs {
			if mv.Key != nil && mv.Key.GetToken() != nil && !visit(mv.Value, append(slices.Clip(path), mv.Key.GetToken().Value), fn) {
				return false
			}
		}
	}
	if seq, ok := node.(*ast.SequenceNode); ok {
		for i, v := range seq.Values {
			if !visit(v, append(slices.Clip(path), entryName(v, i)), fn) {
				return false
			}
		}
	}
	return true
}

// entryName names list entry v at index i in a path: its id when it has
// one, else its index in brackets ("gpus[0]", as an unknown key's path
// reads).
func entryName(v ast.Node, i int) string {
	pairs, _ := yamlguard.Pairs(v)
	for _, mv := range pairs {
		if mv.Key != nil && mv.Key.GetToken() != nil && mv.Key.GetToken().Value == "id" && mv.Value != nil && mv.Value.GetToken() != nil {
			return mv.Value.GetToken().Value
		}
	}
	return "[" + strconv.Itoa(i) + "]"
}

// node is one value of a catalog file, not yet decoded: UnmarshalYAML keeps
// the decoder's own decode of it (strict, with the file's anchors), which the
// merge calls once, with the Go type of the field the value is for.
type node struct{ decode func(any) error }

func (n *node) UnmarshalYAML(decode func(any) error) error {
	n.decode = decode
	return nil
}

// absent marks a key a mapping does not have: a shape's fields start as
// absent, the decoder replaces a key's with a new node, or with nil for a
// key set to null.
var absent = new(node)

var shapes sync.Map // struct type → its shape type

// newShape returns a new *S, S a struct with the fields of struct t, in
// order and with the same tags, each of type *node and set to absent.
// Decoding a mapping into it checks its keys as decoding it into a t would
// (unknown and duplicate keys, merge keys "<<"), and tells for each key
// whether the mapping sets it, to what, or to null.
func newShape(t reflect.Type) reflect.Value {
	st, ok := shapes.Load(t)
	if !ok {
		fs := make([]reflect.StructField, t.NumField())
		for i := range fs {
			f := t.Field(i)
			fs[i] = reflect.StructField{Name: f.Name, Tag: f.Tag, Type: reflect.TypeFor[*node]()}
		}
		st, _ = shapes.LoadOrStore(t, reflect.StructOf(fs))
	}
	v := reflect.New(st.(reflect.Type))
	for i := range v.Elem().NumField() {
		v.Elem().Field(i).Set(reflect.ValueOf(absent))
	}
	return v
}

// merger applies one file's shapes to the catalog so far and collects the
// problems of its values that decode but cannot be used, each at its path
// (map keys, and ids for list entries, as validate's).
type merger struct{ problems []problem }

// entry applies shape (newShape of dst's type, decoded) to the struct dst:
// a key the file sets to null clears the field; a list of entries with ids
// merges by list; any other value is decoded into the field's type, and
// replaces it.
func (m *merger) entry(dst, shape reflect.Value, path []string) error {
	for i := range dst.NumField() {
		n := shape.Field(i).Interface().(*node)
		if n == absent {
			continue
		}
		f := dst.Field(i)
		if n == nil {
			f.SetZero()
			continue
		}
		p := append(slices.Clone(path), key(dst.Type().Field(i)))
		if idField(f.Type()) >= 0 {
			var items []*node
			if err := n.decode(&items); err != nil {
				return err
			}
			if err := m.list(f, items, p); err != nil {
				return err
			}
			continue
		}
		if err := m.value(f, n, p); err != nil {
			return err
		}
	}
	return nil
}

// list applies a file's entries to dst, a slice of structs with an id.
// When dst was set before (by an earlier file; empty counts) and every
// entry has an id, an entry updates the entry with its id, field by field,
// or is appended when none has it (so an id given twice updates the entry
// twice). Otherwise the file's list replaces dst, entry for entry, and
// validate reports an entry without an id, or an id given twice. The rules
// are those of the generic merge this replaced; an entry of dst is taken
// to have an id (the shipped catalogs give each one).
func (m *merger) list(dst reflect.Value, items []*node, path []string) error {
	elem := dst.Type().Elem()
	idAt := idField(dst.Type())
	entries := make([]reflect.Value, len(items)) // each a decoded shape; invalid for a null entry
	byID := !dst.IsNil()
	for i, it := range items {
		if it == nil {
			byID = false
			continue
		}
		entries[i] = newShape(elem)
		if err := it.decode(entries[i].Interface()); err != nil {
			return err
		}
		if id := entries[i].Elem().Field(idAt).Interface().(*node); id == absent || id == nil {
			byID = false
		}
	}
	out := dst
	if !byID {
		out = reflect.MakeSlice(dst.Type(), 0, len(items))
	}
	for i, shape := range entries {
		key, at := strconv.Itoa(i), -1
		var id string
		if shape.IsValid() {
			if n := shape.Elem().Field(idAt).Interface().(*node); n != absent && n != nil {
				if err := n.decode(&id); err != nil {
					return err
				}
				shape.Elem().Field(idAt).Set(reflect.ValueOf(absent))
				key = id
			}
		}
		if byID {
			for j := range out.Len() {
				if out.Index(j).Field(idAt).String() == id {
					at = j
					break
				}
			}
		}
		if at < 0 {
			out = reflect.Append(out, reflect.Zero(elem))
			at = out.Len() - 1
			out.Index(at).Field(idAt).SetString(id)
		}
		if shape.IsValid() {
			if err := m.entry(out.Index(at), shape.Elem(), append(slices.Clone(path), key)); err != nil {
				return err
			}
		}
	}
	dst.Set(out)
	return nil
}

// value decodes n into dst. A number must be a number in the file (not a
// string), finite, and a whole number for an integer field: the decoder
// would make 1.5 layers one layer.
func (m *merger) value(dst reflect.Value, n *node, path []string) error {
	name := path[len(path)-1]
	if !dst.CanFloat() && !dst.CanInt() {
		v := reflect.New(dst.Type())
		if err := n.decode(v.Interface()); err != nil {
			return err
		}
		dst.Set(v.Elem())
		return nil
	}
	// A price written as a string (yamlguard.WrittenAsString), which the
	// decoder would read as the number, is refused.
	var t yamlguard.StringScalar
	if err := n.decode(&t); err == nil && t.Is {
		m.problems = append(m.problems, problem{path: path, msg: fmt.Sprintf("%s must be a number, got the string %q", name, t.Text)})
		return nil
	}
	var f float64
	if err := n.decode(&f); err != nil {
		// The decoder keeps a number past a float64 (1e400) as text, and
		// would call it a string.
		var text string
		if n.decode(&text) == nil {
			if _, perr := strconv.ParseFloat(text, 64); errors.Is(perr, strconv.ErrRange) {
				m.problems = append(m.problems, problem{path: path, msg: fmt.Sprintf("%s %s is past what a number holds: a typo?", name, text)})
				return nil
			}
		}
		return err
	}
	switch {
	case dst.CanInt() && (math.IsInf(f, 0) || math.IsNaN(f)):
		// strictError words it as the decoder does (an overflow).
		return fmt.Errorf("%s: not a finite number", name)
	case math.IsInf(f, 0) || math.IsNaN(f):
		lit := map[bool]string{true: ".inf", false: "-.inf"}[f > 0]
		if math.IsNaN(f) {
			lit = ".nan"
		}
		m.problems = append(m.problems, problem{path: path, msg: name + " must be a finite number, got " + lit})
	case dst.CanInt() && f != math.Trunc(f):
		m.problems = append(m.problems, problem{path: path, msg: fmt.Sprintf("%s must be a whole number, got %v", name, f)})
	case dst.CanInt() && math.Abs(f) > 1<<53:
		m.problems = append(m.problems, problem{path: path, msg: fmt.Sprintf("%s must be a whole number of at most 2^53, got %v", name, f)})
	case dst.CanInt():
		dst.SetInt(int64(f))
	default:
		dst.SetFloat(f)
	}
	return nil
}

// key is the YAML key of struct field f: its json tag's name.
func key(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

// idField returns, for a slice of structs with a string field keyed "id",
// that field's index; -1 for any other type.
func idField(t reflect.Type) int {
	if t.Kind() != reflect.Slice || t.Elem().Kind() != reflect.Struct {
		return -1
	}
	for i := range t.Elem().NumField() {
		if f := t.Elem().Field(i); key(f) == "id" && f.Type.Kind() == reflect.String {
			return i
		}
	}
	return -1
}

// yamlError formats a go-yaml error as "file:line:col: message".
func yamlError(name string, err error) error {
	if line, col, msg, ok := yamlguard.Syntax(nil, err); ok {
		return located(name, line, col, msg)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// located is "file:line:col: message", or "file: message" without a line.
func located(name string, line, col int, msg string) error {
	if line == 0 {
		return fmt.Errorf("%s: %s", name, msg)
	}
	return fmt.Errorf("%s:%d:%d: %s", name, line, col, msg)
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
	depth, deepest := 0, node
	visit(node, nil, func(p []string, n ast.Node) bool {
		if len(p) > depth && len(p) <= len(path) && slices.Equal(p, path[:len(p)]) {
			depth, deepest = len(p), n
		}
		return depth < len(path)
	})
	return depth, deepest
}

// writtenTwice refuses a value that one file sets twice by giving an entry
// twice (an offer copied with a new price): the merge applies both, so the
// first was lost without a word. Fields of an entry given twice that do not
// overlap still merge (TestUserFileMergeRules), and a key written twice in
// one mapping is the decoder's own error. It is said at the second key,
// with where the first stands.
func writtenTwice(name string, body ast.Node) error {
	first := map[string]*token.Position{}
	var err error
	var walk func(n ast.Node, path []string) bool
	walk = func(n ast.Node, path []string) bool {
		n = yamlguard.Unwrap(n)
		if seq, ok := n.(*ast.SequenceNode); ok {
			for i, v := range seq.Values {
				if !walk(v, append(slices.Clip(path), entryName(v, i))) {
					return false
				}
			}
			return true
		}
		pairs, _ := yamlguard.Pairs(n)
		for _, mv := range pairs {
			if mv.Key == nil || mv.Key.GetToken() == nil {
				continue
			}
			k := mv.Key.GetToken()
			p := append(slices.Clip(path), k.Value)
			if isEntries(mv.Value) {
				if !walk(mv.Value, p) {
					return false
				}
				continue
			}
			if _, ok := yamlguard.Pairs(mv.Value); ok {
				if !walk(mv.Value, p) {
					return false
				}
				continue
			}
			if k.Value == "id" {
				continue
			}
			at := strings.Join(p, "\x00")
			if f, ok := first[at]; ok {
				err = fmt.Errorf("%s:%d:%d: %s: written twice in this file (first at line %d, column %d): the second would replace the first without a word",
					name, k.Position.Line, k.Position.Column, strings.Join(p, "."), f.Line, f.Column)
				return false
			}
			first[at] = k.Position
		}
		return true
	}
	walk(body, nil)
	return err
}

// isEntries reports whether n is a list of mappings (entries merged by
// id), not a list of values (smi_names) or an empty list.
func isEntries(n ast.Node) bool {
	seq, ok := yamlguard.Unwrap(n).(*ast.SequenceNode)
	if !ok || len(seq.Values) == 0 {
		return false
	}
	_, ok = yamlguard.Pairs(seq.Values[0])
	return ok
}

// priceKeys are the fields that set a price: an offer's (rented, derived or
// owned) and an API's.
var priceKeys = map[string][]string{
	"offers": {"usd_per_gpu_hour", "base_offer", "multiplier", "capex_usd_per_gpu", "amortization_months", "watts_per_gpu", "usd_per_kwh", "pue"},
	"apis":   {"usd_per_1m_input", "usd_per_1m_output", "usd_per_1m_cached_input"},
}

// priceIDs names the offers ("offer:gpu/offer") and APIs ("api:id") c
// holds, each with its citation: its source and date.
func priceIDs(c *Catalog) map[string]string {
	ids := map[string]string{}
	for _, g := range c.GPUs {
		for _, o := range g.Offers {
			ids["offer:"+g.ID+"/"+o.ID] = o.Source + ", " + o.Date
		}
	}
	for _, a := range c.APIs {
		ids["api:"+a.ID] = a.Source + ", " + a.Date
	}
	return ids
}

// recite re-cites a price that the file f (its syntax tree body) set on
// an offer or API an earlier file holds (before) without giving a source
// of its own: it kept the earlier source and date, so the user's number
// was printed under the catalog's citation. The source becomes the file
// and line that set it, with the citation it replaced. A price set without
// a date of its own is dated by the file's last change (f.Date), not by
// the figure it replaced ("$5.5/GPU-hour, from p5.yaml line 5 …,
// 2026-11-09" put the user's number under AWS's date).
func recite(c *Catalog, f sourceFile, body ast.Node, before map[string]string) {
	name := f.Name
	type set struct {
		key    string
		line   int
		source bool
		date   bool
	}
	sets := map[string]*set{}
	var order []string
	setOf := func(id string) *set {
		s := sets[id]
		if s == nil {
			s = &set{}
			sets[id] = s
			order = append(order, id)
		}
		return s
	}
	note := func(id string, entry ast.Node, keys []string) {
		if _, ok := before[id]; !ok {
			return
		}
		pairs, _ := yamlguard.Pairs(entry)
		for _, mv := range pairs {
			if mv.Key == nil || mv.Key.GetToken() == nil {
				continue
			}
			k := mv.Key.GetToken()
			switch {
			case k.Value == "source":
				setOf(id).source = true
			case k.Value == "date":
				setOf(id).date = true
			case slices.Contains(keys, k.Value):
				if s := setOf(id); s.key == "" {
					s.key, s.line = k.Value, k.Position.Line
				}
			}
		}
	}
	entries := func(n ast.Node, key string, fn func(id string, v ast.Node)) {
		pairs, _ := yamlguard.Pairs(n)
		for _, mv := range pairs {
			if mv.Key == nil || mv.Key.GetToken() == nil || mv.Key.GetToken().Value != key {
				continue
			}
			if seq, ok := yamlguard.Unwrap(mv.Value).(*ast.SequenceNode); ok {
				for i, v := range seq.Values {
					fn(entryName(v, i), v)
				}
			}
		}
	}
	entries(body, "gpus", func(gpu string, g ast.Node) {
		entries(g, "offers", func(offer string, o ast.Node) { note("offer:"+gpu+"/"+offer, o, priceKeys["offers"]) })
	})
	entries(body, "apis", func(api string, a ast.Node) { note("api:"+api, a, priceKeys["apis"]) })
	// redate dates a price the file set without a date by the file's.
	redate := func(date *string, s *set) bool {
		if s.date || f.Date == "" {
			return false
		}
		*date = f.Date
		return true
	}
	cite := func(source *string, id string, s *set, redated bool) {
		if redated {
			*source = fmt.Sprintf("%s line %d sets %s, with no source nor date of its own (dated by the file's last change; it replaces the catalog's, from %s)", name, s.line, s.key, before[id])
			return
		}
		*source = fmt.Sprintf("%s line %d sets %s, with no source of its own (it replaces the catalog's, from %s)", name, s.line, s.key, before[id])
	}
	for _, id := range order {
		s := sets[id]
		if s.key == "" {
			continue
		}
		for gi := range c.GPUs {
			offers := c.GPUs[gi].Offers
			for oi := range offers {
				if o := &offers[oi]; "offer:"+c.GPUs[gi].ID+"/"+o.ID == id {
					redated := redate(&o.Date, s)
					if !s.source { // a source the file gives is kept as given
						cite(&o.Source, id, s, redated)
					}
					// An offer priced off this one (base_offer ×
					// multiplier) that the file left alone says whose
					// price its base now is, whether or not the file
					// gave that price a source: a reservation priced
					// off a user's quote was cited to AWS's table alone.
					for di := range offers {
						if d := &offers[di]; d.BaseOffer == o.ID && sets["offer:"+c.GPUs[gi].ID+"/"+d.ID] == nil {
							d.Source += fmt.Sprintf("; its base offer %s is the price %s line %d sets", o.ID, name, s.line)
						}
					}
				}
			}
		}
		for ai := range c.APIs {
			if a := &c.APIs[ai]; "api:"+a.ID == id {
				redated := redate(&a.Date, s)
				if !s.source {
					cite(&a.Source, id, s, redated)
				}
			}
		}
	}
}
