package cost

import "testing"

// TestGuideSaysWhenADefaultIsTheOnlyOffer: gpus wrote "-" under "cheaper
// alternative" for the L40S and the MI300X, as for a price not known, while
// the A10G's read "none cheaper": each has a default on-demand price and no
// other on-demand offer in the catalog. It says so; "-" stays for a GPU
// with no on-demand price at all.
func TestGuideSaysWhenADefaultIsTheOnlyOffer(t *testing.T) {
	c := mustLoad(t, "")
	seen := 0
	for i, row := range GuideTable(c, nil).Rows {
		g := &c.GPUs[i]
		od, err := g.DefaultOffer(string(DefaultOfferKind))
		switch {
		case err != nil:
			if row[7] != "-" {
				t.Errorf("%s has no on-demand offer; cheaper alternative %q, want -", g.ID, row[7])
			}
		case len(g.Alternatives(od)) == 0:
			seen++
			if row[7] != "no other on-demand offer" {
				t.Errorf("%s: its only on-demand offer is %s; cheaper alternative %q, want %q", g.ID, od.ID, row[7], "no other on-demand offer")
			}
		}
	}
	if seen == 0 {
		t.Fatal("no GPU with a single on-demand offer: the test checks nothing")
	}
}
