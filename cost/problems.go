package cost

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/inferbench/inferbench/internal/typo"
)

// errProblems joins problems located in files into one error, one line
// each, with two exceptions. A problem with related values is said where
// the latest file sets one of them (locateAny). And the values left out of
// a new entry (one whose id no earlier file holds) are said in one line:
// what a new entry needs and, when its id is near one an earlier file holds
// ("h100-sx"), that id: a prices file that mistypes the id of an entry it
// means to override adds a new entry with every required field missing,
// which read as five "required" and "got 0" lines. A new entry given in
// full is added, as the docs promise (a user file overrides any field, or
// adds an entry).
func errProblems(files []*parsedFile, ps []problem) error {
	errs := make([]error, 0, len(ps))
	said := map[string]bool{} // new entries whose missing fields were said
	for i, p := range ps {
		if entry, first := newEntry(files, p.path); entry != nil && !held(files, p.path) {
			if k := strings.Join(entry, "\x00"); !said[k] {
				said[k] = true
				errs = append(errs, newEntryError(files, first, entry, ps[i:]))
			}
			continue
		}
		at, path := locateAny(files, p.path, p.related)
		errs = append(errs, errors.New(at+": "+strings.Join(path, ".")+": "+p.msg))
	}
	return errors.Join(errs...)
}

// newEntryError is the one line for new entry's values left out (those of
// ps that are), with the id an earlier file holds that its id is near.
func newEntryError(files []*parsedFile, first int, entry []string, ps []problem) error {
	var fields []string
	for _, q := range ps {
		if len(q.path) > len(entry) && slices.Equal(entryOf(q.path), entry) && !held(files, q.path) {
			if f := strings.Join(q.path[len(entry):], "."); !slices.Contains(fields, f) {
				fields = append(fields, f)
			}
		}
	}
	list, id := entry[len(entry)-2], entry[len(entry)-1]
	what := map[string]string{"gpus": "gpu", "apis": "api model", "offers": "offer", "providers": "provider", "models": "model"}[list]
	if what == "" {
		what = "entry"
	}
	var known []string
	for _, f := range files[:first] {
		visit(f.body, nil, func(p []string, _ ast.Node) bool {
			if len(p) == len(entry) && slices.Equal(p[:len(p)-1], entry[:len(entry)-1]) && !slices.Contains(known, p[len(p)-1]) {
				known = append(known, p[len(p)-1])
			}
			return true
		})
	}
	at := locate(files, entry)
	if near := typo.Nearest(id, known); near != "" {
		return fmt.Errorf("%s: %s: no %s %q to override, did you mean %s? (a new %s needs %s)", at, strings.Join(entry, "."), what, id, near, what, strings.Join(fields, ", "))
	}
	return fmt.Errorf("%s: %s: a new %s (no %s %q to override) needs %s", at, strings.Join(entry, "."), what, what, id, strings.Join(fields, ", "))
}

// entryOf is the innermost list entry on path: the path up to and with the
// id of the last list of entries with ids it passes through (["gpus",
// "h100-sxm", "offers", "spot"] for that offer's fields); nil when it
// passes through none.
func entryOf(path []string) []string {
	var entry []string
	t := reflect.TypeFor[Catalog]()
	for i := 0; i < len(path) && t.Kind() == reflect.Struct; i++ {
		var f *reflect.StructField
		for j := range t.NumField() {
			if fj := t.Field(j); key(fj) == path[i] {
				f = &fj
				break
			}
		}
		switch {
		case f == nil:
			return entry
		case idField(f.Type) >= 0 && i+1 < len(path):
			entry = path[:i+2]
			t = f.Type.Elem()
			i++
		default:
			t = f.Type
		}
	}
	return entry
}

// newEntry is path's entry (entryOf) when it is new: no file before the
// first that holds it holds it too (first: that file's index). Nil when
// path is in no entry, or no file holds the entry (an entry without an id
// is named by its index).
func newEntry(files []*parsedFile, path []string) ([]string, int) {
	entry := entryOf(path)
	if entry == nil || len(path) == len(entry) {
		return nil, 0
	}
	for i, f := range files {
		if d, _ := walk(f.body, entry); d == len(entry) {
			return entry, i
		}
	}
	return nil, 0
}

// held reports whether some file sets the value at path.
func held(files []*parsedFile, path []string) bool {
	return slices.ContainsFunc(files, func(f *parsedFile) bool {
		d, _ := walk(f.body, path)
		return d == len(path)
	})
}

// locateAny is where to say a problem of the value at path that the
// values at related make one: at whichever of them the latest file sets
// (path on a tie), so that a prices file's value is blamed, not the shipped
// catalog's it contradicts; with that value's path. Where no file sets any
// of them, path's nearest enclosing entry (locate).
func locateAny(files []*parsedFile, path []string, related [][]string) (string, []string) {
	best, bestFile := path, -1
	for _, p := range append([][]string{path}, related...) {
		for i := len(files) - 1; i > bestFile; i-- {
			if d, _ := walk(files[i].body, p); d == len(p) {
				best, bestFile = p, i
				break
			}
		}
	}
	return locate(files, best), best
}
