package plot

import (
	"testing"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
)

// TestFigureTextShowsMissingGlyphs: a character Liberation Sans has no
// glyph for is drawn as MissingGlyph, not dropped: history trend's title
// for the model "Llama-3 日本語 модель" read "Llama-3  модель" in its PNG,
// another model's name. Latin, Cyrillic and the figures' own signs are
// drawn as they are.
func TestFigureTextShowsMissingGlyphs(t *testing.T) {
	h, ok := gplot.DefaultTextHandler.(glyphHandler)
	if !ok {
		t.Fatalf("the figures' text handler is %T; want glyphHandler", gplot.DefaultTextHandler)
	}
	fnt := font.From(sansFont(), 12)
	for in, want := range map[string]string{
		"Llama-3 日本語 модель":            "Llama-3 ??? модель",
		"a100-80gb × 2 — p95 ≤ 1 s, µs": "a100-80gb × 2 — p95 ≤ 1 s, µs",
		"ascii only\nsecond line":       "ascii only\nsecond line",
	} {
		if got := h.drawable(in, fnt); got != want {
			t.Errorf("drawable(%q) = %q; want %q", in, got, want)
		}
	}
	if w1, _, _ := h.Box("日本語", fnt); w1 == 0 {
		t.Error("a text of missing glyphs measures 0 wide; want the width of its stand-ins")
	}
}
