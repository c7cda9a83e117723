package yamlguard

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// fuzzLimits are small, so that the fuzzer reaches every limit with short
// inputs.
var fuzzLimits = Limits{MaxBytes: 4 << 10, MaxFlow: 64, MaxTokens: 400, MaxDepth: 6, MaxKeys: 5, MaxNodes: 300}

// FuzzParse feeds Parse arbitrary bytes under small limits. It must not
// panic (the library's own panics come back as errors); a refusal is an
// *Error inside the file; what it accepts the library parses alike, has
// collections nested at most 2×MaxDepth deep (the column-based count may
// see two levels where a sequence sits at its key's column), no mapping of
// more than MaxKeys keys, and is accepted under the default limits too.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"a: [[[[[[[[x]]]]]]]]", "a: {b: {c: {d: {e: {f: {g: 1}}}}}}", "- - - - - - - x\n",
		"a:\n- b:\n  - c:\n    - d:\n      - e\n", "k1: 1\nk2: 2\nk3: 3\nk4: 4\nk5: 5\nk6: 6\n", laughs(),
		"a: &a [x, x, x]\nb: [*a, *a, *a]\nc: {<<: *a}\n", "? a\n: b\n? c\n: d\n", "---\na: 1\n---\nb: [1, 2]\n",
		"a: \"[[[\" # {{{\nb: |\n  [[[\n", "[a: 1, b: 2, c: 3, d: 4, e: 5, f: 6]",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob("../../scenarios/*.yaml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data, fuzzLimits)
		var ge *Error
		if errors.As(err, &ge) {
			// YAML's line breaks: \n, \r\n, a lone \r.
			lines := bytes.Count(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\n")) + bytes.Count(data, []byte("\r")) -
				bytes.Count(data, []byte("\r\n")) + 1
			if ge.Line < 1 || ge.Line > lines || ge.Column < 1 {
				t.Fatalf("refusal at %d:%d outside the file's %d lines: %v", ge.Line, ge.Column, lines, err)
			}
			return
		}
		// Accepted by the guard: the library decides alone, as without it
		// (on the line breaks the guard hands it).
		libErr := libraryParse(normalizeBreaks(bytes.TrimPrefix(data, []byte("\ufeff"))))
		if (err == nil) != (libErr == nil) {
			t.Fatalf("Parse: %v; the library alone: %v", err, libErr)
		}
		if err != nil {
			return
		}
		for _, doc := range file.Docs {
			if d := collectionDepth(doc); d > 2*fuzzLimits.MaxDepth {
				t.Fatalf("accepted collections nested %d deep (limit %d)", d, fuzzLimits.MaxDepth)
			}
			ast.Walk(visitFunc(func(n ast.Node) {
				if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > fuzzLimits.MaxKeys {
					t.Fatalf("accepted a mapping of %d keys (limit %d)", len(m.Values), fuzzLimits.MaxKeys)
				}
			}), doc)
		}
		if _, err := Parse(data, Limits{}); err != nil {
			t.Fatalf("accepted under small limits, refused under the defaults: %v", err)
		}
	})
}

// libraryParse is parser.ParseBytes with the library's panics as errors.
func libraryParse(data []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("panic")
		}
	}()
	_, err = parser.ParseBytes(data, 0)
	return err
}

// visitFunc calls f on every node.
type visitFunc func(ast.Node)

func (v visitFunc) Visit(n ast.Node) ast.Visitor {
	if n == nil {
		return nil
	}
	v(n)
	return v
}

// collectionDepth is how deep mappings and sequences nest under n.
func collectionDepth(n ast.Node) int {
	var walk func(n ast.Node, d int) int
	walk = func(n ast.Node, d int) int {
		deepest := d
		var children []ast.Node
		switch n := n.(type) {
		case *ast.DocumentNode:
			children = []ast.Node{n.Body}
		case *ast.MappingNode:
			d++
			deepest = d
			for _, v := range n.Values {
				children = append(children, v.Value)
			}
		case *ast.MappingValueNode:
			d++ // a lone key: value is a mapping of one pair
			deepest = d
			children = []ast.Node{n.Value}
		case *ast.SequenceNode:
			d++
			deepest = d
			children = n.Values
		case *ast.AnchorNode:
			children = []ast.Node{n.Value}
		case *ast.TagNode:
			children = []ast.Node{n.Value}
		}
		for _, c := range children {
			if c != nil {
				deepest = max(deepest, walk(c, d))
			}
		}
		return deepest
	}
	return walk(n, 0)
}

// TestCollectionDepth pins the fuzzer's measure on hand-counted trees.
func TestCollectionDepth(t *testing.T) {
	for src, want := range map[string]int{
		"x":                           0,
		"a: 1":                        1,
		"a: 1\nb: 2":                  1,
		"a: [1, [2]]":                 3,
		"- a: {b: [c]}":               4,
		"a:\n- b:\n  - c:\n    - d\n": 6,
	} {
		f, err := parser.ParseBytes([]byte(src), 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := collectionDepth(f.Docs[0]); got != want {
			t.Errorf("%q: depth %d; want %d", strings.ReplaceAll(src, "\n", `\n`), got, want)
		}
	}
}
