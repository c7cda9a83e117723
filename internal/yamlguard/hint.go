package yamlguard

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
)

// Syntax is a parse error of data, Parse's own (*Error) or the parser's,
// as one located line: its line and column (0 where the parser gave none)
// and its message in words: a tab named (NamedTab), a repeated key
// (DuplicateWords), a key without its ':' ("non-map value is specified"),
// and the likely mistake behind "value is not allowed in this context"
// (SyntaxHint). ok is false for an error of neither kind. Every YAML file
// inferbench reads (scenarios, prices, thresholds) says its syntax errors
// with it, so that one mistake reads the same in each.
func Syntax(data []byte, err error) (line, col int, msg string, ok bool) {
	if ge, isOwn := errors.AsType[*Error](err); isOwn {
		return ge.Line, ge.Column, NamedTab(ge.Msg), true
	}
	ye, isParser := errors.AsType[yaml.Error](err)
	if !isParser {
		return 0, 0, "", false
	}
	msg = DuplicateWords(NamedTab(ye.GetMessage()))
	if msg == "non-map value is specified" {
		msg = "a line that is not 'key: value' where a mapping's keys are (a missing ':' after the key?)"
	}
	if tk := ye.GetToken(); tk != nil && tk.Position != nil {
		line, col = tk.Position.Line, tk.Position.Column
	}
	return line, col, msg + SyntaxHint(data, line, msg), true
}

// SyntaxHint is what to add to the parser's "mapping value is not allowed
// in this context" (or "value is not allowed …") at line of data, which
// names neither the mistake nor the fix: a plain value holding ": "
// ("description: Chat: fast"), which must be quoted, or a line indented
// deeper than the key above it, which only a key ending in ":" allows
// (the parser points at the line above it). Otherwise, the rule of
// indentation. "" for every other message. Every YAML file inferbench
// reads (scenarios, prices, thresholds) says its syntax errors with it.
func SyntaxHint(data []byte, line int, msg string) string {
	if !strings.Contains(msg, "value is not allowed in this context") {
		return ""
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	cur := lines[line-1]
	body := strings.TrimLeft(strings.TrimSpace(cur), "- ")
	if _, rest, ok := strings.Cut(body, ": "); ok && !strings.HasPrefix(rest, `"`) && !strings.HasPrefix(rest, "'") &&
		(strings.Contains(rest, ": ") || strings.HasSuffix(rest, ":")) {
		return `: a value that holds ": " must be quoted ("…")`
	}
	// The parser points at the line above the one indented too deep, or
	// at that line itself (after a comment).
	if n := nextContent(lines, line); n > 0 && indentOf(lines[n-1]) > indentOf(cur) {
		return deeper(n, line)
	}
	if p := prevContent(lines, line); p > 0 && indentOf(cur) > indentOf(lines[p-1]) && !strings.HasSuffix(strings.TrimSpace(lines[p-1]), ":") {
		return deeper(line, p)
	}
	return ": check the indentation (the keys of one mapping start in the same column, indented with spaces)"
}

func deeper(n, above int) string {
	return fmt.Sprintf(": line %d is indented deeper than line %d, which does not end in \":\" (the keys of one mapping start in the same column)", n, above)
}

// nextContent and prevContent are the numbers (1-based) of the nearest
// line after and before line that holds more than a comment; 0 if none.
func nextContent(lines []string, line int) int {
	for n := line + 1; n <= len(lines); n++ {
		if content(lines[n-1]) {
			return n
		}
	}
	return 0
}

func prevContent(lines []string, line int) int {
	for n := line - 1; n >= 1; n-- {
		if content(lines[n-1]) {
			return n
		}
	}
	return 0
}

func content(s string) bool {
	t := strings.TrimSpace(s)
	return t != "" && !strings.HasPrefix(t, "#")
}

// indentOf is the column where the key of line s starts, from 0: the
// spaces that start it and the "- " of its sequence entries, whose keys
// start after them ("  - id: x" holds a key at column 4).
func indentOf(s string) int {
	n := 0
	for {
		t := strings.TrimLeft(s[n:], " ")
		n = len(s) - len(t)
		if !strings.HasPrefix(t, "- ") {
			return n
		}
		n += 2
	}
}
