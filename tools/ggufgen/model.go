package main

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"
)

// A modelConfig is the shape of a generated llama model.
type modelConfig struct {
	// Name goes into general.name.
	Name string
	// Embd is the hidden size, Layers the block count, Heads the attention
	// heads (as many KV heads), FF the feed-forward size, Ctx the training
	// context length the file declares, in tokens.
	Embd, Layers, Heads, FF, Ctx int
	// F16 stores the 2-D weights as float16 (norms stay float32).
	F16 bool
	// AnyToken turns off the trick that keeps every token that is not a plain
	// word piece from being sampled (see trickColumn).
	AnyToken bool
	// Seed seeds the weights; the same seed gives the same bytes.
	Seed uint64
}

// sizeConfig returns the named size: "tiny" (64×2, F32, 4.2 M parameters,
// for fast functional tests) or "small" (512×8, F16, 58 M parameters, where
// batching and queueing show on a CPU) — the shapes of
// docs/notes/real-servers.md §2.
func sizeConfig(name string) (modelConfig, bool) {
	switch name {
	case "tiny":
		return modelConfig{Name: "inferbench-tiny-64x2", Embd: 64, Layers: 2, Heads: 4, FF: 176, Ctx: 8192}, true
	case "small":
		return modelConfig{Name: "inferbench-small-512x8", Embd: 512, Layers: 8, Heads: 8, FF: 1408, Ctx: 8192, F16: true}, true
	}
	return modelConfig{}, false
}

const (
	// weightStd is the standard deviation of the random weights.
	weightStd = 0.02
	// suppress is what the trick puts in column 0 of the output row of a
	// token that must never be sampled: with h[0] ≈ √n_embd after the final
	// RMSNorm, its logit is about −10·√n_embd (−80 for the tiny model).
	suppress = -10
	// chatML is the chat template the model declares (llama-server's chat
	// endpoint needs one); ChatML, as in the notes' generator.
	chatML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

// isWordPiece reports whether a vocabulary entry is a plain word piece:
// an optional word-start marker (SentencePiece ▁ or GPT-2 Ġ) and one or more
// ASCII letters. Byte-fallback tokens (<0x0A>), control tokens (<s>, </s>),
// punctuation and digits are not.
func isWordPiece(tok string) bool {
	tok = strings.TrimPrefix(tok, "▁")
	tok = strings.TrimPrefix(tok, "Ġ")
	if tok == "" {
		return false
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// weights fills n values with uniform random weights of standard deviation
// weightStd from a PCG stream seeded by the model seed and the tensor name,
// so each tensor's values do not depend on the order tensors are made in.
func weights(seed uint64, name string, n int) []float32 {
	h := fnv.New64a()
	h.Write([]byte(name))
	r := rand.New(rand.NewPCG(seed, h.Sum64()))
	a := weightStd * math.Sqrt(3) // uniform on [−a, a] has std a/√3
	v := make([]float32, n)
	for i := range v {
		v[i] = float32((r.Float64()*2 - 1) * a)
	}
	return v
}

// encode stores v as little-endian float32, or float16 when half is set.
func encode(v []float32, half bool) ([]byte, uint32) {
	if half {
		b := make([]byte, 0, 2*len(v))
		for _, x := range v {
			b = binary.LittleEndian.AppendUint16(b, float16(x))
		}
		return b, ggmlF16
	}
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b, ggmlF32
}

// buildModel returns the metadata and tensors of a random-weight llama model
// whose tokenizer is copied from vocab (the metadata of a vocab-only GGUF).
//
// The trick (unless c.AnyToken): dimension 0 of every token embedding is
// 1.0, so after the final RMSNorm h[0] ≈ √n_embd > 0 whatever the random
// layers add; the output row of every token that is not a plain word piece
// gets suppress in column 0, so its logit is far below the others and it is
// never sampled. No end-of-sequence token, so every request runs exactly to
// max_tokens; no byte-fallback token, so the output is valid UTF-8.
func buildModel(c modelConfig, vocab []kv) ([]kv, []tensor, error) {
	if c.Embd <= 0 || c.Layers <= 0 || c.Heads <= 0 || c.FF <= 0 || c.Embd%c.Heads != 0 {
		return nil, nil, fmt.Errorf("bad model shape: embd %d, layers %d, heads %d, ff %d", c.Embd, c.Layers, c.Heads, c.FF)
	}
	var toks []string
	var tokenizer []kv
	for _, e := range vocab {
		if !strings.HasPrefix(e.key, "tokenizer.") || e.key == "tokenizer.chat_template" {
			continue
		}
		if e.key == "tokenizer.ggml.tokens" {
			t, err := e.stringArray()
			if err != nil {
				return nil, nil, fmt.Errorf("vocab: %w", err)
			}
			toks = t
		}
		tokenizer = append(tokenizer, e)
	}
	if len(toks) == 0 {
		return nil, nil, fmt.Errorf("vocab has no tokenizer.ggml.tokens")
	}
	nv := len(toks)
	fileType := uint32(0) // LLAMA_FTYPE_ALL_F32
	if c.F16 {
		fileType = 1 // LLAMA_FTYPE_MOSTLY_F16
	}
	kvs := []kv{
		strKV("general.architecture", "llama"),
		strKV("general.name", c.Name),
		u32KV("general.file_type", fileType),
		u32KV("llama.vocab_size", uint32(nv)),
		u32KV("llama.context_length", uint32(c.Ctx)),
		u32KV("llama.embedding_length", uint32(c.Embd)),
		u32KV("llama.block_count", uint32(c.Layers)),
		u32KV("llama.feed_forward_length", uint32(c.FF)),
		u32KV("llama.attention.head_count", uint32(c.Heads)),
		u32KV("llama.attention.head_count_kv", uint32(c.Heads)),
		u32KV("llama.rope.dimension_count", uint32(c.Embd/c.Heads)),
		f32KV("llama.rope.freq_base", 10000),
		f32KV("llama.attention.layer_norm_rms_epsilon", 1e-5),
	}
	kvs = append(kvs, tokenizer...)
	kvs = append(kvs, strKV("tokenizer.chat_template", chatML))

	var ts []tensor
	matrix := func(name string, cols, rows int, edit func([]float32)) {
		v := weights(c.Seed, name, cols*rows)
		if edit != nil {
			edit(v)
		}
		b, typ := encode(v, c.F16)
		ts = append(ts, tensor{name: name, dims: []uint64{uint64(cols), uint64(rows)}, typ: typ, data: b})
	}
	ones := func(name string) {
		v := make([]float32, c.Embd)
		for i := range v {
			v[i] = 1
		}
		b, typ := encode(v, false)
		ts = append(ts, tensor{name: name, dims: []uint64{uint64(c.Embd)}, typ: typ, data: b})
	}
	e := c.Embd
	matrix("token_embd.weight", e, nv, func(v []float32) {
		if c.AnyToken {
			return
		}
		for t := range nv {
			v[t*e] = 1
		}
	})
	for l := range c.Layers {
		p := fmt.Sprintf("blk.%d.", l)
		ones(p + "attn_norm.weight")
		matrix(p+"attn_q.weight", e, e, nil)
		matrix(p+"attn_k.weight", e, e, nil)
		matrix(p+"attn_v.weight", e, e, nil)
		matrix(p+"attn_output.weight", e, e, nil)
		ones(p + "ffn_norm.weight")
		matrix(p+"ffn_gate.weight", e, c.FF, nil)
		matrix(p+"ffn_up.weight", e, c.FF, nil)
		matrix(p+"ffn_down.weight", c.FF, e, nil)
	}
	ones("output_norm.weight")
	matrix("output.weight", e, nv, func(v []float32) {
		if c.AnyToken {
			return
		}
		for t, tok := range toks {
			if !isWordPiece(tok) {
				v[t*e] = suppress
			}
		}
	})
	return kvs, ts, nil
}

// paramCount is the number of weights in ts.
func paramCount(ts []tensor) int64 {
	var n int64
	for _, t := range ts {
		p := int64(1)
		for _, d := range t.dims {
			p *= int64(d)
		}
		n += p
	}
	return n
}
