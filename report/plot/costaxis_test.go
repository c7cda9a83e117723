package plot

import (
	"bytes"
	"strings"
	"testing"
)

// TestCostBarsAxisNamesOfferKinds: the cost figure's bars are offer kinds
// (on-demand, reserved-1y, …), so its x axis says "offer kind"; "offer"
// alone is what the cost table calls an offer id (aws-p4de-od).
func TestCostBarsAxisNamesOfferKinds(t *testing.T) {
	bars := []CostBar{
		{Group: "on-demand", Series: "a100-80gb", USDPer1M: 0.546},
		{Group: "reserved-1y", Series: "a100-80gb", USDPer1M: 0.401},
	}
	var svg bytes.Buffer
	if err := CostBars(bars, "Cost per 1M output tokens").Write(&svg, SVG); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(svg.String(), ">offer kind<") {
		t.Errorf("the x axis is not labelled \"offer kind\"")
	}
	if strings.Contains(svg.String(), ">offer<") {
		t.Errorf("the x axis is labelled \"offer\", the cost table's word for an offer id")
	}
}
