package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestResentRequests: a level counts its measured requests the HTTP client
// sent again on its own (resent ≥ 1), whatever their outcome, and not a
// retried attempt (--retries: not one of the level's requests) nor a
// warm-up; summary.json has the count, and the table warns that their
// TTFT includes the failed sends. A level without any has neither.
func TestResentRequests(t *testing.T) {
	s := NewSummarizer(SLO{})
	for i, resent := range []int{0, 2, 0, 1, 0} {
		r := rec(uint64(i), 16, int64(i)*100, [][2]int64{{int64(i)*100 + 80, 1}}, 1, 8)
		r.Resent = resent
		if i == 3 {
			r.OK, r.ErrorClass = false, rundir.Connection // refused, resent, then failed: counted
		}
		s.Add(r)
	}
	retried := rec(5, 16, 600, [][2]int64{{680, 1}}, 1, 8)
	retried.OK, retried.ErrorClass, retried.Retried, retried.Resent = false, rundir.Connection, true, 7
	s.Add(retried)
	warm := rec(6, 16, 700, [][2]int64{{780, 1}}, 1, 8)
	warm.Stage, warm.Resent = rundir.StageWarmup, 1
	s.Add(warm)
	s.Add(rec(7, 32, 800, [][2]int64{{880, 1}}, 1, 8))
	sum := s.Close()
	l16, l32 := sum.Levels[0], sum.Levels[1]
	// Requests 1 (resent 2, ok) and 3 (resent 1, failed) of the five.
	if l16.ResentRequests != 2 || l16.Requests.Total != 5 || l32.ResentRequests != 0 {
		t.Fatalf("resent requests %d of %d at level 16, %d at level 32; want 2 of 5, 0", l16.ResentRequests, l16.Requests.Total, l32.ResentRequests)
	}
	want := "WARNING: level 16: 2 of 5 requests were resent by the HTTP client (REFUSED_STREAM or a closed kept-alive connection): their TTFT includes the failed sends\n"
	tab := tableText(t, sum)
	if !strings.Contains(tab, want) || strings.Count(tab, "were resent") != 1 {
		t.Errorf("table (want %q once):\n%s", want, tab)
	}
	j16, _ := json.Marshal(l16)
	j32, _ := json.Marshal(l32)
	if !strings.Contains(string(j16), `"resent_requests":2`) || strings.Contains(string(j32), "resent_requests") {
		t.Errorf("summary.json levels: %s … and %s …; want resent_requests 2 at level 16, absent at 32", j16[:40], j32[:40])
	}
}
