package tokenizer

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// corpusSeeds adds the reference corpus to a fuzz target's seeds.
func corpusSeeds(f *testing.F) {
	b, err := os.ReadFile("testdata/corpus.json")
	if err != nil {
		f.Fatal(err)
	}
	var texts []string
	if err := json.Unmarshal(b, &texts); err != nil {
		f.Fatal(err)
	}
	for _, s := range texts {
		f.Add(s)
	}
}

// FuzzLoad: no file, however hostile, panics the loader, and whatever
// loads encodes any text without panicking.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(tinyBPE))
	f.Add([]byte(`{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": [["a", "b"]], "byte_fallback": true},
		"pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "a|\\s+(?!\\S)|\\s+"}, "behavior": "MergedWithNext"},
		{"type": "ByteLevel", "add_prefix_space": true}]}, "decoder": {"type": "ByteLevel"}}`))
	f.Add([]byte(`{"normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
		"model": {"type": "BPE", "unk_token": "<unk>", "fuse_unk": true, "byte_fallback": true, "vocab": {"<unk>": 0, "<0x41>": 1, "▁": 2}, "merges": []},
		"added_tokens": [{"id": 0, "content": "<unk>", "special": true, "lstrip": true, "rstrip": true, "single_word": true}],
		"decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 3}]}}`))
	f.Add([]byte(`{"pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": true},
		"model": {"type": "Unigram", "unk_id": 0, "byte_fallback": true, "vocab": [["<unk>", 0], ["▁", -1], ["a", -2], ["▁a", -1.5]]}}`))
	texts := []string{"", "a", "ab ba", " <unk>x", "A\u00a0b  \n", "\xff\xfe", "▁a▁▁b", strings.Repeat("ab", 100)}
	f.Fuzz(func(t *testing.T, data []byte) {
		tk, err := Parse(data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error has more than one line: %q", err)
			}
			return
		}
		for _, s := range texts {
			ids := tk.Encode(s, true)
			if n := tk.Count(s, true); n != len(ids) {
				t.Errorf("Count(%q) = %d, Encode has %d ids", s, n, len(ids))
			}
			tk.Decode(ids, false)
		}
	})
}

// lossless are the tokenizers whose decoding gives the text back, with
// how: Qwen3 normalizes to NFC first; Mistral turns "▁" in the text into a
// space. (The Metaspace variants decode with Metaspace alone, which leaves
// byte-fallback tokens as <0x0A> and drops the first token's spaces: lossy
// as configured, and pinned by TestReference instead.)
var lossless = []struct {
	name string
	back func(string) (string, bool) // the text decode should give, and whether to check
}{
	{"qwen3", func(s string) (string, bool) { return norm.NFC.String(s), true }},
	{"qwen3-gpt2", func(s string) (string, bool) { return s, true }},
	{"mistral", func(s string) (string, bool) { return s, !strings.Contains(s, "▁") }},
}

// FuzzEncode: any text encodes without a panic, Count agrees with Encode,
// and decoding gives the text back where the tokenizer keeps everything
// (valid UTF-8, no added token's text in it).
func FuzzEncode(f *testing.F) {
	corpusSeeds(f)
	vs := map[string]variant{}
	for _, v := range readVariants(f, "testdata") {
		vs[v.Name] = v
	}
	type loadedTk struct {
		tk   *Tokenizer
		back func(string) (string, bool)
	}
	var tks []loadedTk
	for _, l := range lossless {
		tks = append(tks, loadedTk{loadVariant(f, "testdata", vs[l.name]), l.back})
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i, l := range tks {
			ids := l.tk.Encode(s, false)
			if n := l.tk.Count(s, false); n != len(ids) {
				t.Fatalf("%s: Count(%q) = %d, Encode has %d ids", lossless[i].name, s, n, len(ids))
			}
			if !utf8.ValidString(s) || hasAdded(l.tk, s) {
				continue
			}
			want, check := l.back(s)
			if !check {
				continue
			}
			got, err := l.tk.Decode(ids, false)
			if err != nil || got != want {
				t.Fatalf("%s: Decode(Encode(%q)) = %q, %v; want %q", lossless[i].name, s, got, err, want)
			}
		}
	})
}

func hasAdded(tk *Tokenizer, s string) bool {
	for _, a := range tk.added {
		if strings.Contains(s, a.content) {
			return true
		}
	}
	return false
}

// FuzzScannerVsRegexp: the hand-written scanner of each known pattern and
// the general path (the same pattern through Go's regexp, white-space tail
// by hand) split every text alike.
func FuzzScannerVsRegexp(f *testing.F) {
	corpusSeeds(f)
	f.Add("a \u00a0 b\t\t\nc")
	f.Add("'S'ſ'LL 12345")
	type pair struct {
		name      string
		scan, gen pattern
	}
	var ps []pair
	for _, re := range []string{patternGPT2, patternCL100K, patternQwen2} {
		scan, err := compileRegex(re)
		if err != nil {
			f.Fatal(err)
		}
		gen, err := newGoRegexp(re)
		if err != nil {
			f.Fatal(err)
		}
		if _, ok := scan.(gptScanner); !ok {
			f.Fatalf("%s: not the scanner", re)
		}
		ps = append(ps, pair{re[:20], scan, gen})
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		for _, p := range ps {
			a, b := p.scan.matches(s, nil), p.gen.matches(s, nil)
			if len(a) != len(b) {
				t.Fatalf("%s…: %q: scanner %v, regexp %v", p.name, s, a, b)
			}
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("%s…: %q: scanner %v, regexp %v", p.name, s, a, b)
				}
			}
		}
	})
}
