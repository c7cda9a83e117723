package tokenizer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/inferbench/inferbench/internal/jsonerr"
	"github.com/inferbench/inferbench/internal/openfile"
)

// MaxFileSize bounds a tokenizer.json (after gunzip), in bytes. The largest
// in common use are Gemma's (about 33 MB); 128 MiB leaves room and refuses a
// file that would only exhaust memory.
const MaxFileSize = 128 << 20

// maxVocab bounds a vocabulary's size and its largest id: a real one has at
// most a few hundred thousand entries; ids index slices, so an id of 2^31
// must not allocate 2^31 slots.
const maxVocab = 1 << 22

// Load reads a tokenizer.json, gzipped or not (decided by its first bytes,
// not its name), and builds the tokenizer.
func Load(path string) (*Tokenizer, error) {
	f, err := openfile.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	defer f.Close()
	cr := &countReader{r: f}
	t, err := Read(cr)
	if err != nil {
		if fi, serr := f.Stat(); serr == nil && cr.n == 0 && fi.Mode()&os.ModeNamedPipe != 0 {
			return nil, fmt.Errorf("%s: a named pipe that no program writes to: nothing to read", path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// Read reads a tokenizer.json (or its gzip) from r, at most MaxFileSize
// bytes of JSON.
func Read(r io.Reader) (*Tokenizer, error) { return read(r, MaxFileSize) }

func read(r io.Reader, limit int) (*Tokenizer, error) {
	src, _, err := openfile.Gunzip(r)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(src, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > limit {
		return nil, fmt.Errorf("tokenizer.json is larger than %s: refused", sizeString(limit))
	}
	return Parse(data)
}

// fileJSON is the top level of tokenizer.json. Truncation and padding do
// not change what a text encodes to and are ignored.
type fileJSON struct {
	AddedTokens   []addedTokenJSON `json:"added_tokens"`
	Normalizer    json.RawMessage  `json:"normalizer"`
	PreTokenizer  json.RawMessage  `json:"pre_tokenizer"`
	Model         json.RawMessage  `json:"model"`
	PostProcessor json.RawMessage  `json:"post_processor"`
	Decoder       json.RawMessage  `json:"decoder"`
}

type addedTokenJSON struct {
	ID         int    `json:"id"`
	Content    string `json:"content"`
	SingleWord bool   `json:"single_word"`
	LStrip     bool   `json:"lstrip"`
	RStrip     bool   `json:"rstrip"`
	Normalized bool   `json:"normalized"`
	Special    bool   `json:"special"`
}

// Parse builds a tokenizer from the bytes of a tokenizer.json. Its errors
// give the line and column of malformed JSON.
func Parse(data []byte) (*Tokenizer, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("tokenizer.json is larger than %s: refused", sizeString(MaxFileSize))
	}
	var f fileJSON
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, jsonError(data, err)
	}
	ms, err := decodeModel(f.Model)
	if err != nil {
		return nil, err
	}
	return build(&f, ms)
}

// jsonError adds line:col to a JSON syntax or type error, a type error in
// words (jsonerr.TypeError), not Go's type names.
func jsonError(data []byte, err error) error {
	line, col, ok := jsonerr.Position(data, err)
	if !ok {
		return fmt.Errorf("invalid tokenizer.json: %w", jsonerr.TypeError(err))
	}
	return fmt.Errorf("invalid tokenizer.json: %d:%d: %w", line, col, jsonerr.TypeError(err))
}

// typeOf returns a component's "type" field ("" when absent) and whether the
// component is present (not missing, not null); an error names what.
func typeOf(what string, raw json.RawMessage) (string, bool, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", false, nil
	}
	var t struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return "", true, fmt.Errorf("%s: %w", what, jsonerr.TypeError(err))
	}
	return t.Type, true, nil
}

// component decodes raw into v, naming what failed. A Decoder, not
// Unmarshal: raw was validated with the whole file, and Unmarshal would scan
// a 10 MB model a second time before decoding it.
func component(what string, raw json.RawMessage, v any) error {
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(v); err != nil {
		return fmt.Errorf("%s: %w", what, jsonerr.TypeError(err))
	}
	return nil
}

// buildAll builds each component of a Sequence, leaving out the ones that
// do nothing (nil).
func buildAll[T any](raws []json.RawMessage, build func(json.RawMessage) (T, error)) ([]T, error) {
	var out []T
	for _, r := range raws {
		c, err := build(r)
		if err != nil {
			return nil, err
		}
		if any(c) != nil {
			out = append(out, c)
		}
	}
	return out, nil
}

// unsupported is the error of a component this package does not implement.
func unsupported(what, typ string) error {
	if typ == "" {
		return fmt.Errorf("%s without a type is not supported", what)
	}
	return fmt.Errorf("%s %q is not supported (docs/tokenizers.md lists what is)", what, typ)
}

// patternJSON is a Split or Replace pattern: {"String": s} or {"Regex": r}.
type patternJSON struct {
	String *string `json:"String"`
	Regex  *string `json:"Regex"`
}

// oneChar returns the only rune of s, or an error.
func oneChar(what, s string) (rune, error) {
	rs := []rune(s)
	if len(rs) != 1 {
		return 0, fmt.Errorf("%s must be one character, got %q", what, s)
	}
	return rs[0], nil
}

// sizeString writes a bound of n bytes for its "larger than" error: 128 MiB,
// or 999 bytes where it is no whole MiB. targets/linebuf.Bound says bounds
// so too, and cannot be shared: report reads scenarios, which read
// tokenizers, and report must not import targets/ (internal/archtest),
// nor may targets/ import outside it.
func sizeString(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
