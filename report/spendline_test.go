package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestSpendLineSaysMoreWhenAdaptiveSpentMore: an adaptive run can spend
// more than a fixed sweep (--precision with --max-requests above
// --requests: 232 requests against 200 in a run watched here); the line
// said "(-16% saved)", a negative saving to decode. It must say "16% more".
func TestSpendLineSaysMoreWhenAdaptiveSpentMore(t *testing.T) {
	line := SpendLine(&rundir.Spend{Requests: 232, WallS: 23.6, FixedRequests: 200, FixedWallS: 20.3, Saved: -0.16})
	if strings.Contains(line, "-16") || !strings.Contains(line, "16% more") {
		t.Errorf("SpendLine = %q; want \"16%% more\" and no negative saving", line)
	}
	line = SpendLine(&rundir.Spend{Requests: 51, WallS: 3.6, FixedRequests: 100, FixedWallS: 6.9, Saved: 0.48})
	if !strings.Contains(line, "(48% saved)") {
		t.Errorf("SpendLine = %q; want (48%% saved)", line)
	}
}
