package yamlguard

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

type inner struct {
	A int `yaml:"a"`
	B int `json:"b"`
}

type base struct {
	Shared string `yaml:"shared"`
}

type outer struct {
	Name   string            `yaml:"name"`
	Inner  inner             `yaml:"inner"`
	List   []*inner          `yaml:"list"`
	Free   map[string]string `yaml:"free"`
	Plain  int
	Hidden int `yaml:"-"`
	base   `yaml:",inline"`
}

// TestFirstUnknownKey: the first unknown key by position, with its path,
// through nested mappings, lists, tags and anchors; free-form maps, merge
// keys and inline structs' keys are not unknown.
func TestFirstUnknownKey(t *testing.T) {
	typ := reflect.TypeFor[outer]()
	for src, want := range map[string]string{
		"name: x\ninner: {a: 1, b: 2}\nlist: [{a: 1}]\nfree: {anything: y}\nplain: 3\nshared: s\n": "",
		"zzz: 1\nname: x\naaa: 2\n":                                 "zzz",
		"name: x\ninner:\n  b: 1\n  zz: 2\n  aa: 3\nqq: 1\n":        "inner.zz",
		"list:\n- a: 1\n- a: 2\n  c: 3\n- d: 4\n":                   "list[1].c",
		"inner: !!map {a: 1, x: 2}\n":                               "inner.x",
		"inner: &i {a: 1, y: 2}\n":                                  "inner.y",
		"hidden: 1\n":                                               "hidden",
		"Plain: 1\n":                                                "Plain",
		"base: {a: 1}\ninner:\n  <<: {a: 9}\n  a: 1\n":              "base",
		"free: {x: 1}\nlist: []\ninner: {a: 1}\nname: n\nwhat: 1\n": "what",
	} {
		f, err := Parse([]byte(src), Limits{})
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		k, path := FirstUnknownKey(f.Docs[0].Body, typ, nil)
		if path != want || (k == nil) != (want == "") {
			t.Errorf("%q: first unknown key %q; want %q", src, path, want)
		}
	}
}

// TestNearestKey: the known key of the unknown key's mapping within two
// edits of it, through structs, lists and inline structs; none for a key
// far from every known one, or under a free-form map.
func TestNearestKey(t *testing.T) {
	typ := reflect.TypeFor[outer]()
	for path, want := range map[string]string{
		"nmae": "name", "inner.aa": "a", "list[3].bb": "b", "shred": "shared",
		"zzzzzz": "", "free.x": "", "name.x": "", "list[0][1].a": "",
	} {
		if got := NearestKey(typ, nil, path); got != want {
			t.Errorf("NearestKey(%q) = %q; want %q", path, got, want)
		}
	}
}

// TestKeysAt: the keys of the mapping at a path, in field order, inline
// structs' in place; through lists; none where the path leads to no struct.
func TestKeysAt(t *testing.T) {
	typ := reflect.TypeFor[outer]()
	for path, want := range map[string][]string{
		"": {"name", "inner", "list", "free", "plain", "shared"}, "inner": {"a", "b"}, "list[4]": {"a", "b"},
		"free": nil, "name": nil, "nope": nil,
	} {
		if got := KeysAt(typ, nil, path); !slices.Equal(got, want) {
			t.Errorf("KeysAt(%q) = %q; want %q", path, got, want)
		}
	}
}

// TestFirstUnknownKeySchema: a schema function maps a type with its own
// decoding to the type that lists its keys.
func TestFirstUnknownKeySchema(t *testing.T) {
	type wrapper struct {
		X int `yaml:"x"` // decoded by hand as an inner
	}
	type doc struct {
		W wrapper `yaml:"w"`
	}
	f, err := Parse([]byte("w: {a: 1, x: 2}\n"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	schema := func(t reflect.Type) reflect.Type {
		if t == reflect.TypeFor[wrapper]() {
			return reflect.TypeFor[inner]()
		}
		return t
	}
	if _, path := FirstUnknownKey(f.Docs[0].Body, reflect.TypeFor[doc](), schema); path != "w.x" {
		t.Errorf("with the schema: %q; want w.x", path)
	}
	if _, path := FirstUnknownKey(f.Docs[0].Body, reflect.TypeFor[doc](), nil); path != "w.a" {
		t.Errorf("without: %q; want w.a", path)
	}
}

// TestPairs: a mapping's pairs under a tag or an anchor, a one-pair mapping
// given as its pair, and false for what is not a mapping.
func TestPairs(t *testing.T) {
	for _, c := range []struct {
		src  string
		keys []string
	}{
		{"a: 1\nb: 2\n", []string{"a", "b"}},
		{"a: 1\n", []string{"a"}},
		{"x: !!map {a: 1, b: 2}\n", []string{"a", "b"}},
		{"x: &m {a: 1}\n", []string{"a"}},
		{"x: [1, 2]\n", nil},
		{"x: 3\n", nil},
	} {
		f, err := Parse([]byte(c.src), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		n := f.Docs[0].Body
		if strings.HasPrefix(c.src, "x:") {
			top, _ := Pairs(n)
			n = top[0].Value
		}
		mvs, ok := Pairs(n)
		var keys []string
		for _, mv := range mvs {
			keys = append(keys, mv.Key.String())
		}
		if ok != (c.keys != nil) || !slices.Equal(keys, c.keys) {
			t.Errorf("%q: keys %v, %v; want %v", c.src, keys, ok, c.keys)
		}
	}
}

// TestStringNumbers: a scalar written as a string (double or single
// quotes, !!str, under an anchor) where a plain number belongs is found,
// with its path; bare numbers, strings where strings belong and a type
// that reads its own YAML (a duration's "30s") are not.
func TestStringNumbers(t *testing.T) {
	type inner struct {
		N int `yaml:"n"`
	}
	type doc struct {
		A    int          `yaml:"a"`
		B    float64      `yaml:"b"`
		C    uint         `yaml:"c"`
		S    string       `yaml:"s"`
		D    durationLike `yaml:"d"`
		List []inner      `yaml:"list"`
	}
	f, err := Parse([]byte("a: \"8\"\nb: &p '2.5'\nc: !!str 3\ns: \"x\"\nd: \"30s\"\nlist: [{n: 1}, {n: \"2\"}]\n"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range StringNumbers(f.Docs[0].Body, reflect.TypeFor[doc](), nil) {
		got = append(got, x.Path+"="+x.Text+" ("+x.Want+")")
	}
	want := []string{"a=8 (a whole number)", "b=2.5 (a number)", "c=3 (a whole number ≥ 0)", "list[1].n=2 (a whole number)"}
	if !slices.Equal(got, want) {
		t.Errorf("StringNumbers = %q; want %q", got, want)
	}
}

// durationLike is a number type that reads its own YAML, as a duration does.
type durationLike int64

func (d *durationLike) UnmarshalYAML(b []byte) error { return nil }
