package scenarios

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// leadingZero is a plain scalar of digits with a leading zero (0100, 09,
// -007): YAML 1.1 reads those of digits 0–7 as octal, and the YAML library
// follows it, where YAML 1.2's core schema reads a decimal. 0x10 and 0o10
// say their base and are not matched.
var leadingZero = regexp.MustCompile(`^[-+]?0[0-9_]*[0-9]$`)

// leadingZeros returns a problem at each plain scalar under n written with
// a leading zero that YAML 1.1 and 1.2 read differently, whatever the
// field: requests: 0100 was read as 64 and model: 0123 as the model "83".
// The text is said with both readings; 01 to 07 are one number either way.
func (s *source) leadingZeros(n ast.Node) []*Error {
	var out []*Error
	eachScalar(n, func(n ast.Node) {
		switch n.(type) {
		case *ast.IntegerNode, *ast.StringNode:
			tk := n.GetToken()
			if tk == nil || tk.Position == nil || !plainToken(tk) || !leadingZero.MatchString(tk.Value) {
				return
			}
			if e := s.leadingZeroAt(n, tk); e != nil {
				out = append(out, e)
			}
		}
	})
	return out
}

// eachScalar calls f with each scalar under n, in the file's order,
// through tags, anchors, mappings and sequences.
func eachScalar(n ast.Node, f func(ast.Node)) {
	switch n := n.(type) {
	case nil:
	case *ast.TagNode:
		eachScalar(n.Value, f)
	case *ast.AnchorNode:
		eachScalar(n.Value, f)
	case *ast.MappingNode:
		for _, mv := range n.Values {
			eachScalar(mv, f)
		}
	case *ast.MappingValueNode:
		eachScalar(n.Value, f)
	case *ast.SequenceNode:
		for _, v := range n.Values {
			eachScalar(v, f)
		}
	default:
		f(n)
	}
}

// plainToken reports whether tk is an unquoted scalar.
func plainToken(tk *token.Token) bool {
	return tk.Type != token.SingleQuoteType && tk.Type != token.DoubleQuoteType
}

// leadingZeroAt is the problem of the leading-zero scalar n, nil when
// both readings are one number.
func (s *source) leadingZeroAt(n ast.Node, tk *token.Token) *Error {
	text := tk.Value
	digits := strings.ReplaceAll(strings.TrimLeft(text, "+-"), "_", "")
	sign := ""
	if strings.HasPrefix(text, "-") {
		sign = "-"
	}
	dec := strings.TrimLeft(digits, "0")
	if dec == "" {
		dec = "0"
	}
	old := "a string"
	if v, err := strconv.ParseInt(digits, 8, 64); err == nil {
		if strconv.FormatInt(v, 10) == dec {
			return nil // 01 to 07: one number either way
		}
		old = fmt.Sprintf("octal (%s%d)", sign, v)
	}
	dec = sign + dec
	p := position{tk.Position.Line, tk.Position.Column}
	return errAtIn(s, n, s.at[p], fmt.Sprintf("%s has a leading zero, which YAML 1.1 reads as %s and YAML 1.2 as %s: write %s, or quote it where text is meant", truncate(text, 32), old, dec, dec))
}
