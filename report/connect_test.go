package report

import (
	"strings"
	"testing"
)

// TestConnectMS: the completed requests that opened a connection give the
// level's connection wait, N of its ok requests; the table says it is
// inside their TTFT. A failed request's wait and a kept connection's none
// are not counted; a level without any has none (absent in summary.json).
func TestConnectMS(t *testing.T) {
	s := NewSummarizer(SLO{})
	for i, ns := range []int64{40e6, 0, 10e6, 0, 25e6, 90e6} {
		r := rec(uint64(i), 1, int64(i)*100, [][2]int64{{int64(i)*100 + 80, 1}}, 1, 8) // TTFT 80 ms
		r.ConnectNS = ns
		if i == 5 {
			r.OK, r.ErrorClass = false, "connection"
		}
		s.Add(r)
	}
	sum := s.Close()
	c := sum.Levels[0].ConnectMS
	// 40, 10 and 25 ms: p50 25, max 40; the failed request's 90 left out.
	if c == nil || c.N != 3 || c.P50 != 25 || c.Max != 40 || c.Min != 10 {
		t.Fatalf("connect %+v; want 3 waits, p50 25 ms, 10 to 40 ms", c)
	}
	// 3 of 5 requests, each waiting (p50) 25 ms of an 80 ms TTFT: the
	// warm-up that leaves them out is named.
	if tab := tableText(t, sum); !strings.Contains(tab, "connections: 3 of 5 requests opened one, waiting for it p50 25.00 ms, max 40.00 ms, inside their TTFT (a warm-up of as many requests as run at once, --warmup, leaves them out of the measured ones)\n") {
		t.Errorf("table:\n%s", tab)
	}
	// Waits of 0.5 ms (loopback) against an 80 ms TTFT: said, no advice.
	sum.Levels[0].ConnectMS.P50 = 0.5
	if tab := tableText(t, sum); !strings.Contains(tab, "p50 0.50 ms, max 40.00 ms, inside their TTFT\n") {
		t.Errorf("table, short waits:\n%s", tab)
	}
	// Long waits, but 3 of 400 requests (under 1 %): no advice either.
	sum.Levels[0].ConnectMS.P50, sum.Levels[0].Requests.OK = 25, 400
	if !connectsMatter(&Level{ConnectMS: &Dist{N: 4, P50: 25}, Requests: Requests{OK: 400}, TTFTMS: Dist{P50: 80}}) ||
		connectsMatter(&sum.Levels[0]) {
		t.Errorf("connectsMatter: 4 of 400 (1 %%) should, 3 of 400 should not")
	}
	s = NewSummarizer(SLO{})
	s.Add(rec(0, 1, 0, [][2]int64{{80, 1}}, 1, 8))
	if sum := s.Close(); sum.Levels[0].ConnectMS != nil {
		t.Errorf("no connection opened: connect %+v; want nil", sum.Levels[0].ConnectMS)
	}
}
