// Package yamlguard parses the YAML files inferbench reads from users
// (scenarios, compare thresholds, price catalogs) with
// github.com/goccy/go-yaml, after bounding what the file may cost: its
// size, its number of tokens, its nesting depth, the keys of one mapping,
// and the nodes its aliases expand to.
//
// Why: the parser's time and memory grow faster than the input on some
// shapes. On goccy/go-yaml v1.19.2, 4,000 nested "[" take 0.2 s and 25 MB
// and 200 KB of them tens of GB; the keys of one mapping cost time
// quadratic in their number (10,000 keys: about a second; 300,000: minutes);
// and an alias-of-aliases "billion laughs" expands exponentially in a
// typed decode or a re-encode. Even the lexer, linear, spends about 2 µs a
// token inside flow collections ("[", "{"), ten times its block pace.
//
// So, in order: the size and the number of flow characters are counted on
// the bytes; the tokens, the nesting depth and the keys of each mapping on
// the lexer's tokens, before the parser runs; the expansion of aliases on
// the syntax tree, before anything decodes it. A hostile file is refused,
// with the line and column where it went past a limit, in the time the
// lexer takes on at most MaxBytes of block text (BenchmarkHostile).
package yamlguard

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/inferbench/inferbench/internal/openfile"
)

// Default limits, each far above what inferbench's own files use (the
// shipped GPU catalog, the largest, is 15 KB, about 1,100 tokens and 40
// keys to its biggest mapping, 4 levels deep).
const (
	// DefaultMaxBytes is the largest file read.
	DefaultMaxBytes = 512 << 10
	// DefaultMaxFlow bounds the flow characters , [ ] { } (the shipped
	// files have at most 143), counted anywhere, quoted or not.
	DefaultMaxFlow = 10_000
	// DefaultMaxTokens bounds the lexer's tokens (scalars, indicators,
	// comments).
	DefaultMaxTokens = 50_000
	// DefaultMaxDepth bounds nesting: block and flow collections together.
	DefaultMaxDepth = 64
	// DefaultMaxKeys bounds the keys of one mapping. The parser's time
	// is quadratic in it per mapping, so linear in it overall: at 1,000,
	// a file of 16 such mappings took half a second to parse.
	DefaultMaxKeys = 256
	// DefaultMaxNodes bounds the nodes of the document once every alias
	// is replaced by what it names.
	DefaultMaxNodes = 100_000
)

// Limits bound a file; a zero field takes its default.
type Limits struct {
	MaxBytes, MaxFlow, MaxTokens, MaxDepth, MaxKeys, MaxNodes int
}

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxBytes, DefaultMaxBytes)
	def(&l.MaxFlow, DefaultMaxFlow)
	def(&l.MaxTokens, DefaultMaxTokens)
	def(&l.MaxDepth, DefaultMaxDepth)
	def(&l.MaxKeys, DefaultMaxKeys)
	def(&l.MaxNodes, DefaultMaxNodes)
	return l
}

// Error is a limit a file went past, at the line and column (1-based)
// where it did.
type Error struct {
	Line, Column int
	Msg          string
}

// Error formats e as "line:col: message".
func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg) }

func errAt(tk *token.Token, format string, args ...any) *Error {
	e := &Error{Line: 1, Column: 1, Msg: fmt.Sprintf(format, args...)}
	if tk != nil && tk.Position != nil {
		e.Line, e.Column = tk.Position.Line, tk.Position.Column
	}
	return e
}

// ReadFile reads the file at path for Parse with the default limits: all
// of it, or DefaultMaxBytes+1 bytes when it is larger, which Parse refuses
// at the limit's line and column. The bound comes first: the path may name
// a device or a pipe that never ends (/dev/zero given by mistake).
//
// A named pipe is opened without waiting for a writer (Open); one that
// gives nothing is refused as *NoWriterError rather than read as an empty
// file.
func ReadFile(path string) ([]byte, error) {
	f, err := openfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, DefaultMaxBytes+1))
	if err == nil && len(b) == 0 {
		err = CheckPipe(f)
	}
	return b, err
}

// NoWriterError is a named pipe that gave nothing to read: no program
// writes to it (mkfifo'd and forgotten, or its writer gave up).
type NoWriterError struct{ Path string }

func (e *NoWriterError) Error() string {
	return e.Path + ": a named pipe that no program writes to: nothing to read"
}

// CheckPipe is a *NoWriterError when f, read to its end and found empty,
// is a named pipe; nil otherwise.
func CheckPipe(f *os.File) error {
	if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeNamedPipe != 0 {
		return &NoWriterError{Path: f.Name()}
	}
	return nil
}

// Parse checks data against lim and parses it (parser mode 0, as
// parser.ParseBytes). A limit exceeded is an *Error; a syntax error is the
// parser's own error; a panic inside the YAML library is an *Error too.
func Parse(data []byte, lim Limits) (*ast.File, error) {
	lim = lim.withDefaults()
	// A stream may begin with a byte order mark (YAML 1.2 §5.2; Windows
	// editors save one); the lexer would make it part of the first key.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if len(data) > lim.MaxBytes {
		line, col := lineCol(data, lim.MaxBytes)
		return nil, &Error{Line: line, Column: col, Msg: fmt.Sprintf("file too large: more than %d bytes, the limit", lim.MaxBytes)}
	}
	if err := checkFlow(data, lim.MaxFlow); err != nil {
		return nil, err
	}
	data = normalizeBreaks(data)
	var tokens token.Tokens
	if err := library(func() error { tokens = lexer.Tokenize(string(data)); return nil }); err != nil {
		return nil, err
	}
	if err := checkTokens(tokens, lim); err != nil {
		return nil, err
	}
	var f *ast.File
	err := library(func() (err error) {
		f, err = parser.Parse(tokens, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := checkAliases(f, lim.MaxNodes); err != nil {
		return nil, err
	}
	return f, nil
}

// normalizeBreaks turns each "\r\n" and lone "\r" of data into "\n",
// as a YAML processor must inside scalars anyway (YAML 1.2 §5.4), before
// the lexer sees it: goccy/go-yaml v1.19.2's lexer counts the "\r\n"
// that ends a comment as two lines, so every position after it was one
// line too far (a refusal on line 3 of a 2-line file). Lines keep their
// numbers, and columns too: only a line's last byte changes. data is not
// copied when it has no "\r".
func normalizeBreaks(data []byte) []byte {
	if bytes.IndexByte(data, '\r') < 0 {
		return data
	}
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); i++ {
		switch {
		case data[i] != '\r':
			out = append(out, data[i])
		case i+1 < len(data) && data[i+1] == '\n':
			// The "\n" that follows is kept.
		default:
			out = append(out, '\n')
		}
	}
	return out
}

// library runs a call into the YAML library, which is third-party code fed
// untrusted input: a panic comes back as an *Error, not the end of the
// process. (Only the library's calls: a bug of this package's own should
// still crash its tests and its fuzzer.)
func library(call func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &Error{Line: 1, Column: 1, Msg: fmt.Sprintf("cannot parse the file (YAML library failure: %v)", r)}
		}
	}()
	return call()
}

// checkFlow refuses data with more than maxFlow of the characters , [ ] {
// }: an upper bound of its flow tokens, counted before the lexer spends
// its slow flow pace on them.
func checkFlow(data []byte, maxFlow int) error {
	n := 0
	for i, b := range data {
		switch b {
		case ',', '[', ']', '{', '}':
			if n++; n > maxFlow {
				line, col := lineCol(data, i)
				return &Error{Line: line, Column: col, Msg: fmt.Sprintf("more than %d of the flow characters , [ ] { }", maxFlow)}
			}
		}
	}
	return nil
}

// lineCol returns the 1-based line and column (in bytes) of data[off].
// Lines end at "\n", "\r\n" or a lone "\r", as YAML's line breaks do
// (and the lexer's positions count them).
func lineCol(data []byte, off int) (line, col int) {
	line, start := 1, 0
	for i, b := range data[:off] {
		if b == '\n' || (b == '\r' && (i+1 >= len(data) || data[i+1] != '\n')) {
			line, start = line+1, i+1
		}
	}
	return line, off - start + 1
}

// level is one open block collection: the column of its keys or entries,
// whether it is a sequence, and how many keys it has so far.
type level struct {
	col  int
	seq  bool
	keys int
}

// flowLevel is one open flow collection. A flow mapping's keys are its
// entries, with or without a ":" ("{a, b: 1}" has two), so they are counted
// as entries begin: at the first token after "{" or ",". A flow sequence's
// keys are its ":"s (each "k: v" entry is a one-pair mapping; counting them
// against the sequence is stricter than needed, never looser).
type flowLevel struct {
	mapping, expect bool
	keys            int
}

// checkTokens enforces the token, depth and keys-per-mapping limits, in
// one pass: the first limit broken, by position, is the one reported.
//
// Flow collections are counted by their brackets. Block collections are
// counted by the columns of their keys and "-" entries: a deeper column
// opens a collection, a shallower one closes the deeper ones, and a
// sequence written at its parent key's column ("key:\n- a") is one level
// below that key. A key is the token before a ":" (comments skipped).
func checkTokens(tokens token.Tokens, lim Limits) error {
	var block []level
	var flow []flowLevel
	depth := func() int { return len(block) + len(flow) }
	tooDeep := func(tk *token.Token) error {
		return errAt(tk, "nested more than %d levels deep", lim.MaxDepth)
	}
	tooMany := func(tk *token.Token) error {
		return errAt(tk, "more than %d keys in one mapping", lim.MaxKeys)
	}
	// blockAt places a block key or entry at tk's column.
	blockAt := func(tk *token.Token, seq bool) error {
		col := tk.Position.Column
		for len(block) > 0 {
			top := block[len(block)-1]
			if top.col > col || (top.col == col && top.seq && !seq) {
				block = block[:len(block)-1]
				continue
			}
			break
		}
		if n := len(block); n > 0 && block[n-1].col == col && block[n-1].seq == seq {
			if !seq {
				block[n-1].keys++
				if block[n-1].keys > lim.MaxKeys {
					return tooMany(tk)
				}
			}
			return nil
		}
		l := level{col: col, seq: seq}
		if !seq {
			l.keys = 1
		}
		block = append(block, l)
		if depth() > lim.MaxDepth {
			return tooDeep(tk)
		}
		return nil
	}
	prev := -1 // index of the last token that is not a comment
	for i, tk := range tokens {
		if i == lim.MaxTokens {
			return errAt(tk, "more than %d YAML tokens", lim.MaxTokens)
		}
		if tk.Position == nil {
			continue
		}
		if tk.Type == token.CommentType {
			continue
		}
		if n := len(flow); n > 0 && flow[n-1].mapping && flow[n-1].expect &&
			tk.Type != token.CollectEntryType && tk.Type != token.MappingEndType {
			flow[n-1].expect = false
			if flow[n-1].keys++; flow[n-1].keys > lim.MaxKeys {
				return tooMany(tk)
			}
		}
		switch tk.Type {
		case token.DocumentHeaderType, token.DocumentEndType:
			block, flow = block[:0], flow[:0]
		case token.SequenceStartType, token.MappingStartType:
			m := tk.Type == token.MappingStartType
			flow = append(flow, flowLevel{mapping: m, expect: m})
			if depth() > lim.MaxDepth {
				return tooDeep(tk)
			}
		case token.SequenceEndType, token.MappingEndType:
			if len(flow) > 0 {
				flow = flow[:len(flow)-1]
			}
		case token.CollectEntryType:
			if n := len(flow); n > 0 {
				flow[n-1].expect = flow[n-1].mapping
			}
		case token.SequenceEntryType:
			if len(flow) == 0 {
				if err := blockAt(tk, true); err != nil {
					return err
				}
			}
		case token.MappingKeyType:
			if len(flow) == 0 {
				if err := blockAt(tk, false); err != nil {
					return err
				}
			}
		case token.MappingValueType:
			switch {
			case len(flow) > 0:
				if top := &flow[len(flow)-1]; !top.mapping {
					if top.keys++; top.keys > lim.MaxKeys {
						return tooMany(tk)
					}
				}
			case prev >= 0 && tokens[prev].Type != token.MappingKeyType:
				// The key is the token before; an explicit "? key" was
				// placed at its "?".
				if err := blockAt(tokens[prev], false); err != nil {
					return err
				}
			}
		}
		prev = i
	}
	return nil
}

// checkAliases refuses a document whose aliases expand it beyond maxNodes
// nodes: each alias counts as the expanded size of the anchored node it
// names (anchors are measured where they are defined, in document order,
// as the decoder resolves them).
func checkAliases(f *ast.File, maxNodes int) error {
	v := &expander{max: maxNodes, anchors: map[string]int{}}
	for _, doc := range f.Docs {
		ast.Walk(v, doc)
		if v.err != nil {
			return v.err
		}
	}
	return nil
}

// expander counts the nodes of a document with its aliases expanded.
type expander struct {
	max     int
	total   int
	anchors map[string]int // anchor name → its value's expanded size
	err     error
}

func (v *expander) Visit(n ast.Node) ast.Visitor {
	if v.err != nil || n == nil {
		return nil
	}
	switch n := n.(type) {
	case *ast.CommentNode, *ast.CommentGroupNode:
		return nil
	case *ast.AnchorNode:
		// Walk the value here, to know its size when it is done.
		before := v.total
		ast.Walk(v, n.Value)
		if n.Name != nil {
			v.anchors[n.Name.GetToken().Value] = v.total - before
		}
		return nil
	case *ast.AliasNode:
		size := 1
		if n.Value != nil {
			if s, ok := v.anchors[n.Value.GetToken().Value]; ok {
				size = max(s, 1)
			}
		}
		v.total += size
		if v.total > v.max {
			v.err = errAt(n.GetToken(), "aliases expand the document beyond %d nodes", v.max)
		}
		return nil
	}
	v.total++
	if v.total > v.max {
		v.err = errAt(n.GetToken(), "more than %d nodes", v.max)
		return nil
	}
	return v
}
