package tokenizer

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// variant is an entry of testdata/variants.json: a tokenizer file and a
// patch of it (testdata/refgen/gen.mjs applies the same patch before asking
// the reference library).
type variant struct {
	Name  string                     `json:"name"`
	File  string                     `json:"file"`
	About string                     `json:"about"`
	Patch map[string]json.RawMessage `json:"patch"`
}

type refCase struct {
	Text       string `json:"text"`
	IDs        []int  `json:"ids"`
	IDsSpecial []int  `json:"ids_special"`
	Decoded    string `json:"decoded"`
}

type refFile struct {
	Variant           string    `json:"variant"`
	TokenizersVersion string    `json:"tokenizers_version"`
	Cases             []refCase `json:"cases"`
}

func readGz(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// applyPatch replaces the patch's top-level keys; "model" is merged one
// level down.
func applyPatch(t testing.TB, base []byte, patch map[string]json.RawMessage) []byte {
	t.Helper()
	if len(patch) == 0 {
		return base
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(base, &top); err != nil {
		t.Fatal(err)
	}
	for k, v := range patch {
		if k != "model" {
			top[k] = v
			continue
		}
		var m, pm map[string]json.RawMessage
		if err := json.Unmarshal(top["model"], &m); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(v, &pm); err != nil {
			t.Fatal(err)
		}
		for mk, mv := range pm {
			m[mk] = mv
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		top["model"] = b
	}
	b, err := json.Marshal(top)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// refDirs are the directories holding variants.json and expected/:
// testdata, and INFERBENCH_TOKENIZER_REFS when set (tokenizers too large
// to commit, checked the same way).
func refDirs() []string {
	dirs := []string{"testdata"}
	if d := os.Getenv("INFERBENCH_TOKENIZER_REFS"); d != "" {
		dirs = append(dirs, d)
	}
	return dirs
}

// decoded keeps each file's top level and model decoded, so that its
// variants (which mostly patch the pipeline around the model) are built
// without decoding ten megabytes of JSON again.
var (
	decodedMu sync.Mutex
	decoded   = map[string]decodedFile{}
)

type decodedFile struct {
	f  fileJSON
	ms map[string]*modelSpec // by model patch
}

// loadVariant builds a variant's tokenizer.
func loadVariant(t testing.TB, dir string, v variant) *Tokenizer {
	t.Helper()
	path := filepath.Join(dir, v.File)
	decodedMu.Lock()
	defer decodedMu.Unlock()
	d, ok := decoded[path]
	if !ok {
		if err := json.Unmarshal(readGz(t, path), &d.f); err != nil {
			t.Fatal(err)
		}
		d.ms = map[string]*modelSpec{}
		decoded[path] = d
	}
	f := d.f
	top := map[string]*json.RawMessage{"added_tokens": nil, "normalizer": &f.Normalizer, "pre_tokenizer": &f.PreTokenizer,
		"post_processor": &f.PostProcessor, "decoder": &f.Decoder}
	for k, raw := range v.Patch {
		switch p, ok := top[k]; {
		case k == "added_tokens":
			f.AddedTokens = nil
			if err := json.Unmarshal(raw, &f.AddedTokens); err != nil {
				t.Fatal(err)
			}
		case ok:
			*p = raw
		case k != "model":
			t.Fatalf("%s: cannot patch %q", v.Name, k)
		}
	}
	mkey := string(v.Patch["model"])
	ms, ok := d.ms[mkey]
	if !ok {
		model := d.f.Model
		if p, ok := v.Patch["model"]; ok {
			model = applyPatch(t, []byte(`{"model":`+string(d.f.Model)+`}`), map[string]json.RawMessage{"model": p})
			var top struct{ Model json.RawMessage }
			if err := json.Unmarshal(model, &top); err != nil {
				t.Fatal(err)
			}
			model = top.Model
		}
		var err error
		if ms, err = decodeModel(model); err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		d.ms[mkey] = ms
	}
	tk, err := build(&f, ms)
	if err != nil {
		t.Fatalf("%s: %v", v.Name, err)
	}
	return tk
}

func readVariants(t testing.TB, dir string) []variant {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "variants.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vs []variant
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	return vs
}

// TestReference: for every tokenizer variant and every string of the
// corpus, the ids with and without special tokens and the decoded text are
// the reference library's, id for id.
func TestReference(t *testing.T) {
	for _, dir := range refDirs() {
		for _, v := range readVariants(t, dir) {
			t.Run(v.Name, func(t *testing.T) {
				tk := loadVariant(t, dir, v)
				var ref refFile
				if err := json.Unmarshal(readGz(t, filepath.Join(dir, "expected", v.Name+".json.gz")), &ref); err != nil {
					t.Fatal(err)
				}
				if len(ref.Cases) < 100 {
					t.Fatalf("%d reference cases: the expected file is cut short", len(ref.Cases))
				}
				bad := 0
				for _, c := range ref.Cases {
					got := tk.Encode(c.Text, false)
					gotS := tk.Encode(c.Text, true)
					dec, err := tk.Decode(c.IDs, false)
					ok := slices.Equal(got, c.IDs) && slices.Equal(gotS, c.IDsSpecial) && err == nil && dec == c.Decoded &&
						tk.Count(c.Text, true) == len(c.IDsSpecial)
					if ok {
						continue
					}
					bad++
					if bad <= 5 {
						t.Errorf("%q:\n ids      %v\n want     %v\n special  %v\n want     %v\n decoded  %q (%v)\n want     %q",
							c.Text, got, c.IDs, gotS, c.IDsSpecial, dec, err, c.Decoded)
					}
				}
				if bad > 0 {
					t.Errorf("%d of %d strings differ from tokenizers %s", bad, len(ref.Cases), ref.TokenizersVersion)
				}
			})
		}
	}
}

var _ = bytes.NewReader
