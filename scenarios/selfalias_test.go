package scenarios

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAliasToItself: an alias inside the node its anchor names refers to
// that node itself (a value that would contain itself without end). It is
// said so, with the anchor's line; before, it read "alias *a: no anchor &a
// is defined before it" while &a stood a line or a few columns above it.
func TestAliasToItself(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		want      []string
	}{
		{"in a block mapping", "name: a\nx-a: &a\n  concurrency: 2\n  self: *a\nload:\n  <<: *a\n",
			[]string{"s.yaml:4:9: alias *a: inside the value of its own anchor &a (line 2, column 6): a value cannot contain itself"}},
		{"in a flow sequence on one line", "name: a\nx-a: &a [*a]\nload: {concurrency: 1}\n",
			[]string{"s.yaml:2:10: alias *a: inside the value of its own anchor &a (line 2, column 6): a value cannot contain itself"}},
		{"an earlier &a of the same name does not hide it", "name: a\nx-a: &a 1\nx-b: &a {k: *a}\nload: {concurrency: 1}\n",
			[]string{"s.yaml:3:13: alias *a: inside the value of its own anchor &a (line 3, column 6): a value cannot contain itself"}},
		{"an alias never anchored is still that", "name: a\nload: {concurrency: *n}\n",
			[]string{"s.yaml:2:21: alias *n: no anchor &n is defined before it"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("s.yaml", []byte(tt.src))
			if diff := cmp.Diff(tt.want, errLines(err)); diff != "" {
				t.Errorf("Load(%q) errors (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

// TestAliasAfterItsAnchorCloses: an alias after its anchor's value has
// ended, even next to it in the same flow collection, is a plain reference.
func TestAliasAfterItsAnchorCloses(t *testing.T) {
	s, err := Load("s.yaml", []byte("name: a\nload: {concurrency: &c 2, requests: *c}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Load.Concurrency != 2 || s.Load.Requests != 2 {
		t.Errorf("concurrency %d, requests %d; want 2 and 2", s.Load.Concurrency, s.Load.Requests)
	}
}
