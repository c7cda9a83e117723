package yamlguard

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// laughs is a "billion laughs": ten levels of anchors, each a list of ten
// aliases of the one before, 10^10 nodes once expanded, in 700 bytes.
func laughs() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// keys returns n "kI: 1" lines: one mapping of n keys.
func keys(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "k%d: 1\n", i)
	}
	return b.String()
}

// TestLimits: each hostile shape is refused with the limit it broke and
// the line and column where it did; each shape just inside the limit
// parses.
func TestLimits(t *testing.T) {
	small := Limits{MaxBytes: 1 << 10, MaxTokens: 100, MaxDepth: 4, MaxKeys: 3, MaxNodes: 50}
	for _, c := range []struct {
		name, data string
		lim        Limits
		want       string // "" parses
		line, col  int
	}{
		// Refused on the bytes, before the lexer: the 10,001st "[".
		{"200 KB of [", "a: " + strings.Repeat("[", 200_000), Limits{}, "more than 10000 of the flow characters , [ ] { }", 1, 4 + 10_000},
		// The top mapping is level 1: the 64th "[" (column 4+63) is level 65.
		{"nested [", "a: " + strings.Repeat("[", 5_000), Limits{}, "nested more than 64 levels deep", 1, 4 + 63},
		{"nested {", "a: " + strings.Repeat("{b: ", 100), Limits{}, "nested more than 64 levels deep", 1, 4 + 4*63},
		// Lines "kI: 1\n" are 6 bytes for I < 10, 7 below 100, …: 10,000
		// lines make 88,890 bytes, then 10-byte lines; byte 524,288 is
		// the 9th of line 10,000 + 43,539 + 1. The file is 88,890 +
		// 90,000×10 + 200,000×11 bytes.
		{"300k keys", keys(300_000), Limits{}, "file too large: more than 524288 bytes, the limit", 53540, 9},
		{"3000 keys", keys(3_000), Limits{}, "more than 256 keys in one mapping", 257, 1},
		// Refused at the 257th key itself (column 2+6×256), as a block mapping is.
		{"3000 flow keys", "{" + strings.Repeat("k: 1, ", 3_000) + "}", Limits{}, "more than 256 keys in one mapping", 1, 2 + 6*256},
		// Keys without ":" are keys too (a fuzz find: "{000,0,0,0,0,0}" passed
		// a limit of 5); a trailing "," opens no key.
		{"3000 bare flow keys", "{" + strings.Repeat("k, ", 3_000) + "}", Limits{}, "more than 256 keys in one mapping", 1, 2 + 3*256},
		{"bare flow keys at the limit", "{a, b, c, d, e,}", Limits{MaxKeys: 5}, "", 0, 0},
		{"bare flow keys past the limit", "x: {a, b, c, d, e, f}", Limits{MaxKeys: 5}, "more than 5 keys in one mapping", 1, 20},
		{"flow characters", "a: [" + strings.Repeat("1,", 20) + "]", Limits{MaxFlow: 10}, "more than 10 of the flow characters , [ ] { }", 1, 4 + 2*10}, // "[" then the 10th ",",
		// a0's list is 11 nodes, a1's 111, a2's 1,111, a3's 11,111: the
		// 8th alias of a3 in a4's list (line 5, column 10+5×7) passes
		// 100,000 with what came before.
		{"billion laughs", laughs(), Limits{}, "aliases expand the document beyond 100000 nodes", 5, 45},
		{"block dashes", strings.Repeat("- ", 5) + "x\n", small, "nested more than 4 levels deep", 1, 9},
		{"block dashes, at the limit", strings.Repeat("- ", 4) + "x\n", small, "", 0, 0},
		{"indented mappings", "a:\n  b:\n    c:\n      d:\n        e: 1\n", small, "nested more than 4 levels deep", 5, 9},
		{"indented mappings, at the limit", "a:\n  b:\n    c:\n      d: 1\n", small, "", 0, 0},
		// a's mapping, its sequence, b's mapping, its sequence, c's mapping.
		{"indentless sequences", "a:\n- b:\n  - c:\n    - d\n", small, "nested more than 4 levels deep", 3, 5},
		{"keys at the limit", "a: 1\nb: 2\nc: 3\nd:\n  x: 1\n", Limits{MaxKeys: 4}, "", 0, 0},
		{"keys over", "a: 1\nb: 2\nc: 3\nd: 4\n", small, "more than 3 keys in one mapping", 4, 1},
		{"keys of sibling mappings", "- a: 1\n  b: 2\n  c: 3\n- a: 1\n  b: 2\n  c: 3\n", small, "", 0, 0},
		{"tokens", strings.Repeat("- x\n", 60), small, "more than 100 YAML tokens", 51, 1}, // two a line
		{"bytes", strings.Repeat("#", 2000), small, "file too large: more than 1024 bytes, the limit", 1, 1025},
		{"aliases within", "a: &a [x, x]\nb: [*a, *a]\n", small, "", 0, 0},
		// Document, mapping, a's pair, key and 11-node list: 15; b's pair,
		// key and list: 18; each *a 11 more: the third reaches 51.
		{"aliases beyond", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: [*a, *a, *a, *a, *a]\n", small, "aliases expand the document beyond 50 nodes", 2, 13},
		{"brackets in strings and comments", "a: \"[[[[[[\" # {{{{{{\nb: '{{{{{'\nc: |\n  [[[[[[[[\n", small, "", 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.data), c.lim)
			if c.want == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			var ge *Error
			if !errors.As(err, &ge) || ge.Msg != c.want || ge.Line != c.line || ge.Column != c.col {
				t.Fatalf("Parse = %v; want %d:%d: %s", err, c.line, c.col, c.want)
			}
		})
	}
}

// TestShippedFilesParse: inferbench's own YAML files are well inside the
// default limits.
func TestShippedFilesParse(t *testing.T) {
	var files []string
	for _, g := range []string{"../../scenarios/*.yaml", "../../scenarios/testdata/*.yaml", "../../cost/catalog/*.yaml"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	if len(files) < 8 {
		t.Fatalf("found only %v", files)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(b, Limits{}); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		// And within a tenth of every limit but the size.
		if _, err := Parse(b, Limits{MaxFlow: DefaultMaxFlow / 10, MaxTokens: DefaultMaxTokens / 10, MaxDepth: DefaultMaxDepth / 10,
			MaxKeys: DefaultMaxKeys / 10, MaxNodes: DefaultMaxNodes / 10}); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// TestSameTreeAsTheParser: what Parse returns is what the library's own
// ParseBytes returns, decoded.
func TestSameTreeAsTheParser(t *testing.T) {
	src := []byte("name: a\nlist: [1, 2, {x: y}]\nnested:\n  - a: &v 1\n    b: *v\n")
	f, err := Parse(src, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]any
	if err := yaml.NodeToValue(f.Docs[0].Body, &got); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(src, &want); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v; want %v", got, want)
	}
	if _, err := Parse([]byte("a: [1, 2\n"), Limits{}); err == nil || errors.As(err, new(*Error)) {
		t.Errorf("syntax error = %v; want the parser's own", err)
	}
}

// BenchmarkHostile measures the time to refuse each hostile shape at the
// default limits (and to parse the worst that is accepted: as many
// mappings of DefaultMaxKeys keys as the token limit allows).
func BenchmarkHostile(b *testing.B) {
	// Each mapping is 2 + 3×DefaultMaxKeys tokens.
	var worst strings.Builder
	for m := range DefaultMaxTokens / (2 + 3*DefaultMaxKeys) {
		fmt.Fprintf(&worst, "m%d:\n", m)
		for k := range DefaultMaxKeys {
			fmt.Fprintf(&worst, "  k%d: 1\n", k)
		}
	}
	if _, err := Parse([]byte(worst.String()), Limits{}); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, data string }{
		{"brackets-200KB", "a: " + strings.Repeat("[", 200_000)},
		{"brackets-10k", "a: " + strings.Repeat("[", DefaultMaxFlow)},
		{"flow-10k", "a: [" + strings.Repeat("1,", DefaultMaxFlow/2-1) + "]"},
		{"keys-300k", keys(300_000)},
		{"keys-60k-in-512KB", keys(60_000)[:DefaultMaxBytes-1]},
		{"laughs", laughs()},
		{"widest-accepted", worst.String()},
	} {
		b.Run(c.name, func(b *testing.B) {
			data := []byte(c.data)
			for b.Loop() {
				Parse(data, Limits{})
			}
		})
	}
}

// TestLineCol: \n, \r\n and a lone \r each end a line, as for the lexer.
func TestLineCol(t *testing.T) {
	data := []byte("a\rb\r\nc\nde")
	for off, want := range map[int][2]int{0: {1, 1}, 2: {2, 1}, 3: {2, 2}, 5: {3, 1}, 7: {4, 1}, 8: {4, 2}} {
		if l, c := lineCol(data, off); l != want[0] || c != want[1] {
			t.Errorf("lineCol(%d) = %d:%d; want %d:%d", off, l, c, want[0], want[1])
		}
	}
}

// TestByteOrderMark: a file saved with a UTF-8 byte order mark (Windows
// editors write one) is YAML like any other (YAML 1.2 §5.2: a stream may
// begin with one); its first key is "name", not "\ufeffname", and an error
// on line 1 is located as an editor shows it.
func TestByteOrderMark(t *testing.T) {
	f, err := Parse([]byte("\ufeffname: a\nload: {requests: 1}\n"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := yaml.NodeToValue(f.Docs[0].Body, &got); err != nil {
		t.Fatal(err)
	}
	if _, ok := got["name"]; !ok || len(got) != 2 {
		t.Errorf("keys %v; want name and load", got)
	}
	_, err = Parse([]byte("\ufeffa: [x"), Limits{})
	if ye, ok := errors.AsType[yaml.Error](err); !ok || ye.GetToken() == nil || ye.GetToken().Position.Line != 1 {
		t.Errorf("unclosed flow on line 1: %v", err)
	}
}

// TestWindowsLineBreaks: a file saved with "\r\n" (or old Mac "\r") line
// breaks is located as an editor shows it, comments included (the lexer
// alone counted a comment's "\r\n" as two lines), and reads as the same
// file with "\n".
func TestWindowsLineBreaks(t *testing.T) {
	lim := Limits{MaxKeys: 2}
	for _, br := range []string{"\n", "\r\n", "\r"} {
		data := []byte(strings.Join([]string{"# a comment", "a: 1 # another", "b: |", "  two", "  lines", "c: 3", ""}, br))
		_, err := Parse(data, lim)
		if ge, ok := errors.AsType[*Error](err); !ok || ge.Line != 6 || ge.Column != 1 {
			t.Errorf("break %q: %v; want the third key refused at 6:1", br, err)
		}
		f, err := Parse(data, Limits{})
		if err != nil {
			t.Fatalf("break %q: %v", br, err)
		}
		var got map[string]any
		if err := yaml.NodeToValue(f.Docs[0].Body, &got); err != nil {
			t.Fatal(err)
		}
		if got["b"] != "two\nlines\n" || len(got) != 3 {
			t.Errorf("break %q: read %q", br, got)
		}
	}
}
