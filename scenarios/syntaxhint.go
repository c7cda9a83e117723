package scenarios

import (
	"fmt"
	"strings"
)

// syntaxHint is what to add to the parser's "mapping value is not allowed
// in this context" (or "value is not allowed …") at line, which names
// neither the mistake nor the fix: a plain value holding ": "
// ("description: Chat: fast"), which must be quoted, or a line indented
// deeper than the key above it, which only a key ending in ":" allows.
// Otherwise, the rule of indentation. "" for every other message.
func syntaxHint(data []byte, line int, msg string) string {
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

// indentOf is the number of spaces that start s.
func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }
