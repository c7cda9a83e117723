package report

import (
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestPrintable: each kind of character that acts instead of showing is
// written out, and ordinary text (accents, CJK, quotes, pipes) is kept.
func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"llama-3 ü 日本 \"q\" | <b>": "llama-3 ü 日本 \"q\" | <b>",
		"a\nb\r\tc":                `a\nb\r\tc`,
		"\x1b[31mRED\x1b[0m":       `\x1b[31mRED\x1b[0m`,
		"x\u202eevil\u0085":        `x\u202eevil\u0085`,
		"bad\xffutf8":              `bad\xffutf8`,
		"del\x7f":                  `del\x7f`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTableHeaderShowsHostileTextWrittenOut: a model name, URL and exit
// reason from run.json carrying an ANSI escape and a newline are printed
// written out in the terminal table: no escape byte reaches the terminal,
// and the header keeps its lines (the model's newline used to start a new
// line of its own, the escape to recolour the rest of the table).
func TestTableHeaderShowsHostileTextWrittenOut(t *testing.T) {
	m := &rundir.Manifest{ExitState: rundir.ExitInterrupted, Start: time.Unix(0, 0).UTC(),
		ExitReason: "server said \x1b]0;pwned\x07"}
	m.Target.Kind = "vllm"
	m.Target.URL = "http://h:8000/\x1b[2J"
	m.Target.Model = "mock\x1b[31m\nFAKE LINE"
	var b strings.Builder
	if err := WriteTable(&b, &Summary{ServerMetricsError: "3 scrapes failed: \x1b[1mbold"}, m); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.ContainsRune(out, 0x1b) || strings.ContainsRune(out, 0x07) {
		t.Errorf("an escape byte reached the table:\n%q", out)
	}
	if !strings.Contains(out, `model mock\x1b[31m\nFAKE LINE`+"\n") {
		t.Errorf("the model is not on the target line, written out:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "FAKE LINE") {
			t.Errorf("the model's newline started a line of the table:\n%s", out)
		}
	}
}

// TestMarkdownText: the one Markdown escaper, by hand: markup characters
// get a backslash, control characters are written out first (so their
// backslash is escaped too and a renderer shows `\n`, not a line break).
func TestMarkdownText(t *testing.T) {
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
		if got := MarkdownText(in); got != want {
			t.Errorf("MarkdownText(%q) = %q, want %q", in, got, want)
		}
	}
}
