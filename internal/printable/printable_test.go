package printable

import (
	"testing"
)

// TestText: each kind of character that acts instead of showing is
// written out, and ordinary text (accents, CJK, quotes, pipes) is kept.
func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"llama-3 ü 日本 \"q\" | <b>": "llama-3 ü 日本 \"q\" | <b>",
		"a\nb\r\tc":                `a\nb\r\tc`,
		"\x1b[31mRED\x1b[0m":       `\x1b[31mRED\x1b[0m`,
		"x\u202eevil\u0085":        `x\u202eevil\u0085`,
		"bad\xffutf8":              `bad\xffutf8`,
		"del\x7f":                  `del\x7f`,
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMarkdown: the one Markdown escaper, by hand: markup characters
// get a backslash, control characters are written out first (so their
// backslash is escaped too and a renderer shows `\n`, not a line break).
func TestMarkdown(t *testing.T) {
	for in, want := range map[string]string{
		"h100-sxm run 1":    "h100-sxm run 1",
		"ttft_p95 *bold*":   `ttft\_p95 \*bold\*`,
		"a | b":             `a \| b`,
		"<img src=x>`code`": "\\<img src=x\\>\\`code\\`",
		`C:\runs`:           `C:\\runs`,
		"box\n| injected |": `box\\n\| injected \|`,
		"red\x1b[31m":       `red\\x1b[31m`,
		"[3.10–3.39] 3.24×": "[3.10–3.39] 3.24×",
	} {
		if got := Markdown(in); got != want {
			t.Errorf("Markdown(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMarkdownRow: each cell literal, one row, by hand.
func TestMarkdownRow(t *testing.T) {
	if got, want := MarkdownRow([]string{"a|b", "", "*x*"}), "| a\\|b |  | \\*x\\* |\n"; got != want {
		t.Errorf("MarkdownRow = %q, want %q", got, want)
	}
}

// TestCount: a count reads as English, not "1 device(s)" or "4 metric(s)"
// as compare's verdict, the GPU line and the cost titles read before.
func TestCount(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 GPUs"}, {1, "1 GPU"}, {2, "2 GPUs"}, {24, "24 GPUs"}} {
		if got := Count(tt.n, "GPU"); got != tt.want {
			t.Errorf("Count(%d, GPU) = %q; want %q", tt.n, got, tt.want)
		}
	}
	if got := Plural(1, "level") + " 8, " + Plural(2, "level") + " 8, 16"; got != "level 8, levels 8, 16" {
		t.Errorf("Plural: %q", got)
	}
}
