package printable

import (
	"unicode"

	"golang.org/x/text/width"
)

// Width is the number of terminal columns s takes: an East Asian wide or
// fullwidth character (CJK, most emoji) two, a combining mark, an enclosing
// mark or a format character (a joiner, a variation selector) none, any
// other one. A count of characters (as text/tabwriter and a rune count
// make it) put a Japanese model name's row off its headers and let a live
// line of CJK run past the terminal's edge.
func Width(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth is the columns r takes (Width).
func runeWidth(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	case width.LookupRune(r).Kind() == width.EastAsianWide, width.LookupRune(r).Kind() == width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// Cut is the longest start of s that takes at most cols columns (Width),
// ending at a character's boundary.
func Cut(s string, cols int) string {
	n := 0
	for i, r := range s {
		if n += runeWidth(r); n > cols {
			return s[:i]
		}
	}
	return s
}
