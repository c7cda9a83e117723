package scenarios

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMergeKeys: YAML merge keys (yaml.org/type/merge.html) as the spec
// has them — a key written in the mapping overrides a merged one, whichever
// comes first; in a list of merged mappings the earlier wins — and a place
// for the anchors: top-level keys starting x- are ignored, as Docker
// Compose's extension fields are. Before, the first case failed with
// `load.concurrency: duplicate key "concurrency"` and x-base was an
// unknown key.
func TestMergeKeys(t *testing.T) {
	for _, tt := range []struct {
		name, src          string
		concurrency, reqs  int
		rate               []float64
		model, description string
	}{
		{name: "explicit after the merge overrides it", src: "name: a\nx-base: &b\n  concurrency: 2\n  requests: 10\nload:\n  <<: *b\n  concurrency: 4\n",
			concurrency: 4, reqs: 10},
		{name: "explicit before the merge overrides it", src: "name: a\nx-base: &b {concurrency: 2, requests: 10}\nload:\n  concurrency: 4\n  <<: *b\n",
			concurrency: 4, reqs: 10},
		{name: "earlier of a list wins", src: "name: a\nx-a: &a {concurrency: 3}\nx-b: &b {concurrency: 5, requests: 7}\nload:\n  <<: [*a, *b]\n",
			concurrency: 3, reqs: 7},
		{name: "merge alone", src: "name: a\nx-base: &b {concurrency: 2}\nload:\n  <<: *b\n", concurrency: 2},
		{name: "merge of a merge", src: "name: a\nx-a: &a {concurrency: 2, requests: 9}\nx-b: &b\n  <<: *a\n  concurrency: 6\nload:\n  <<: *b\n",
			concurrency: 6, reqs: 9},
		{name: "inline mapping merged", src: "name: a\nload:\n  <<: {concurrency: 2}\n  requests: 3\n", concurrency: 2, reqs: 3},
		{name: "anchor in a section, aliased in a list", src: "name: a\nworkload:\n  output_tokens: &n 5\nload:\n  rate: [1, *n]\n",
			rate: []float64{1, 5}},
		{name: "anchored scalar", src: "name: a\nx-model: &m llama\ntarget:\n  model: *m\nload: {concurrency: 1}\n", concurrency: 1, model: "llama"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load("s.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if s.Load.Concurrency != tt.concurrency || s.Load.Requests != tt.reqs || !cmp.Equal([]float64(s.Load.Rate), tt.rate) || s.Target.Model != tt.model {
				t.Errorf("load concurrency %d requests %d rate %v, model %q; want %d, %d, %v, %q",
					s.Load.Concurrency, s.Load.Requests, s.Load.Rate, s.Target.Model, tt.concurrency, tt.reqs, tt.rate, tt.model)
			}
		})
	}
}

// TestMergeKeyErrors: what merges leave an error, located where the value
// was written — inside the anchor for a merged value, with the path it was
// merged into.
func TestMergeKeyErrors(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		want      []string
	}{
		{"a merged value out of range", "name: a\nx-base: &b\n  concurrency: 0\nload:\n  <<: *b\n",
			[]string{"s.yaml:3:16: load.concurrency: must be between 1 and 100000, got 0"}},
		{"a merged key unknown where merged", "name: a\nload: &b\n  concurrency: 2\nslo:\n  <<: *b\n",
			[]string{`s.yaml:3:3: slo.concurrency: unknown key "concurrency"`}},
		{"a merged value of the wrong type", "name: a\nx-base: &b {requests: many}\nload:\n  <<: *b\n  concurrency: 1\n",
			[]string{"s.yaml:2:23: load.requests: want a whole number, got a string"}},
		{"a scalar merged", "name: a\nx-n: &n 5\nload:\n  <<: *n\n", []string{"s.yaml:4:7: <<: want a mapping to merge, or a list of them (such as *base)"}},
		{"a key written twice is still a duplicate", "name: a\nload:\n  concurrency: 1\n  concurrency: 2\n",
			[]string{`s.yaml:4:3: key "concurrency" is written twice in one mapping (first at line 3, column 3)`}},
		{"a typo at the top level is still caught", "name: a\nlaod: {concurrency: 1}\n", []string{`s.yaml:2:1: laod: unknown key "laod" (did you mean "load"?)`}},
		{"x- only at the top level", "name: a\nload:\n  x-base: 1\n  concurrency: 1\n", []string{`s.yaml:3:3: load.x-base: unknown key "x-base"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("s.yaml", []byte(tt.src))
			if diff := cmp.Diff(tt.want, errLines(err)); diff != "" {
				t.Errorf("Load(%q) errors (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

// TestMergeKeysFile: the test file (a fuzz seed too) loads as it says and
// survives Marshal → Load, with the merges resolved.
func TestMergeKeysFile(t *testing.T) {
	s, err := LoadFile("testdata/merge-keys.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Target.Kind != "vllm" || s.Target.Model != "llama-3-8b" || s.Load.Concurrency != 32 || s.Load.Requests != 200 || *s.Load.Warmup != 16 {
		t.Errorf("loaded %+v, %+v; want vllm llama-3-8b, concurrency 32 over the merged 8, 200 requests, 16 warm-up", s.Target, s.Load)
	}
	b, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load("back.yaml", b); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
}

// TestAliasToTheLatestAnchor: an alias is the value of the most recent
// anchor of its name before it (yamlguard.ResolveAliases), as in a
// thresholds file. `load: &x {concurrency: &x 2, requests: *x}` was
// refused ("alias *x: inside the value of its own anchor &x") though *x
// names the closed &x 2, which thresholds read as 2; after an outer &x
// closed, *x was the outer value; an anchor on a key was no anchor; an
// alias as a key read as the key "*".
func TestAliasToTheLatestAnchor(t *testing.T) {
	for _, tt := range []struct {
		name, src         string
		concurrency, reqs int
		model             string
	}{
		{name: "a nested anchor inside the outer's value", src: "name: a\nload: &x {concurrency: &x 2, requests: *x}\n", concurrency: 2, reqs: 2},
		{name: "a nested anchor after the outer's value", src: "name: a\nx-a: &x {b: &x 3}\nload: {concurrency: *x}\n", concurrency: 3},
		{name: "an anchored key", src: "name: a\nx-m: {&k llama: 1}\ntarget: {model: *k}\nload: {concurrency: 1}\n", concurrency: 1, model: "llama"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load("s.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if s.Load.Concurrency != tt.concurrency || s.Load.Requests != tt.reqs || s.Target.Model != tt.model {
				t.Errorf("concurrency %d, requests %d, model %q; want %d, %d, %q",
					s.Load.Concurrency, s.Load.Requests, s.Target.Model, tt.concurrency, tt.reqs, tt.model)
			}
		})
	}
	_, err := Load("s.yaml", []byte("name: a\nx-k: &k concurrency\nload: {*k : 3}\n"))
	if diff := cmp.Diff([]string{"s.yaml:3:8: alias *k as a key: write the key itself"}, errLines(err)); diff != "" {
		t.Errorf("an alias as a key (-want +got):\n%s", diff)
	}
}
