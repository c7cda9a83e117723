package yamlguard

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"github.com/inferbench/inferbench/internal/jsonerr"
)

// DecodeWords words a decode's type error as its user reads it — "want a
// number, got a string", "number out of range: want a whole number ≥ 0" —
// instead of go-yaml's Go type names ("cannot unmarshal string into Go
// struct field Catalog.GPUs of type float64"); false for another error.
// The caller puts the file:line:col and the key's path before it.
func DecodeWords(err error) (string, bool) {
	if oe, ok := errors.AsType[*yaml.OverflowError](err); ok {
		return "number out of range: want " + KindWords(oe.DstType), true
	}
	if te, ok := errors.AsType[*yaml.TypeError](err); ok {
		return fmt.Sprintf("want %s, got %s", KindWords(te.DstType), KindWords(te.SrcType)), true
	}
	return "", false
}

// RangeWords words a number past what a float64 holds (1e400, a typo for
// 1e4), which go-yaml keeps as text and its type error calls "a string":
// "number out of range: want a whole number, got 1e400"; false for
// another error.
func RangeWords(err error) (string, bool) {
	te, ok := errors.AsType[*yaml.TypeError](err)
	if !ok || te.Token == nil || te.Token.Type != token.StringType || !Float.MatchString(te.Token.Value) {
		return "", false
	}
	if _, perr := strconv.ParseFloat(te.Token.Value, 64); !errors.Is(perr, strconv.ErrRange) {
		return "", false
	}
	return fmt.Sprintf("number out of range: want %s, got %s", KindWords(te.DstType), te.Token.Value), true
}

// ShapeWords words a value of the wrong shape for a mapping or a list —
// go-yaml's "int was used where mapping is expected" — as DecodeWords
// words a type error: "want a mapping, got a number"; false for another
// error.
func ShapeWords(err error) (string, bool) {
	if ne, ok := errors.AsType[*yaml.UnexpectedNodeTypeError](err); ok {
		return fmt.Sprintf("want %s, got %s", NodeWords(ne.Expected), NodeWords(ne.Actual)), true
	}
	return "", false
}

// NodeWords names what a YAML node of type t is, as KindWords names a Go
// type: "a mapping", "a list", "a number".
func NodeWords(t ast.NodeType) string {
	switch t {
	case ast.MappingType, ast.MappingValueType:
		return "a mapping"
	case ast.SequenceType:
		return "a list"
	case ast.IntegerType, ast.FloatType, ast.InfinityType, ast.NanType:
		return "a number"
	case ast.BoolType:
		return "true or false"
	case ast.StringType, ast.LiteralType:
		return "a string"
	case ast.NullType:
		return "nothing"
	}
	return "a " + t.YAMLName()
}

// KindWords names what a Go type holds, for a type-mismatch message: as a
// JSON error says it (jsonerr.Want), in YAML's words (a mapping, not an
// object).
func KindWords(t reflect.Type) string {
	switch w := jsonerr.Want(t); {
	case t == nil:
		return "nothing"
	case w == "an object":
		return "a mapping"
	case w != "another type":
		return w
	}
	return t.String()
}

// duplicateKey is go-yaml's parser's words for a key written twice.
var duplicateKey = regexp.MustCompile(`^mapping key (".*") already defined at \[(\d+):(\d+)\]$`)

// DuplicateWords rewrites the parser's 'mapping key "name" already
// defined at [1:1]' in words: 'key "name" is written twice in one mapping
// (first at line 1, column 1)'; any other message is returned as it is.
func DuplicateWords(msg string) string {
	m := duplicateKey.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	return fmt.Sprintf("key %s is written twice in one mapping (first at line %s, column %s)", m[1], m[2], m[3])
}

// NamedTab rewrites the parser's "found character '<TAB>'" in words, for
// every file inferbench reads (scenarios, prices, thresholds). The raw tab
// would reach the terminal as a blank (run folds a tab in its errors into
// a space, targets.Printable), leaving "found character ' '", which hides
// the one thing to fix: YAML indents with spaces only.
func NamedTab(msg string) string {
	if !strings.Contains(msg, "\t") {
		return msg
	}
	msg = strings.ReplaceAll(msg, "'\t'", "'\\t' (a tab: YAML indents with spaces only)")
	return strings.ReplaceAll(msg, "\t", `\t`)
}
