package render

import (
	"strings"
	"testing"
)

// The cost figure names the offer behind each bar and the cheaper offers
// of a kind: in the demo its "on-demand" bars were AWS's ($0.541 per 1M
// output tokens on the A100), the catalog's first on-demand offer, while
// the cost table listed on-demand A100s from $0.219 (runpod-community); a
// reader of the figure took $0.541 for what on-demand costs.
func TestCostFigureNamesItsOffers(t *testing.T) {
	rep, _ := goldenReport(t, "qualification")
	var caption string
	for _, f := range rep.Plots() {
		if f.Name == "cost" {
			caption = f.Caption
		}
	}
	if caption == "" {
		t.Fatal("no cost figure")
	}
	cheaper := 0
	for _, rr := range rep.Runs {
		first := map[string]bool{}
		var head = map[string]float64{}
		for _, c := range rr.Costs {
			kind := string(c.Kind)
			if !first[kind] {
				first[kind], head[kind] = true, c.USDPer1MOutputTokens
				if want := string(c.Kind) + " " + c.Offer; !strings.Contains(caption, rr.Label+": ") || !strings.Contains(caption, want) {
					t.Errorf("cost caption %q does not name %s's %s bar's offer %q", caption, rr.Label, kind, c.Offer)
				}
			}
		}
		for kind, h := range head {
			low, offer := h, ""
			for _, c := range rr.Costs {
				if string(c.Kind) == kind && c.USDPer1MOutputTokens < low {
					low, offer = c.USDPer1MOutputTokens, c.Offer
				}
			}
			if offer == "" {
				continue
			}
			cheaper++
			if want := usd(low) + " (" + offer + ")"; !strings.Contains(caption, want) {
				t.Errorf("cost caption %q does not give %s's cheapest %s offer, %s", caption, rr.Label, kind, want)
			}
		}
	}
	if cheaper == 0 {
		t.Fatal("no run has an offer cheaper than its bar: the test checks nothing")
	}
}
