package report

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/montanaflynn/stats"

	"github.com/inferbench/inferbench/rundir"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// TestPercentilesNumPy pins the percentile formula to NumPy's default
// (linear interpolation between closest ranks), hand-computed:
// rank h = p/100·(n−1); value = x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
func TestPercentilesNumPy(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		want   Dist
	}{
		{
			// n=10: p90 h=8.1 → 9+0.1·1 = 9.1; p99.9 h=8.991 → 9.991.
			// mean 5.5; population variance Σ(x−5.5)²/10 = 82.5/10 = 8.25.
			name:   "1..10",
			values: []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1},
			want:   Dist{N: 10, P50: 5.5, P90: 9.1, P95: 9.55, P99: 9.91, P999: 9.991, Mean: 5.5, Stddev: math.Sqrt(8.25), Min: 1, Max: 10},
		},
		{
			// n=5 (15 20 35 40 50): p50 h=2 → 35; p90 h=3.6 → 40+0.6·10 = 46;
			// p95 h=3.8 → 48; p99 h=3.96 → 49.6; p99.9 h=3.996 → 49.96.
			// mean 32; deviations² 289+144+9+64+324 = 830 → var 166.
			name:   "five values",
			values: []float64{50, 15, 40, 20, 35},
			want:   Dist{N: 5, P50: 35, P90: 46, P95: 48, P99: 49.6, P999: 49.96, Mean: 32, Stddev: math.Sqrt(166), Min: 15, Max: 50},
		},
		{
			name:   "one value",
			values: []float64{7},
			want:   Dist{N: 1, P50: 7, P90: 7, P95: 7, P99: 7, P999: 7, Mean: 7, Stddev: 0, Min: 7, Max: 7},
		},
		{name: "empty", values: nil, want: Dist{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The library's formula agrees with the hand-computed values too.
			for _, p := range []struct{ p, want float64 }{{50, tt.want.P50}, {90, tt.want.P90}, {99.9, tt.want.P999}} {
				if got, err := stats.Percentile(tt.values, p.p); len(tt.values) > 0 && (err != nil || !near(got, p.want)) {
					t.Errorf("stats.Percentile(%v, %v) = %v, %v; want %v", tt.values, p.p, got, err, p.want)
				}
			}
			got := distOf(append([]float64(nil), tt.values...))
			g := []float64{float64(got.N), got.P50, got.P90, got.P95, got.P99, got.P999, got.Mean, got.Stddev, got.Min, got.Max}
			w := []float64{float64(tt.want.N), tt.want.P50, tt.want.P90, tt.want.P95, tt.want.P99, tt.want.P999, tt.want.Mean, tt.want.Stddev, tt.want.Min, tt.want.Max}
			for i := range g {
				if !near(g[i], w[i]) {
					t.Fatalf("distOf(%v) = %+v; want %+v", tt.values, got, tt.want)
				}
			}
		})
	}
}

const ms = int64(time.Millisecond)

// rec builds a successful measured record sent at sentMS with token events
// at the given offsets (ms) carrying the given token counts.
func rec(id uint64, level float64, sentMS int64, events [][2]int64, outTokens, inTokens int) *rundir.Record {
	r := &rundir.Record{ID: id, Stage: rundir.StageMeasure, Level: level, OK: true,
		ScheduledNS: (sentMS - 2) * ms, SentNS: sentMS * ms, FirstByteNS: sentMS * ms, OutputTokens: outTokens, InputTokens: inTokens,
		OutputTokensSource: rundir.SourceServer}
	for _, e := range events {
		r.Chunks = append(r.Chunks, [2]int64{e[0] * ms, e[1]})
	}
	r.FirstTokenNS = r.Chunks[0][0]
	r.FirstContentNS = r.FirstTokenNS
	r.EndNS = r.Chunks[len(r.Chunks)-1][0]
	r.DoneNS = r.EndNS + 1*ms
	return r
}

// TestSummaryHandComputed checks every per-level metric against values
// computed by hand from two records and two failures.
func TestSummaryHandComputed(t *testing.T) {
	s := NewSummarizer(SLO{TTFT: 60 * time.Millisecond})
	// Request A: sent 1000 ms, events at 1050 (1 token), 1060 (1), 1080 (2
	// tokens): TTFT 50, E2E 80, 4 tokens → TPOT (80−50)/3 = 10;
	// ITL: gap 10 over 1 token → 10; gap 20 over 2 tokens → 10, 10;
	// inter-chunk gaps 10, 20; per-user speed 4 / 0.030 s = 133.33 tok/s.
	s.Add(rec(0, 8, 1000, [][2]int64{{1050, 1}, {1060, 1}, {1080, 2}}, 4, 100))
	// Request B: sent 1010, events at 1110, 1130: TTFT 100, E2E 120, 2
	// tokens → TPOT 20; ITL 20; per-user 2/0.020 = 100 tok/s.
	s.Add(rec(1, 8, 1010, [][2]int64{{1110, 1}, {1130, 1}}, 2, 50))
	// A failure (counted, no latency) and a warm-up record (ignored).
	s.Add(&rundir.Record{ID: 2, Stage: rundir.StageMeasure, Level: 8, ScheduledNS: 1020 * ms, SentNS: 1020 * ms, DoneNS: 1190 * ms, ErrorClass: rundir.HTTP5xx})
	w := rec(3, 8, 0, [][2]int64{{5000, 1}}, 1, 1)
	w.Stage = rundir.StageWarmup
	s.Add(w)
	sum := s.Close()
	if len(sum.Levels) != 1 {
		t.Fatalf("levels = %d; want 1", len(sum.Levels))
	}
	l := sum.Levels[0]
	if l.Requests != (Requests{Total: 3, OK: 2, Failed: 1}) {
		t.Errorf("requests = %+v; want 3 total, 2 ok, 1 failed", l.Requests)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"ttft p50", l.TTFTMS.P50, 75}, // (50+100)/2
		{"ttft max", l.TTFTMS.Max, 100},
		{"e2e mean", l.E2EMS.Mean, 100}, // (80+120)/2
		{"tpot p50", l.TPOTMS.P50, 15},  // (10+20)/2
		{"itl n", float64(l.ITLMS.N), 4},
		{"itl mean", l.ITLMS.Mean, 12.5}, // (10+10+10+20)/4
		{"itl p50", l.ITLMS.P50, 10},
		{"inter-chunk n", float64(l.InterChunkMS.N), 3},
		{"inter-chunk mean", l.InterChunkMS.Mean, 50.0 / 3},       // (10+20+20)/3
		{"user tok/s min", l.UserOutputTokensPerS.Min, 1 / 0.020}, // 1 token after the first in 20 ms: 1 / TPOT
		{"user tok/s max", l.UserOutputTokensPerS.Max, 3 / 0.030}, // 3 tokens after the first in 30 ms
		{"ttfb p50", l.TTFBMS.P50, 0},
		// window: first sent 1000 ms → last done 1190 ms = 0.19 s.
		{"window s", l.WindowS, 0.19},
		{"window output tok/s", l.WindowOutputTokensPerS, 6 / 0.19},
		{"window req/s", l.WindowRequestsPerS, 2 / 0.19},
		// No steady state: from the last worker's first send (1000 ms) to
		// the last send (1020 ms) is shorter than a request (mean 101 ms),
		// so the rates are the window's.
		{"output tok/s", l.OutputTokensPerS, 6 / 0.19},
		{"total tok/s", l.TotalTokensPerS, 156 / 0.19},
		{"req/s", l.RequestsPerS, 2 / 0.19},
		// Send lag: A and B were sent 2 ms late, the failure on time.
		{"lag p50", l.SendLagMS.P50, 2},
		{"lag max", l.SendLagMS.Max, 2},
		{"lag n", float64(l.SendLagMS.N), 3},
		{"ttft from schedule p50", l.TTFTFromScheduleMS.P50, 77}, // (52+102)/2
		{"e2e from schedule max", l.E2EFromScheduleMS.Max, 122},
		// Sends at 1000, 1010, 1020 ms: 2 gaps in 20 ms = 100/s.
		{"achieved rate", l.AchievedRatePerS, 100},
		// In flight: A 1000→1081, B 1010→1131, the failure 1020→1190 ms:
		// (81 + 121 + 170) / 190 ms.
		{"mean in flight", l.MeanInFlight, 372.0 / 190},
		// Only A met TTFT ≤ 60 ms.
		{"goodput", l.GoodputRPS, 1 / 0.19},
	}
	for _, c := range checks {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v; want %v", c.name, c.got, c.want)
		}
	}
	if l.Steady != nil {
		t.Errorf("steady state %+v; want none (shorter than a request)", *l.Steady)
	}
	if l.Errors[rundir.HTTP5xx] != 1 || len(l.Errors) != 1 {
		t.Errorf("errors = %v; want http_5xx 1", l.Errors)
	}
	if l.Lengths != nil {
		t.Errorf("lengths %+v without requested lengths in the records", l.Lengths)
	}
	if l.OutputTokens != 6 || l.InputTokens != 150 {
		t.Errorf("tokens = %d out, %d in; want 6, 150", l.OutputTokens, l.InputTokens)
	}
	// TTFT p95 = 50 + 0.95·50 = 97.5 ms > 60 ms, and 1 of 3 failed: no capacity.
	if sum.Capacity != nil {
		t.Errorf("capacity = %+v; want none", sum.Capacity)
	}
}

// TestCapacityMeetsSLO: levels 1 and 2 meet TTFT p95 ≤ 100 ms, level 4
// does not; the requests are sent at the same times, so level 1 (first
// tokens 40 ms after sending against 90) ends sooner and has the best
// throughput: capacity is level 1 with its throughput.
func TestCapacityMeetsSLO(t *testing.T) {
	s := NewSummarizer(SLO{TTFT: 100 * time.Millisecond})
	ttft := map[float64]int64{1: 40, 2: 90, 4: 150}
	for lv, d := range ttft {
		for i := range 10 {
			s.Add(rec(uint64(i), lv, int64(i)*1000, [][2]int64{{int64(i)*1000 + d, 1}, {int64(i)*1000 + d + 10, 1}}, 2, 10))
		}
	}
	sum := s.Close()
	if sum.Capacity == nil || sum.Capacity.Level != 1 || sum.Capacity.LowerBound {
		t.Fatalf("capacity = %+v; want level 1, not a lower bound", sum.Capacity)
	}
	if got, want := sum.Capacity.OutputTokensPerS, sum.Levels[0].OutputTokensPerS; got != want {
		t.Errorf("capacity throughput = %v; want level 1's %v", got, want)
	}
	if ok, why := MeetsSLO(&sum.Levels[2], SLO{TTFT: 100 * time.Millisecond}); ok || len(why) != 1 {
		t.Errorf("MeetsSLO(level 4) = %v, %v; want false with one reason", ok, why)
	}
	if NewSummarizer(SLO{}).Close().Capacity != nil {
		t.Error("capacity without SLO should be nil")
	}
}

// TestServerTTFT: the server's TTFT when given, else queue + load + prompt;
// and the per-request client − server difference.
func TestServerTTFT(t *testing.T) {
	s := NewSummarizer(SLO{})
	a := rec(0, 1, 1000, [][2]int64{{1050, 1}, {1060, 1}}, 2, 1)
	a.Server = &rundir.ServerTiming{TTFT: 30 * time.Millisecond, Queue: time.Second}
	b := rec(1, 1, 1000, [][2]int64{{1050, 1}, {1060, 1}}, 2, 1)
	b.Server = &rundir.ServerTiming{Queue: 5 * time.Millisecond, Prompt: 15 * time.Millisecond, Decode: time.Second}
	s.Add(a)
	s.Add(b)
	s.Add(rec(2, 1, 1000, [][2]int64{{1050, 1}, {1060, 1}}, 2, 1)) // reports nothing
	l := s.Close().Levels[0]
	if d := l.ServerTTFTMS; d.N != 2 || d.Min != 20 || d.Max != 30 {
		t.Errorf("server TTFT = %+v; want 20 and 30 ms", d)
	}
	// Client TTFT is 50 ms for each: 50 − 30 and 50 − 20, per request.
	if d := l.TTFTOverheadMS; d.N != 2 || d.Min != 20 || d.Max != 30 || d.Mean != 25 {
		t.Errorf("TTFT beyond server timing = %+v; want 20 and 30 ms", d)
	}
}

// TestLengths: requested vs produced lengths, and the share cut short.
func TestLengths(t *testing.T) {
	s := NewSummarizer(SLO{})
	for i, out := range []int{4, 4, 2, 4} { // one request stopped at 2 of 4
		r := rec(uint64(i), 1, int64(i)*100, [][2]int64{{int64(i)*100 + 10, 1}, {int64(i)*100 + 20, 1}}, out, 100+i)
		r.RequestedInputTokens, r.RequestedOutputTokens = 100, 4
		s.Add(r)
	}
	ln := s.Close().Levels[0].Lengths
	// input 100,101,102,103 → 101.5; output (4+4+2+4)/4 = 3.5; 1 of 4 short.
	if ln == nil || ln.RequestedInputMean != 100 || ln.InputMean != 101.5 || ln.RequestedOutputMean != 4 || ln.OutputMean != 3.5 || ln.ShortOutputShare != 0.25 {
		t.Errorf("lengths = %+v", ln)
	}
	if ln.LongOutputShare != 0 {
		t.Errorf("long share %v with none over the cap", ln.LongOutputShare)
	}
}

// TestLongOutputs: a server that ignores the output cap is caught by its
// own count or by counted token events, never by an estimate (which may
// overshoot on its own), and the summary table warns.
func TestLongOutputs(t *testing.T) {
	s := NewSummarizer(SLO{})
	for i, c := range []struct {
		out int
		src rundir.TokenSource
	}{{4, rundir.SourceServer}, {9, rundir.SourceServer}, {7, rundir.SourceCounted}, {6, rundir.SourceEstimated}} {
		r := rec(uint64(i), 1, int64(i)*100, [][2]int64{{int64(i)*100 + 10, 1}, {int64(i)*100 + 20, 1}}, c.out, 10)
		r.RequestedInputTokens, r.RequestedOutputTokens = 10, 4
		r.OutputTokensSource = c.src
		s.Add(r)
	}
	sum := s.Close()
	if ln := sum.Levels[0].Lengths; ln == nil || ln.LongOutputShare != 0.5 || ln.ShortOutputShare != 0 {
		t.Fatalf("lengths = %+v; want 2 of 4 long (server 9, counted 7), none short", ln)
	}
	if tab := tableText(t, sum); !strings.Contains(tab, "WARNING: 2 of 4 requests (any outcome) produced more tokens than requested") {
		t.Errorf("table has no warning:\n%s", tab)
	}
}

// TestPastMaxTokensAnyOutcome (issue 20 item 22): a stream that ran past
// its max tokens and then timed out is counted and warned about, as a
// successful one is; a timeout within its cap, a retried attempt and an
// estimate are not.
func TestPastMaxTokensAnyOutcome(t *testing.T) {
	s := NewSummarizer(SLO{})
	fail := func(id uint64, out int, src rundir.TokenSource, retried bool) *rundir.Record {
		return &rundir.Record{ID: id, Stage: rundir.StageMeasure, Level: 1, SentNS: int64(id) * 1000 * ms, DoneNS: (int64(id)*1000 + 900) * ms,
			ErrorClass: rundir.Timeout, RequestedOutputTokens: 8, OutputTokens: out, OutputTokensSource: src, Retried: retried}
	}
	s.Add(fail(0, 40, rundir.SourceCounted, false))   // ran past, then timed out: counted
	s.Add(fail(1, 5, rundir.SourceCounted, false))    // within its cap: not
	s.Add(fail(2, 40, rundir.SourceEstimated, false)) // an estimate: never
	s.Add(fail(3, 40, rundir.SourceCounted, true))    // a retried attempt: not a request
	ok := rec(4, 1, 4000, [][2]int64{{4010, 1}, {4020, 11}}, 12, 10)
	ok.RequestedOutputTokens = 8
	s.Add(ok) // succeeded past its cap: counted
	sum := s.Close()
	l := sum.Levels[0]
	if l.PastMaxTokens != 2 || l.Requests.Total != 4 {
		t.Fatalf("past max tokens %d of %d; want 2 of 4", l.PastMaxTokens, l.Requests.Total)
	}
	if tab := tableText(t, sum); !strings.Contains(tab, "WARNING: 2 of 4 requests (any outcome) produced more tokens than requested") {
		t.Errorf("table has no warning:\n%s", tab)
	}
}

// TestRetriedRequestWindow: a request rate-limited once (429 at 0–100 ms)
// and served on its retry (10–11 s) gives one summary whatever the order
// of its two lines: the window runs from the first attempt's send to the
// retry's done (11 s), the send lag is the first attempt's (the retry waits
// out its backoff by design), and the request held its worker from its
// schedule to its done (in flight 1.0 over the window), so a rate-limited
// closed loop is not taken for a client-bound one.
func TestRetriedRequestWindow(t *testing.T) {
	first := &rundir.Record{ID: 1, Stage: rundir.StageMeasure, Level: 1, ScheduledNS: 0, SentNS: 1 * ms, DoneNS: 100 * ms,
		Status: 429, ErrorClass: rundir.RateLimited, Retried: true, Chunks: [][2]int64{}}
	retry := rec(1, 1, 10_000, [][2]int64{{10_500, 1}, {11_000, 99}}, 100, 10)
	retry.ScheduledNS, retry.Attempt = 0, 1
	var sums []*Summary
	for _, order := range [][]*rundir.Record{{first, retry}, {retry, first}} {
		s := NewSummarizer(SLO{})
		for _, r := range order {
			s.Add(r)
		}
		sums = append(sums, s.Close())
	}
	for i, sum := range sums {
		l := sum.Levels[0]
		// From the first attempt's send (1 ms) to the retry's done (its
		// end, 11,000 ms, + 1 ms).
		if l.WindowS != 11 || l.Requests.Total != 1 || l.Retried[rundir.RateLimited] != 1 {
			t.Errorf("order %d: window %v s, %d requests, retried %v; want 11 s, 1, 1", i, l.WindowS, l.Requests.Total, l.Retried)
		}
		// Busy from the schedule (0) to done (11,001 ms).
		if !near(l.OutputTokensPerS, 100.0/11) || !near(l.MeanInFlight, 11.001/11) {
			t.Errorf("order %d: %v tok/s, in flight %v; want 100/11, 11.001/11", i, l.OutputTokensPerS, l.MeanInFlight)
		}
		if l.SendLagMS.N != 1 || l.SendLagMS.Max != 1 {
			t.Errorf("order %d: send lag %+v; want the first attempt's 1 ms only", i, l.SendLagMS)
		}
		if l.StartNS != 1*ms || l.EndNS != 11_001*ms {
			t.Errorf("order %d: start %d end %d", i, l.StartNS, l.EndNS)
		}
	}
	// The closed-loop check sees a worker busy throughout.
	if c := SummarizeClient(nil, &sums[0].Levels[0], sums[0].Levels[0].Level); c.Bound {
		t.Errorf("a rate-limited request flagged the client: %q", c.Reasons)
	}
}

// TestTPOTSLOWithoutTPOT: when no request produced two tokens TPOT and ITL
// are undefined; their objectives neither fail the level nor its requests.
func TestTPOTSLOWithoutTPOT(t *testing.T) {
	slo := SLO{TPOT: 50 * time.Millisecond, ITL: 50 * time.Millisecond}
	s := NewSummarizer(slo)
	for i := range 10 {
		s.Add(rec(uint64(i), 1, int64(i)*100, [][2]int64{{int64(i)*100 + 20, 1}}, 1, 10))
	}
	sum := s.Close()
	l := sum.Levels[0]
	if ok, why := MeetsSLO(&l, slo); !ok || sum.Capacity == nil || l.GoodputRPS != l.RequestsPerS {
		t.Errorf("met %v %q, capacity %v, goodput %v of %v req/s", ok, why, sum.Capacity, l.GoodputRPS, l.RequestsPerS)
	}
	// With every request failed, the level fails on errors and says there
	// was nothing to judge, even with a budget that allows every failure.
	bad := Level{Requests: Requests{Total: 4, Failed: 4}}
	if ok, why := MeetsSLO(&bad, slo); ok || len(why) != 2 || why[1] != "no successful request to judge the latencies by" {
		t.Errorf("all failed: met %v %q; want error rate and nothing to judge", ok, why)
	}
	all := 1.0
	slo.MaxErrorRate = &all
	if ok, why := MeetsSLO(&bad, slo); ok || len(why) != 1 {
		t.Errorf("all failed within budget: met %v %q", ok, why)
	}
}

// TestErrorBudget: an unset budget allows 1 % failed; a zero one none.
func TestErrorBudget(t *testing.T) {
	l := Level{Requests: Requests{Total: 1000, OK: 999, Failed: 1}, TTFTMS: Dist{N: 999, P95: 10}}
	zero := 0.0
	for _, c := range []struct {
		budget *float64
		met    bool
	}{{nil, true}, {&zero, false}} {
		slo := SLO{TTFT: time.Second, MaxErrorRate: c.budget}
		if ok, why := MeetsSLO(&l, slo); ok != c.met {
			t.Errorf("budget %v: met %v %q; want %v", c.budget, ok, why, c.met)
		}
	}
}

// TestAchievedRateFirstAttempts: the achieved rate is that of new
// requests: request 1 first sent at 1 ms (429, retried at 10 s), request 2
// at 1,001 ms: 1 interval of 1 s, 1 req/s — not the retry's 10 s.
func TestAchievedRateFirstAttempts(t *testing.T) {
	first := &rundir.Record{ID: 1, Stage: rundir.StageMeasure, Level: 2, ScheduledNS: 0, SentNS: 1 * ms, DoneNS: 100 * ms,
		Status: 429, ErrorClass: rundir.RateLimited, Retried: true, Chunks: [][2]int64{}}
	retry := rec(1, 2, 10_000, [][2]int64{{10_500, 1}}, 1, 10)
	retry.ScheduledNS, retry.Attempt = 0, 1
	second := rec(2, 2, 1_001, [][2]int64{{1_500, 1}}, 1, 10)
	s := NewSummarizer(SLO{})
	for _, r := range []*rundir.Record{first, second, retry} {
		s.Add(r)
	}
	if l := s.Close().Levels[0]; !near(l.AchievedRatePerS, 1) || l.Requests.Total != 2 {
		t.Errorf("achieved %v req/s over %d requests; want 1 over 2", l.AchievedRatePerS, l.Requests.Total)
	}
}

// TestHistQuantile: the bucket holding rank ⌈q·n⌉, hand-counted.
func TestHistQuantile(t *testing.T) {
	h := [][2]int64{{1000, 98}, {2000, 1}, {8000, 1}}
	for _, c := range []struct {
		q    float64
		want float64
	}{{0.5, 1000}, {0.98, 1000}, {0.99, 2000}, {0.995, 8000}, {1, 8000}} {
		if got := HistQuantile(h, c.q); got != c.want {
			t.Errorf("q %v = %v, want %v", c.q, got, c.want)
		}
	}
	if got := HistQuantile(nil, 0.99); got != 0 {
		t.Errorf("empty = %v", got)
	}
}

// TestDerivedDefinitions: the rate definitions on hand-computed examples.
func TestDerivedDefinitions(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"1,000 tokens over 2 s", PerSecond(1000, 2e9), 500},
		{"empty window", PerSecond(1000, 0), 0},
		{"11 sends over 5 s", AchievedRate(11, 1e9, 6e9), 2},
		{"one send", AchievedRate(1, 1e9, 1e9), 0},
		{"4 × 500 ms busy over 1 s", MeanInFlight(2000, 1e9), 2},
		{"9,000 tokens on 300 J", TokensPerJoule(9000, 300), 30},
		{"no energy", TokensPerJoule(9000, 0), 0},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v; want %v", c.name, c.got, c.want)
		}
	}
}

// TestTableUnfinishedRun: a run killed before it finished run.json (exit
// state running, records 0) is shown as not finished, with the records the
// file holds, not as "running, 0 records" above a table of them.
func TestTableUnfinishedRun(t *testing.T) {
	s := NewSummarizer(SLO{})
	for i := range 92 {
		s.Add(&rundir.Record{ID: uint64(i), Stage: rundir.StageMeasure, Level: 4, SentNS: int64(i) * 1e6, FirstTokenNS: int64(i)*1e6 + 5e5,
			EndNS: int64(i)*1e6 + 9e5, DoneNS: int64(i)*1e6 + 9e5, OK: true, OutputTokens: 2, Chunks: [][2]int64{{int64(i)*1e6 + 5e5, 1}, {int64(i)*1e6 + 9e5, 1}}})
	}
	var b strings.Builder
	if err := WriteTable(&b, s.Close(), &rundir.Manifest{ExitState: rundir.ExitRunning}); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, "did not finish") || !strings.Contains(out, "92 records found") || strings.Contains(out, "running, 0 records") {
		t.Errorf("table:\n%s\nwant it to say the run did not finish, with the 92 records found", out)
	}
}

// tableText is WriteTable's text for sum without a run.json.
func tableText(t *testing.T, sum *Summary) string {
	t.Helper()
	var b strings.Builder
	if err := WriteTable(&b, sum, nil); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestTableSaysSimulated: a run against the mock (or with its telemetry)
// opens its table with the SIMULATED line, which names no GPU (none may
// have been named); a real run's table has none.
func TestTableSaysSimulated(t *testing.T) {
	for _, c := range []struct {
		m    rundir.Manifest
		want bool
	}{
		{rundir.Manifest{Target: rundir.TargetInfo{Kind: "mock"}}, true},
		{rundir.Manifest{Target: rundir.TargetInfo{Kind: "vllm"}, Simulated: true}, true},
		{rundir.Manifest{Target: rundir.TargetInfo{Kind: "vllm"}}, false},
	} {
		var b strings.Builder
		if err := WriteTable(&b, &Summary{}, &c.m); err != nil {
			t.Fatal(err)
		}
		line := "SIMULATED: the target or the GPU telemetry is inferbench's mock; no number here measures a real GPU\n"
		if got := strings.HasPrefix(b.String(), line); got != c.want || !c.want && strings.Contains(b.String(), "SIMULATED") {
			t.Errorf("%+v: table\n%s", c.m.Target, b.String())
		}
	}
}

// TestReadSummarySaysWhereAndTheWayOut: a summary.json that does not
// decode is named at its line and column, in words (not Go's "Go struct
// field Summary.levels of type []report.Level"), with the command that
// writes it again.
func TestReadSummarySaysWhereAndTheWayOut(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "summary.json")
	if err := os.WriteFile(path, []byte("{\n  \"levels\": \"x\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadSummary(path)
	want := path + ":2:15: levels: a JSON string where a list belongs (inferbench report " + dir + " computes it again from the run's records)"
	if err == nil || err.Error() != want {
		t.Errorf("ReadSummary = %v;\nwant %s", err, want)
	}
}
