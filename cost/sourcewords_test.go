package cost

import (
	"strings"
	"testing"
)

// maxSourceWord bounds a run of non-space characters in a source. Sources
// are printed in the report's notes, where a browser breaks lines at spaces
// only: a 126-character archive URL in a100-80gb's owned-8x source made the
// qualification report 533 px wide on a 390 px phone, scrolling sideways as
// a whole (report/render's TestFiguresReadableOnAPhone), while the longest
// word shipped before, a 75-character spreadsheet address, fits.
const maxSourceWord = 80

// overlongSourceWords returns each source of c holding a word longer than
// maxSourceWord, with that word.
func overlongSourceWords(c *Catalog) []string {
	var bad []string
	check := func(what, source string) {
		for _, w := range strings.Fields(source) {
			if len([]rune(w)) > maxSourceWord {
				bad = append(bad, what+": "+w)
			}
		}
	}
	for _, g := range c.GPUs {
		check("gpu "+g.ID, g.Source)
		for _, o := range g.Offers {
			check("offer "+g.ID+"/"+o.ID, o.Source)
		}
	}
	for _, p := range c.Providers {
		check("provider "+p.ID, p.Source)
	}
	for _, a := range c.APIs {
		check("api "+a.ID, a.Source)
	}
	for _, m := range c.Models {
		check("model "+m.ID, m.Source)
	}
	return bad
}

// TestSourcesBreakIntoLines: no shipped source holds a word the report
// cannot break (cite a long archive address by its site and capture, as
// a100-80gb's and mi300x's owned-8x do), and one that does is caught.
func TestSourcesBreakIntoLines(t *testing.T) {
	if bad := overlongSourceWords(mustLoad(t, "")); len(bad) > 0 {
		t.Errorf("sources with a word over %d characters:\n%s", maxSourceWord, strings.Join(bad, "\n"))
	}
	long := "web.archive.org/web/20250304183308/https://anafrashop.com/nvidia-delta-hgx-gpu-baseboard-8-a100-80gb-sxm4-935-23587-0000-200-4"
	c := mustLoad(t, "gpus:\n  - id: a100-80gb\n    offers:\n      - id: owned-8x\n        source: \"capex: "+long+"\"\n")
	if bad := strings.Join(overlongSourceWords(c), "\n"); !strings.Contains(bad, "offer a100-80gb/owned-8x: "+long) {
		t.Errorf("a %d-character word went unnoticed: %q", len(long), bad)
	}
}
