package yamlguard

import (
	"fmt"
	"slices"
	"testing"

	"github.com/goccy/go-yaml"
)

// resolved parses src, resolves it and returns its value as fmt prints it
// (maps sorted by key), or the resolver's errors.
func resolved(t *testing.T, src string) (string, []string) {
	t.Helper()
	f, err := Parse([]byte(src), Limits{})
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	n, errs := ResolveAliases(f.Docs[0].Body)
	if len(errs) > 0 {
		var msgs []string
		for _, e := range errs {
			msgs = append(msgs, e.Error())
		}
		return "", msgs
	}
	var v any
	if err := yaml.NodeToValue(n, &v); err != nil {
		t.Fatalf("decoding %q resolved: %v", src, err)
	}
	return fmt.Sprint(v), nil
}

// TestResolveAliases: an alias is the value of the most recent anchor of
// its name before it, as YAML has it (go-yaml v3 reads each of these so):
// an anchor nested in another of its name is the latest, inside the outer
// one's value and after it. Scenarios refused `x: &x {b: &x 1, c: *x}`
// ("inside the value of its own anchor"), while thresholds read *x as 1;
// after the outer value, both read *x as the outer mapping. Merge keys,
// anchored and tagged keys are resolved too.
func TestResolveAliases(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"x: &x {b: &x 1, c: *x}\n", "map[x:map[b:1 c:1]]"},
		{"x: &x {b: &x 1}\ny: *x\n", "map[x:map[b:1] y:1]"},
		{"x: &x\n  b: &x [1, 2]\n  c: *x\ny: *x\n", "map[x:map[b:[1 2] c:[1 2]] y:[1 2]]"},
		{"a: &a 1\nb: &a 2\nc: *a\n", "map[a:1 b:2 c:2]"},
		{"a: &a 1\nb: [*a, &a 2, *a]\n", "map[a:1 b:[1 2 2]]"},
		{"x: {&k name: 1, v: *k}\n", "map[x:map[name:1 v:name]]"},
		{"x: !!str &s t\ny: *s\n", "map[x:t y:t]"},
		{"a: &a {p: 1, q: 2}\nb:\n  <<: *a\n  q: 3\n", "map[a:map[p:1 q:2] b:map[p:1 q:3]]"},
		{"a: &a {p: 1}\nb: {!!str p: 2, <<: *a}\n", "map[a:map[p:1] b:map[p:2]]"},
		{"a: &a {p: 1}\nb: &b {p: 2, q: 2}\nc: {<<: [*a, *b]}\n", "map[a:map[p:1] b:map[p:2 q:2] c:map[p:1 q:2]]"},
		{"a: &a {p: 1}\nb: &b {<<: *a, q: 2}\nc:\n  <<: *b\n", "map[a:map[p:1] b:map[p:1 q:2] c:map[p:1 q:2]]"},
	} {
		got, errs := resolved(t, c.src)
		if got != c.want || errs != nil {
			t.Errorf("%q: %s %q; want %s", c.src, got, errs, c.want)
		}
	}
}

// TestResolveAliasesErrors: every problem, in the file's order, each
// where it is written. An alias is refused inside its own anchor's value
// only when the anchor it names is that one, still open.
func TestResolveAliasesErrors(t *testing.T) {
	for _, c := range []struct {
		src  string
		want []string
	}{
		{"x: &a [*a]\n", []string{"1:8: alias *a: inside the value of its own anchor &a (line 1, column 4): a value cannot contain itself"}},
		{"x: &x {b: &x [*x]}\n", []string{"1:15: alias *x: inside the value of its own anchor &x (line 1, column 11): a value cannot contain itself"}},
		{"a: &a 1\nb: &a {k: *a}\n", []string{"2:11: alias *a: inside the value of its own anchor &a (line 2, column 4): a value cannot contain itself"}},
		{"x: &a [*a]\ny: *b\nz: {*c : 1}\nw: &b 2\n", []string{
			"1:8: alias *a: inside the value of its own anchor &a (line 1, column 4): a value cannot contain itself",
			"2:4: alias *b: no anchor &b is defined before it",
			"3:5: alias *c as a key: write the key itself",
		}},
		{"n: &n 5\nm: {<<: *n}\n", []string{"2:9: <<: want a mapping to merge, or a list of them (such as *base)"}},
		// Said once, where the alias is, not again as a merge of no mapping.
		{"m:\n  <<: *nope\n", []string{"2:7: alias *nope: no anchor &nope is defined before it"}},
		{"a: *" + "abcdefghijklmnopqrstuvwxyz0123456789\n", []string{"1:4: alias *abcdefghijklmnopqrstuvwxyz012345…: no anchor &abcdefghijklmnopqrstuvwxyz012345… is defined before it"}},
	} {
		got, errs := resolved(t, c.src)
		if !slices.Equal(errs, c.want) {
			t.Errorf("%q: %s %q;\nwant %q", c.src, got, errs, c.want)
		}
	}
}
