package report

import "testing"

// TestSLOErrorRateDigits: a level's failed SLO names its error rate with
// the digits it has: 1 failure in 400 is 0.25 %, which read "error rate
// 0.2% > 0.1%"; 5 % still reads 5.0 %.
func TestSLOErrorRateDigits(t *testing.T) {
	for _, c := range []struct {
		failed, total int
		want          string
	}{{1, 400, "error rate 0.25% > 0.1%"}, {20, 400, "error rate 5.0% > 0.1%"}, {1, 3, "error rate 33.333% > 0.1%"}} {
		l := &Level{Requests: Requests{Total: c.total, Failed: c.failed, OK: c.total - c.failed}}
		budget := 0.001
		_, why := MeetsSLO(l, SLO{MaxErrorRate: &budget})
		if len(why) == 0 || why[0] != c.want {
			t.Errorf("%d of %d failed: %q; want %q first", c.failed, c.total, why, c.want)
		}
	}
}
