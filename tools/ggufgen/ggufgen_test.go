package main

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// halfToFloat decodes binary16 bits (the test's own reference decoder).
func halfToFloat(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	mant := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * mant * math.Pow(2, -24)
	case 0x1f:
		if mant != 0 {
			return math.NaN()
		}
		return sign * math.Inf(1)
	}
	return sign * (1 + mant/1024) * math.Pow(2, float64(exp-15))
}

func TestFloat16Known(t *testing.T) {
	// Values from the IEEE 754 binary16 tables (e.g. Wikipedia,
	// "Half-precision floating-point format", Exponent encoding examples).
	cases := []struct {
		in   float32
		want uint16
	}{
		{0, 0x0000},
		{float32(math.Copysign(0, -1)), 0x8000},
		{1, 0x3c00},
		{-2, 0xc000},
		{0.5, 0x3800},
		{65504, 0x7bff},                           // largest normal
		{65520, 0x7c00},                           // rounds up to +Inf
		{float32(math.Pow(2, -24)), 0x0001},       // smallest subnormal
		{float32(math.Pow(2, -14)), 0x0400},       // smallest normal
		{float32(math.Pow(2, -25)), 0x0000},       // half the smallest subnormal: tie to even (0)
		{float32(1.5 * math.Pow(2, -24)), 0x0002}, // tie between 1 and 2 units: to even (2)
		{0.1, 0x2e66},
		{float32(1.0 / 3), 0x3555},
		{-10, 0xc900},
		{1 + 1.0/2048, 0x3c00}, // tie between 1 and 1+2^-10: to even (1)
		{1 + 3.0/2048, 0x3c02}, // tie between 1+2^-10 and 1+2^-9: to even
		{float32(math.Inf(-1)), 0xfc00},
	}
	for _, c := range cases {
		if got := float16(c.in); got != c.want {
			t.Errorf("float16(%g) = %#04x, want %#04x", c.in, got, c.want)
		}
	}
	if got := float16(float32(math.NaN())); got&0x7c00 != 0x7c00 || got&0x3ff == 0 {
		t.Errorf("float16(NaN) = %#04x, not a NaN", got)
	}
}

// Every finite half value converts back to itself from its exact float32.
func TestFloat16RoundTrip(t *testing.T) {
	for h := range 1 << 16 {
		v := halfToFloat(uint16(h))
		if math.IsNaN(v) {
			continue
		}
		if got := float16(float32(v)); got != uint16(h) {
			t.Fatalf("float16(%g) = %#04x, want %#04x", v, got, h)
		}
	}
}

// Between two neighbouring halves, values below the midpoint go down, above it up.
func TestFloat16Nearest(t *testing.T) {
	for h := uint16(0x0001); h < 0x7bff; h += 97 {
		lo, hi := halfToFloat(h), halfToFloat(h+1)
		mid := (lo + hi) / 2
		below := float32(mid - (hi-lo)/8)
		above := float32(mid + (hi-lo)/8)
		if got := float16(below); got != h {
			t.Errorf("float16(%g) = %#04x, want %#04x", below, got, h)
		}
		if got := float16(above); got != h+1 {
			t.Errorf("float16(%g) = %#04x, want %#04x", above, got, h+1)
		}
	}
}

func TestIsWordPiece(t *testing.T) {
	for tok, want := range map[string]bool{
		"▁the": true, "ing": true, "ĠHello": true, "A": true,
		"<s>": false, "</s>": false, "<unk>": false, "<0x0A>": false, "▁": false,
		",": false, "▁42": false, "▁café": false, "▁don't": false, "": false, "▁▁a": false,
	} {
		if got := isWordPiece(tok); got != want {
			t.Errorf("isWordPiece(%q) = %v, want %v", tok, got, want)
		}
	}
}

// testVocab is a small vocab-only GGUF's metadata: a tokenizer with nine
// tokens, three kinds of value, and a non-tokenizer key that must not be copied.
func testVocab() ([]kv, []string) {
	toks := []string{"<unk>", "<s>", "</s>", "<0x0A>", "▁the", "ing", ",", "▁Hello", "42"}
	arr := binary.LittleEndian.AppendUint32(nil, typeString)
	arr = binary.LittleEndian.AppendUint64(arr, uint64(len(toks)))
	for _, s := range toks {
		arr = appendString(arr, s)
	}
	scores := binary.LittleEndian.AppendUint32(nil, typeFloat32)
	scores = binary.LittleEndian.AppendUint64(scores, uint64(len(toks)))
	for i := range toks {
		scores = binary.LittleEndian.AppendUint32(scores, math.Float32bits(-float32(i)))
	}
	return []kv{
		strKV("general.architecture", "llama"),
		strKV("tokenizer.ggml.model", "llama"),
		{key: "tokenizer.ggml.tokens", typ: typeArray, data: arr},
		{key: "tokenizer.ggml.scores", typ: typeArray, data: scores},
		u32KV("tokenizer.ggml.eos_token_id", 2),
		boolKV("tokenizer.ggml.add_bos_token", true),
		strKV("tokenizer.chat_template", "replaced"),
	}, toks
}

// parsedTensor is a tensor as the test's own GGUF parser finds it.
type parsedTensor struct {
	dims []uint64
	typ  uint32
	data []byte
}

// parseGGUF parses a whole GGUF file per the spec (independently of the
// writer): metadata by key, tensors by name with their data.
func parseGGUF(t *testing.T, b []byte) (map[string]kv, map[string]parsedTensor, []string) {
	t.Helper()
	r := bytes.NewReader(b)
	kvs, err := readMetadata(r)
	if err != nil {
		t.Fatal(err)
	}
	meta := map[string]kv{}
	for _, e := range kvs {
		meta[e.key] = e
	}
	nt := binary.LittleEndian.Uint64(b[8:16])
	// readMetadata buffers; find where the tensor infos start by re-encoding.
	off := int64(24)
	for _, e := range kvs {
		off += 8 + int64(len(e.key)) + 4 + int64(len(e.data))
	}
	rd := bytes.NewReader(b[off:])
	var names []string
	type info struct {
		dims []uint64
		typ  uint32
		off  uint64
	}
	infos := map[string]info{}
	u32 := func() uint32 { var v uint32; binary.Read(rd, binary.LittleEndian, &v); return v }
	u64 := func() uint64 { var v uint64; binary.Read(rd, binary.LittleEndian, &v); return v }
	for range nt {
		n := u64()
		name := make([]byte, n)
		io.ReadFull(rd, name)
		nd := u32()
		var in info
		for range nd {
			in.dims = append(in.dims, u64())
		}
		in.typ, in.off = u32(), u64()
		names = append(names, string(name))
		infos[string(name)] = in
	}
	hdr := int64(len(b[off:])) - int64(rd.Len()) + off
	data := hdr + (32-hdr%32)%32
	ts := map[string]parsedTensor{}
	for _, name := range names {
		in := infos[name]
		if in.off%32 != 0 {
			t.Errorf("tensor %s at offset %d, not 32-aligned", name, in.off)
		}
		n := uint64(4)
		if in.typ == ggmlF16 {
			n = 2
		}
		for _, d := range in.dims {
			n *= d
		}
		start := uint64(data) + in.off
		if start+n > uint64(len(b)) {
			t.Fatalf("tensor %s runs past the end of the file", name)
		}
		ts[name] = parsedTensor{dims: in.dims, typ: in.typ, data: b[start : start+n]}
	}
	return meta, ts, names
}

// value reads element i of a tensor as a float.
func (p parsedTensor) value(i int) float64 {
	if p.typ == ggmlF16 {
		return halfToFloat(binary.LittleEndian.Uint16(p.data[2*i:]))
	}
	return float64(math.Float32frombits(binary.LittleEndian.Uint32(p.data[4*i:])))
}

func build(t *testing.T, c modelConfig) []byte {
	t.Helper()
	vocab, _ := testVocab()
	kvs, ts, err := buildModel(c, vocab)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := writeGGUF(&buf, kvs, ts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestModelLayoutAndTrick(t *testing.T) {
	for _, half := range []bool{false, true} {
		c := modelConfig{Name: "t", Embd: 8, Layers: 2, Heads: 2, FF: 12, Ctx: 64, F16: half}
		b := build(t, c)
		meta, ts, names := parseGGUF(t, b)
		_, toks := testVocab()

		if got := len(names); got != 1+2*9+2 {
			t.Errorf("%d tensors, want 21", got)
		}
		// Parameters by hand: embd+output 2·9·8 = 144; per layer 4·64 + 3·8·12 + 2·8 = 560;
		// output norm 8: 144 + 1120 + 8 = 1272.
		var params uint64
		for _, p := range ts {
			n := uint64(1)
			for _, d := range p.dims {
				n *= d
			}
			params += n
		}
		if params != 1272 {
			t.Errorf("%d parameters, want 1272", params)
		}
		if d := ts["token_embd.weight"].dims; !cmp.Equal(d, []uint64{8, 9}) {
			t.Errorf("token_embd dims %v, want [8 9]", d)
		}
		if d := ts["blk.1.ffn_down.weight"].dims; !cmp.Equal(d, []uint64{12, 8}) {
			t.Errorf("ffn_down dims %v, want [12 8]", d)
		}
		wantType := ggmlF32
		if half {
			wantType = ggmlF16
		}
		if typ := ts["blk.0.attn_q.weight"].typ; typ != wantType {
			t.Errorf("attn_q type %d, want %d", typ, wantType)
		}
		if typ := ts["blk.0.attn_norm.weight"].typ; typ != ggmlF32 {
			t.Errorf("norm type %d, want F32", typ)
		}
		for i := range 8 {
			if v := ts["output_norm.weight"].value(i); v != 1 {
				t.Errorf("output_norm[%d] = %g, want 1", i, v)
			}
		}
		emb, out := ts["token_embd.weight"], ts["output.weight"]
		for tok, s := range toks {
			if v := emb.value(tok * 8); v != 1 {
				t.Errorf("token_embd[%q][0] = %g, want 1", s, v)
			}
			v := out.value(tok * 8)
			if isWordPiece(s) && math.Abs(v) > 0.04 {
				t.Errorf("output[%q][0] = %g, want a small random weight", s, v)
			}
			if !isWordPiece(s) && v != suppress {
				t.Errorf("output[%q][0] = %g, want %d", s, v, suppress)
			}
		}
		// Copied and replaced metadata.
		if _, ok := meta["general.architecture"]; !ok {
			t.Error("no general.architecture")
		}
		if e := meta["tokenizer.ggml.eos_token_id"]; binary.LittleEndian.Uint32(e.data) != 2 {
			t.Errorf("eos id not copied: %v", e)
		}
		if e := meta["tokenizer.chat_template"]; !strings.Contains(string(e.data), "im_start") {
			t.Errorf("chat template not ChatML: %q", e.data)
		}
		if e, ok := meta["tokenizer.ggml.scores"]; !ok || len(e.data) != 12+4*9 {
			t.Errorf("scores not copied: %v", e)
		}
		if e := meta["llama.rope.dimension_count"]; binary.LittleEndian.Uint32(e.data) != 4 {
			t.Errorf("rope dims %v, want 4", e.data)
		}
	}
}

func TestModelAnyToken(t *testing.T) {
	c := modelConfig{Name: "t", Embd: 8, Layers: 1, Heads: 2, FF: 12, Ctx: 64, AnyToken: true}
	_, ts, _ := parseGGUF(t, build(t, c))
	for tok := range 9 {
		if v := ts["token_embd.weight"].value(tok * 8); v == 1 {
			t.Errorf("token %d: embedding dim 0 is 1 without the trick", tok)
		}
		if v := ts["output.weight"].value(tok * 8); v == suppress {
			t.Errorf("token %d: output suppressed without the trick", tok)
		}
	}
}

func TestModelDeterministic(t *testing.T) {
	c := modelConfig{Name: "t", Embd: 16, Layers: 2, Heads: 2, FF: 24, Ctx: 64, F16: true}
	a, b := build(t, c), build(t, c)
	if !bytes.Equal(a, b) {
		t.Error("two builds with the same seed differ")
	}
	c.Seed = 1
	if bytes.Equal(a, build(t, c)) {
		t.Error("another seed gives the same bytes")
	}
}

func TestWeightsStd(t *testing.T) {
	v := weights(0, "x", 200000)
	var sum, sq float64
	for _, x := range v {
		sum += float64(x)
		sq += float64(x) * float64(x)
		if math.Abs(float64(x)) > weightStd*math.Sqrt(3) {
			t.Fatalf("weight %g outside ±0.02·√3", x)
		}
	}
	n := float64(len(v))
	mean := sum / n
	std := math.Sqrt(sq/n - mean*mean)
	if math.Abs(mean) > 2e-4 || math.Abs(std-weightStd)/weightStd > 0.01 {
		t.Errorf("mean %g, std %g; want ≈0 and 0.02", mean, std)
	}
}

func TestReadMetadataErrors(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":     nil,
		"magic":     []byte("GGML\x03\x00\x00\x00"),
		"version":   append([]byte("GGUF"), 9, 0, 0, 0),
		"truncated": append([]byte("GGUF"), 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0),
	} {
		if _, err := readMetadata(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// A string length of 2^40 must be refused, not allocated.
	b := append([]byte("GGUF"), 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0)
	b = binary.LittleEndian.AppendUint64(b, 1<<40)
	if _, err := readMetadata(bytes.NewReader(b)); err == nil || !strings.Contains(err.Error(), "too long") {
		t.Errorf("huge string: err %v", err)
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	vocab, _ := testVocab()
	var vb bytes.Buffer
	if err := writeGGUF(&vb, vocab, nil); err != nil {
		t.Fatal(err)
	}
	vf := filepath.Join(dir, "vocab.gguf")
	if err := os.WriteFile(vf, vb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "m.gguf")
	var stderr bytes.Buffer
	if err := run([]string{"-vocab", vf, "-size", "tiny", "-out", out}, &stderr); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	_, ts, _ := parseGGUF(t, b)
	// tiny: 2·9·64 + 2·(4·64² + 3·64·176 + 2·64) + 64 = 1152 + 2·(16384 + 33792 + 128) + 64.
	if got, want := paramCount(toTensors(ts)), int64(1152+2*(16384+33792+128)+64); got != want {
		t.Errorf("tiny: %d parameters, want %d", got, want)
	}
	for _, args := range [][]string{
		{"-size", "tiny", "-out", out},
		{"-vocab", vf, "-size", "huge", "-out", out},
		{"-vocab", filepath.Join(dir, "nope"), "-out", out},
	} {
		if err := run(args, io.Discard); err == nil {
			t.Errorf("run(%q): no error", args)
		}
	}
}

func toTensors(m map[string]parsedTensor) []tensor {
	var ts []tensor
	for n, p := range m {
		ts = append(ts, tensor{name: n, dims: p.dims})
	}
	return ts
}
