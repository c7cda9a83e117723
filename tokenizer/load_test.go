package tokenizer

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tinyBPE is a hand-made tokenizer: a character vocabulary, three merges
// whose ranks put "b c" before "a b", and a BOS added by TemplateProcessing.
const tinyBPE = `{
  "added_tokens": [{"id": 9, "content": "<s>", "special": true}],
  "normalizer": null,
  "pre_tokenizer": {"type": "WhitespaceSplit"},
  "post_processor": {"type": "TemplateProcessing",
    "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
    "pair": [], "special_tokens": {"<s>": {"id": "<s>", "ids": [9], "tokens": ["<s>"]}}},
  "decoder": null,
  "model": {"type": "BPE", "unk_token": "?", "fuse_unk": true,
    "vocab": {"?": 0, "a": 1, "b": 2, "c": 3, "bc": 4, "ab": 5, "abc": 6},
    "merges": ["b c", "a b", "a bc"]}
}`

// TestTinyBPE pins the merge order against hand-worked results: the lowest
// rank first, the leftmost among equals, unknown characters fused.
func TestTinyBPE(t *testing.T) {
	tk, err := Parse([]byte(tinyBPE))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text string
		want []int
	}{
		{"abc", []int{6}},             // b c (rank 0) → a bc → abc (rank 2); a b (rank 1) never applies
		{"abab", []int{5, 5}},         // a b at 0, then a b at 2
		{"aab", []int{1, 5}},          // only the second a meets b
		{"cab", []int{3, 5}},          // c a has no merge
		{"xyab", []int{0, 5}},         // x and y fuse into one unknown
		{"ab  abc", []int{5, 6}},      // WhitespaceSplit removes the spaces
		{"a<s>b", []int{1, 9, 2}},     // the added token splits the text
		{"", nil},                     // nothing
		{"bcbc", []int{4, 4}},         // two bc
		{"abcabc", []int{6, 6}},       // one word, two abc
		{"cba", []int{3, 2, 1}},       // no merge applies
		{"xax", []int{0, 1, 0}},       // unknowns on both sides
		{"\xff", []int{0}},            // invalid UTF-8 is U+FFFD, unknown
		{"ab\u00a0c", []int{5, 3}},    // NBSP is white space
		{"b c", []int{2, 3}},          // merges do not cross words
		{"<s><s>", []int{9, 9}},       // added tokens back to back
		{"a <s>", []int{1, 9}},        // the space around it goes
		{"bc", []int{4}},              // rank 0 alone
		{"abcbc", []int{6, 4}},        // b c twice (ranks equal: leftmost), then a bc
		{"aabbcc", []int{1, 5, 4, 3}}, // b c (rank 0) first: a a b bc c; then a b: a ab bc c
		{"?", []int{0}},               // "?" is a vocabulary token, not unknown
		{"??", []int{0, 0}},           // two known tokens (fuse_unk joins unknowns only)
		{"zz?", []int{0, 0}},          // the unknown run, then "?"
		{"a\tb", []int{1, 2}},         // tab is white space
		{"\u3000ab\u3000", []int{5}},  // ideographic space too
		{strings.Repeat("ab", 3), []int{5, 5, 5}},
	} {
		if got := tk.Encode(c.text, false); !slices.Equal(got, c.want) {
			t.Errorf("Encode(%q) = %v, want %v", c.text, got, c.want)
		}
		if got, want := tk.Count(c.text, true), len(c.want)+1; got != want {
			t.Errorf("Count(%q, true) = %d, want %d (the BOS)", c.text, got, want)
		}
	}
}

// TestLoadErrors: malformed and hostile files give one clear error each.
func TestLoadErrors(t *testing.T) {
	model := `"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}`
	for _, c := range []struct {
		name, json, want string
	}{
		{"syntax", "{\n  \"model\": {\n    \"type\": \"BPE\",,\n", "3:19"},
		{"type", `{"added_tokens": 3, ` + model + `}`, "1:18"},
		{"no model", `{}`, "no model"},
		{"precompiled", `{"normalizer": {"type": "Precompiled", "precompiled_charsmap": ""}, ` + model + `}`, `normalizer "Precompiled" is not supported`},
		{"wordpiece", `{"model": {"type": "WordPiece", "vocab": {}}}`, `model "WordPiece" is not supported`},
		{"merge missing", `{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}}`, `merge 1: token "b" is not in the vocabulary`},
		{"merge result", `{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b"]}}`, `result "ab" is not in the vocabulary`},
		{"merge shape", `{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b c"]}}`, "not two tokens"},
		{"merge pair", `{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [["a"]]}}`, "has 1 parts"},
		{"dropout", `{"model": {"type": "BPE", "dropout": 0.1, "vocab": {}, "merges": []}}`, "dropout"},
		{"negative id", `{"model": {"type": "BPE", "vocab": {"a": -1}, "merges": []}}`, "outside"},
		{"sparse", `{"model": {"type": "BPE", "vocab": {"a": 4000000}, "merges": []}}`, "sparse"},
		{"added sparse", `{"added_tokens": [{"id": 3000000, "content": "x"}], ` + model + `}`, "sparse"},
		{"empty added", `{"added_tokens": [{"id": 1, "content": ""}], ` + model + `}`, "empty"},
		{"unk", `{"model": {"type": "BPE", "unk_token": "<unk>", "vocab": {}, "merges": []}}`, "unk_token"},
		{"bytelevel first", `{"pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "ByteLevel"}, {"type": "Digits"}]}, ` + model + `}`, "ByteLevel"},
		{"lookahead", `{"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "a(?=b)"}, "behavior": "Isolated"}, ` + model + `}`, "lookaround"},
		{"bad regex", `{"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(?>a)"}, "behavior": "Isolated"}, ` + model + `}`, "not supported"},
		{"behavior", `{"pre_tokenizer": {"type": "Split", "pattern": {"String": "a"}, "behavior": "Sideways"}, ` + model + `}`, `unknown behavior "Sideways"`},
		{"metaspace", `{"pre_tokenizer": {"type": "Metaspace", "replacement": "ab"}, ` + model + `}`, "one character"},
		{"template", `{"post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>"}}], "special_tokens": {}}, ` + model + `}`, "not in special_tokens"},
		{"template id", `{"post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>"}}, {"Sequence": {"id": "A"}}], "special_tokens": {"<s>": {"ids": [77]}}}, ` + model + `}`, "id 77 is not a token"},
		{"unigram bytelevel", `{"pre_tokenizer": {"type": "ByteLevel"}, "model": {"type": "Unigram", "vocab": [["a", 0]]}}`, "Unigram"},
	} {
		_, err := Parse([]byte(c.json))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to say %q", c.name, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error has more than one line: %q", c.name, err)
		}
	}
}

// TestReadLimits: a file over the limit is refused before it is decoded,
// gzipped or not; the file's name leads Load's errors.
func TestReadLimits(t *testing.T) {
	big := bytes.Repeat([]byte(" "), 1000)
	if _, err := read(bytes.NewReader(big), 999); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("plain over the limit: %v", err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(big)
	zw.Close()
	if _, err := read(bytes.NewReader(gz.Bytes()), 999); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("gzip over the limit: %v", err)
	}
	if _, err := read(bytes.NewReader([]byte{0x1f, 0x8b, 1, 2}), 999); err == nil || !strings.Contains(err.Error(), "gzip") {
		t.Errorf("broken gzip: %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
	p := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(p, []byte("{\"model\": 1}"), 0o600)
	if _, err := Load(p); err == nil || !strings.HasPrefix(err.Error(), p+": ") {
		t.Errorf("bad file: %v", err)
	}
}

// TestLoadGzipAndPlain: the same file, gzipped or not, loads the same.
func TestLoadGzipAndPlain(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "tokenizer.json")
	os.WriteFile(plain, []byte(tinyBPE), 0o600)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(tinyBPE))
	zw.Close()
	zipped := filepath.Join(dir, "tokenizer.json.gz")
	os.WriteFile(zipped, gz.Bytes(), 0o600)
	a, err := Load(plain)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(zipped)
	if err != nil {
		t.Fatal(err)
	}
	if x, y := a.Encode("abc aab", true), b.Encode("abc aab", true); !slices.Equal(x, y) || len(x) != 4 {
		t.Errorf("plain %v, gzip %v", x, y)
	}
}
