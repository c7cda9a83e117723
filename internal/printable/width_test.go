package printable

import "testing"

// TestWidth: columns on a terminal: ASCII one each, CJK and emoji two, a
// combining accent and a zero-width joiner none; Cut keeps whole
// characters within the columns.
func TestWidth(t *testing.T) {
	for s, want := range map[string]int{"": 0, "level 8": 7, "ラマ-3": 6, "模型🦙": 6, "e\u0301": 1, "a\u200db": 2} {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d; want %d", s, got, want)
		}
	}
	for _, c := range []struct {
		s    string
		cols int
		want string
	}{{"abc", 2, "ab"}, {"ラマ-3", 3, "ラ"}, {"ラマ-3", 4, "ラマ"}, {"ラマ-3", 10, "ラマ-3"}, {"e\u0301x", 1, "e\u0301"}} {
		if got := Cut(c.s, c.cols); got != c.want {
			t.Errorf("Cut(%q, %d) = %q; want %q", c.s, c.cols, got, c.want)
		}
	}
}
