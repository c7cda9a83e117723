package main

// GGUF, the file format of llama.cpp and Ollama, version 3, as described in
// ggml's docs/gguf.md and implemented by llama.cpp's gguf-py
// (gguf-py/gguf/constants.py, gguf_writer.py): little-endian throughout;
//
//	magic "GGUF", version u32, tensor count u64, metadata count u64,
//	metadata: key (string), value type u32, value,
//	tensor infos: name (string), n_dims u32, dims u64 × n_dims (innermost
//	first), ggml type u32, offset u64 (from the start of the data section),
//	padding to the alignment (general.alignment, default 32), tensor data,
//	each tensor starting at a multiple of the alignment.
//
// A string is a u64 byte length and the bytes; an array is an element type
// u32, a u64 count and the elements.

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// GGUF metadata value types (gguf-py GGUFValueType).
const (
	typeUint8   uint32 = 0
	typeInt8    uint32 = 1
	typeUint16  uint32 = 2
	typeInt16   uint32 = 3
	typeUint32  uint32 = 4
	typeInt32   uint32 = 5
	typeFloat32 uint32 = 6
	typeBool    uint32 = 7
	typeString  uint32 = 8
	typeArray   uint32 = 9
	typeUint64  uint32 = 10
	typeInt64   uint32 = 11
	typeFloat64 uint32 = 12
)

// ggml tensor types used here (ggml.h enum ggml_type).
const (
	ggmlF32 uint32 = 0
	ggmlF16 uint32 = 1
)

const (
	ggufMagic     = "GGUF"
	ggufVersion   = 3
	ggufAlignment = 32
	// maxStringLen and maxArrayLen bound what the reader accepts, so that a
	// corrupt length cannot make it allocate gigabytes.
	maxStringLen = 1 << 24
	maxArrayLen  = 1 << 26
)

// A kv is one metadata entry: its key, value type and the value's encoded
// bytes exactly as they appear in a file (so copying an entry is exact).
type kv struct {
	key  string
	typ  uint32
	data []byte
}

// A tensor is one tensor to write: its name, dimensions (innermost first, as
// ggml's ne), ggml type and data bytes.
type tensor struct {
	name string
	dims []uint64
	typ  uint32
	data []byte
}

// scalarSize is the encoded size in bytes of a fixed-size value type, 0 for
// strings and arrays.
func scalarSize(typ uint32) int {
	switch typ {
	case typeUint8, typeInt8, typeBool:
		return 1
	case typeUint16, typeInt16:
		return 2
	case typeUint32, typeInt32, typeFloat32:
		return 4
	case typeUint64, typeInt64, typeFloat64:
		return 8
	}
	return 0
}

// ggufReader reads GGUF values and keeps the bytes it read when raw is set.
type ggufReader struct {
	r   *bufio.Reader
	raw []byte
	rec bool
}

// read reads exactly n bytes.
func (g *ggufReader) read(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(g.r, b); err != nil {
		return nil, err
	}
	if g.rec {
		g.raw = append(g.raw, b...)
	}
	return b, nil
}

func (g *ggufReader) u32() (uint32, error) {
	b, err := g.read(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

func (g *ggufReader) u64() (uint64, error) {
	b, err := g.read(8)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

func (g *ggufReader) str() (string, error) {
	n, err := g.u64()
	if err != nil {
		return "", err
	}
	if n > maxStringLen {
		return "", fmt.Errorf("string of %d bytes is too long", n)
	}
	b, err := g.read(int(n))
	return string(b), err
}

// skipValue reads one value of type typ (recording its bytes when g.rec).
func (g *ggufReader) skipValue(typ uint32) error {
	switch typ {
	case typeString:
		_, err := g.str()
		return err
	case typeArray:
		et, err := g.u32()
		if err != nil {
			return err
		}
		n, err := g.u64()
		if err != nil {
			return err
		}
		if n > maxArrayLen {
			return fmt.Errorf("array of %d elements is too long", n)
		}
		if s := scalarSize(et); s > 0 {
			_, err := g.read(s * int(n))
			return err
		}
		if et == typeArray {
			return errors.New("nested arrays are not supported")
		}
		for range n {
			if err := g.skipValue(et); err != nil {
				return err
			}
		}
		return nil
	}
	s := scalarSize(typ)
	if s == 0 {
		return fmt.Errorf("unknown value type %d", typ)
	}
	_, err := g.read(s)
	return err
}

// readMetadata reads the header and metadata of a GGUF file (not its tensors).
func readMetadata(r io.Reader) ([]kv, error) {
	g := &ggufReader{r: bufio.NewReader(r)}
	magic, err := g.read(4)
	if err != nil {
		return nil, fmt.Errorf("read gguf magic: %w", err)
	}
	if string(magic) != ggufMagic {
		return nil, fmt.Errorf("not a GGUF file (magic %q)", magic)
	}
	ver, err := g.u32()
	if err != nil {
		return nil, fmt.Errorf("read gguf version: %w", err)
	}
	if ver != 2 && ver != 3 {
		return nil, fmt.Errorf("gguf version %d is not supported (2 or 3)", ver)
	}
	if _, err := g.u64(); err != nil { // tensor count
		return nil, fmt.Errorf("read tensor count: %w", err)
	}
	n, err := g.u64()
	if err != nil {
		return nil, fmt.Errorf("read metadata count: %w", err)
	}
	if n > 1<<16 {
		return nil, fmt.Errorf("metadata count %d is implausible", n)
	}
	kvs := make([]kv, 0, n)
	for i := range n {
		key, err := g.str()
		if err != nil {
			return nil, fmt.Errorf("metadata %d: read key: %w", i, err)
		}
		typ, err := g.u32()
		if err != nil {
			return nil, fmt.Errorf("metadata %q: read type: %w", key, err)
		}
		g.raw, g.rec = nil, true
		if err := g.skipValue(typ); err != nil {
			return nil, fmt.Errorf("metadata %q: %w", key, err)
		}
		g.rec = false
		kvs = append(kvs, kv{key: key, typ: typ, data: g.raw})
	}
	return kvs, nil
}

// stringArray decodes the value of an array-of-strings entry.
func (e kv) stringArray() ([]string, error) {
	if e.typ != typeArray || len(e.data) < 12 || binary.LittleEndian.Uint32(e.data) != typeString {
		return nil, fmt.Errorf("%s is not an array of strings", e.key)
	}
	n := binary.LittleEndian.Uint64(e.data[4:])
	b := e.data[12:]
	out := make([]string, 0, min(n, maxArrayLen))
	for range n {
		if len(b) < 8 {
			return nil, fmt.Errorf("%s: truncated string", e.key)
		}
		l := binary.LittleEndian.Uint64(b)
		if l > uint64(len(b)-8) {
			return nil, fmt.Errorf("%s: truncated string", e.key)
		}
		out = append(out, string(b[8:8+l]))
		b = b[8+l:]
	}
	return out, nil
}

// u32KV, f32KV, strKV and boolKV build metadata entries.
func u32KV(key string, v uint32) kv {
	return kv{key: key, typ: typeUint32, data: binary.LittleEndian.AppendUint32(nil, v)}
}

func f32KV(key string, v float32) kv {
	return kv{key: key, typ: typeFloat32, data: binary.LittleEndian.AppendUint32(nil, math.Float32bits(v))}
}

func strKV(key, v string) kv {
	return kv{key: key, typ: typeString, data: appendString(nil, v)}
}

func boolKV(key string, v bool) kv {
	b := byte(0)
	if v {
		b = 1
	}
	return kv{key: key, typ: typeBool, data: []byte{b}}
}

func appendString(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(len(s)))
	return append(b, s...)
}

// padTo returns how many bytes bring n to a multiple of the alignment.
func padTo(n int64) int64 {
	return (ggufAlignment - n%ggufAlignment) % ggufAlignment
}

// writeGGUF writes a GGUF v3 file with the metadata and tensors, in order.
func writeGGUF(w io.Writer, kvs []kv, tensors []tensor) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	var h []byte
	h = append(h, ggufMagic...)
	h = binary.LittleEndian.AppendUint32(h, ggufVersion)
	h = binary.LittleEndian.AppendUint64(h, uint64(len(tensors)))
	h = binary.LittleEndian.AppendUint64(h, uint64(len(kvs)))
	for _, e := range kvs {
		h = appendString(h, e.key)
		h = binary.LittleEndian.AppendUint32(h, e.typ)
		h = append(h, e.data...)
	}
	var off int64
	for _, t := range tensors {
		h = appendString(h, t.name)
		h = binary.LittleEndian.AppendUint32(h, uint32(len(t.dims)))
		for _, d := range t.dims {
			h = binary.LittleEndian.AppendUint64(h, d)
		}
		h = binary.LittleEndian.AppendUint32(h, t.typ)
		h = binary.LittleEndian.AppendUint64(h, uint64(off))
		off += int64(len(t.data))
		off += padTo(off)
	}
	h = append(h, make([]byte, padTo(int64(len(h))))...)
	if _, err := bw.Write(h); err != nil {
		return fmt.Errorf("write gguf header: %w", err)
	}
	for _, t := range tensors {
		if _, err := bw.Write(t.data); err != nil {
			return fmt.Errorf("write tensor %s: %w", t.name, err)
		}
		if _, err := bw.Write(make([]byte, padTo(int64(len(t.data))))); err != nil {
			return fmt.Errorf("write tensor %s: %w", t.name, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write gguf: %w", err)
	}
	return nil
}
