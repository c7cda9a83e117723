package compare

import (
	"fmt"
	"strings"
)

// The formats of compare's stdout (GateOptions.Format), as ParseFormat
// returns them.
const (
	FormatText     = "text"
	FormatMarkdown = "md"
	FormatJSON     = "json"
)

// ParseFormat checks a --format value for compare's stdout and returns its
// one spelling: text, md or json, in any case, with "markdown" for md, the
// spellings cost and report accept too; "" is text.
func ParseFormat(s string) (string, error) {
	switch f := strings.ToLower(strings.TrimSpace(s)); f {
	case "", FormatText:
		return FormatText, nil
	case FormatMarkdown, "markdown":
		return FormatMarkdown, nil
	case FormatJSON:
		return FormatJSON, nil
	}
	return "", fmt.Errorf("--format %q: must be text, md (markdown) or json", s)
}
