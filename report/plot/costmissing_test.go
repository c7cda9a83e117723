package plot

import (
	"bytes"
	"strings"
	"testing"
)

// TestCostBarsSayWhyABarIsMissing (issue #20 item 4): a run with no price
// for an offer kind (the A100 has no owned price in the catalog) gets a
// label in the bar's slot saying so, not a silent gap; a run priced under
// every kind gets none.
func TestCostBarsSayWhyABarIsMissing(t *testing.T) {
	bars := []CostBar{
		{Group: "on-demand", Series: "a100-80gb", USDPer1M: 0.546},
		{Group: "on-demand", Series: "h100-sxm", USDPer1M: 0.442},
		{Group: "owned", Series: "h100-sxm", USDPer1M: 0.101},
	}
	var svg bytes.Buffer
	if err := CostBars(bars, "Cost per 1M output tokens").Write(&svg, SVG); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(svg.String(), ">no owned<"); n != 1 {
		t.Errorf("%d 'no owned' labels; want 1, in the A100's owned slot", n)
	}
	if strings.Contains(svg.String(), ">no on-demand<") {
		t.Errorf("a label for a bar that is there")
	}
	for _, v := range []string{">$0.546<", ">$0.442<", ">$0.101<"} {
		if !strings.Contains(svg.String(), v) {
			t.Errorf("no bar label %s", v)
		}
	}
}
