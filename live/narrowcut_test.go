package live

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestVeryNarrowLiveLinesCutNoWord: on a terminal too narrow for even the
// short form of a part of the live line (TTFT p50 and p95 take 24 columns
// short), the part goes on at its spaces, as a part with no short form
// does, and no word is cut. At 20 columns the TTFT line read "TTFT p50
// 120ms p9" (the p95 and its value cut off); at 10, "TTFT p5".
func TestVeryNarrowLiveLinesCutNoWord(t *testing.T) {
	snap := narrowingState().Snapshot()
	var l *LevelSnapshot
	for i := range snap.Levels {
		if snap.Levels[i].Running {
			l = &snap.Levels[i]
		}
	}
	words := map[string]bool{}
	for _, sg := range liveSegments(&snap, l) {
		for _, w := range strings.Fields(sg.text + " " + sg.short) {
			words[w] = true
		}
	}
	for width := 12; width <= 40; width++ {
		lines := Render(&snap, width, true).Live
		text := strings.Join(lines, "\n")
		for _, line := range lines {
			if n := utf8.RuneCountInString(line); n > width-1 {
				t.Errorf("width %d: a line of %d columns: %q", width, n, line)
			}
			for _, w := range strings.Fields(line) {
				if !words[w] {
					t.Errorf("width %d: %q is no word of the live line's parts, cut?\n%s", width, w, text)
				}
			}
		}
		if width >= 16 && (!strings.Contains(text, "p50") || !strings.Contains(text, "p95")) {
			t.Errorf("width %d: TTFT p50 or p95 left out:\n%s", width, text)
		}
	}
}
