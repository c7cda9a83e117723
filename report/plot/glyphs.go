package plot

import (
	"strings"

	"golang.org/x/image/font/sfnt"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// MissingGlyph stands in a figure for a character its font (Liberation
// Sans) has no glyph for.
const MissingGlyph = "?"

// glyphHandler is the figures' text handler: gonum/plot's, with each
// character its font lacks written as MissingGlyph. gonum/plot draws no
// glyph for it, so a model named "Llama-3 日本語 модель" was drawn
// "Llama-3  модель", another name, in the PNG: a name the figure cannot
// draw now shows that it could not.
type glyphHandler struct{ text.Handler }

func init() { gplot.DefaultTextHandler = glyphHandler{gplot.DefaultTextHandler} }

func (h glyphHandler) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	return h.Handler.Box(h.drawable(txt, fnt), fnt)
}

func (h glyphHandler) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	h.Handler.Draw(c, h.drawable(txt, sty.Font), sty, pt)
}

// drawable is txt with each character fnt has no glyph for replaced by
// MissingGlyph (txt itself when it has them all: ASCII at once).
func (h glyphHandler) drawable(txt string, fnt font.Font) string {
	ascii := true
	for i := 0; i < len(txt); i++ {
		if txt[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return txt
	}
	face := h.Cache().Lookup(fnt, fnt.Size)
	if face.Face == nil {
		return txt
	}
	var buf sfnt.Buffer
	var b strings.Builder
	for _, r := range txt {
		if r == '\n' {
			b.WriteRune(r)
			continue
		}
		if g, err := face.Face.GlyphIndex(&buf, r); err != nil || g == 0 {
			b.WriteString(MissingGlyph)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
