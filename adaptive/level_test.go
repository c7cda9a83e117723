package adaptive

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
)

// okAt is a successful completion done at done with the given TTFT and E2E
// (ms) and tokens, sent E2E before done.
func okAt(done time.Duration, ttft, e2e float64, tokens int) Completion {
	m := report.RequestMetrics{TTFT: ttft, E2E: e2e}
	if tokens > 1 {
		m.TPOT, m.HasTPOT = (e2e-ttft)/float64(tokens-1), true
	}
	sent := done - time.Duration(e2e*float64(time.Millisecond))
	return Completion{OK: true, Metrics: m, OutputTokens: tokens, Sent: sent, Done: done}
}

// run feeds the level one completion from next(i) at a time (i from 1,
// id i − 1) until it stops, and returns the decision.
func run(t *testing.T, l *Level, next func(i int) Completion) Decision {
	t.Helper()
	for i := 1; i < 1e6; i++ {
		c := next(i)
		c.ID = uint64(i - 1)
		if l.Add(c) {
			if d := l.Check(); d.Stop {
				return d
			}
		}
	}
	t.Fatal("the level never stopped")
	return Decision{}
}

// TestPlanLooks: from 50 every 10 until n/20 exceeds 10 (at 200), then
// every ⌈n/20⌉: 210, 221 (+⌈10.5⌉), 233 (+⌈11.05⌉), 245, 258, 271, 285, and
// the maximum, 300.
func TestPlanLooks(t *testing.T) {
	p := mustPlan(t, Options{Precision: 0.05, MinRequests: 50, MaxRequests: 300})
	var want []int
	for n := 50; n <= 200; n += 10 {
		want = append(want, n)
	}
	want = append(want, 210, 221, 233, 245, 258, 271, 285, 300)
	if got := p.Looks(); !slices.Equal(got, want) {
		t.Errorf("looks %v; want %v", got, want)
	}
	// 24 looks: the boundary lies between the unadjusted 1.96 and
	// Bonferroni's z(1 − 0.025/24) = 3.08, and the per-look level is 2Φ(−c).
	if c := p.Boundary(); !(c > 2.5 && c < 2.9) {
		t.Errorf("boundary %g for 24 looks; want about 2.7", c)
	}
	if a := p.LookLevel(); math.Abs(a-2*normCDF(-p.Boundary())) > 1e-15 {
		t.Errorf("look level %g; want 2Φ(−c)", a)
	}
}

// TestBoundaryFamilyWise checks the boundary for the default schedule (50
// to 1,000, 49 looks) by simulating the Brownian motion it is computed for:
// 20,000 Gaussian walks observed at the looks leave ±c at some look about 5
// % of the time (Monte-Carlo se 0.15 %; allowed ±0.6 %).
func TestBoundaryFamilyWise(t *testing.T) {
	p := mustPlan(t, Options{Precision: 0.05})
	r := rand.New(rand.NewPCG(5, 6))
	const reps = 20000
	exits := 0
	for range reps {
		w, prev := 0.0, 0.0
		for _, n := range p.looks {
			w += math.Sqrt(float64(n)-prev) * r.NormFloat64()
			prev = float64(n)
			if math.Abs(w)/math.Sqrt(prev) >= p.c {
				exits++
				break
			}
		}
	}
	if got := float64(exits) / reps; math.Abs(got-0.05) > 0.006 {
		t.Errorf("walks leaving ±%.3f: %.4f; want 0.05", p.c, got)
	}
}

// TestNewPlanErrors: bad options are refused, all at once.
func TestNewPlanErrors(t *testing.T) {
	_, err := NewPlan(Options{Precision: 0, MinRequests: 100, MaxRequests: 10, Confidence: 1.5})
	if err == nil {
		t.Fatal("bad options accepted")
	}
	for _, want := range []string{"precision", "confidence", "min requests"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

// TestJudgedPercentile: the level judges where report.MeetsSLO does.
func TestJudgedPercentile(t *testing.T) {
	for in, want := range map[float64]float64{0: 95, 50: 50, 90: 90, 95: 95, 97: 99, 99.5: 99.9} {
		if got := judgedPercentile(report.SLO{Percentile: in}); got != want {
			t.Errorf("percentile %g judged at %g; want %g", in, got, want)
		}
	}
}

// TestCertainFail: every TTFT is 2 s against TTFT p95 ≤ 1 s; at the first
// look (50 requests) the p95's lower bound is already 2 s: stop, certain
// fail.
func TestCertainFail(t *testing.T) {
	p := mustPlan(t, Options{SLO: report.SLO{TTFT: time.Second}, Precision: 0.05})
	d := run(t, p.NewLevel(8, 0, 0, nil), func(i int) Completion {
		return okAt(time.Duration(i)*10*time.Millisecond, 2000, 2500, 100)
	})
	if d.Reason != StopCertain || d.Verdict != Fail || !d.Certain || d.N != 50 || d.Look != 1 {
		t.Fatalf("decision %+v; want a certain fail at the first look, 50 requests", d)
	}
	if len(d.Why) != 1 || !strings.Contains(d.Why[0], "TTFT p95 2000.0 ms") {
		t.Errorf("why %q", d.Why)
	}
}

// TestCertainPass: TTFTs of 100–200 ms against 1 s. The p95 has an upper
// bound once P(all n values below it) = 0.95ⁿ ≤ a/2, with a = 2Φ(−2.780)
// = 0.00543 for the default schedule: 0.95¹¹⁰ = 0.0035 is not, 0.95¹²⁰ =
// 0.0021 is, so the level stops at the look at 120.
func TestCertainPass(t *testing.T) {
	p := mustPlan(t, Options{SLO: report.SLO{TTFT: time.Second}, Precision: 0.01})
	r := rand.New(rand.NewPCG(1, 1))
	d := run(t, p.NewLevel(1, 0, 0, nil), func(i int) Completion {
		x := 100 + 100*r.Float64()
		return okAt(time.Duration(i)*10*time.Millisecond, x, x+50, 100)
	})
	if d.Reason != StopCertain || d.Verdict != Pass || !d.Certain || d.N != 120 {
		t.Fatalf("decision %+v; want a certain pass at 120 requests", d)
	}
	if e := d.Latency[0]; !(e.Hi < 200) || e.Limit != 1000 {
		t.Errorf("TTFT estimate %v (limit %g); want bounded under 200 ms, limit 1000", e, e.Limit)
	}
}

// TestPrecise: an open loop at 125 req/s whose E2Es are uniform on 95–105
// ms, judged at p95 ≤ 104.5 ms (the true p95: never certain), every request
// 100 tokens (throughput 125 × 100 = 12,500 tok/s, its interval reaching
// down only as far as one completion over the buckets' span allows: see
// TestThroughputEstimators). The p95 interval is bounded from 120 requests (as in TestCertainPass) and then
// far narrower than 5 %: stop as precise there.
func TestPrecise(t *testing.T) {
	p := mustPlan(t, Options{SLO: report.SLO{E2E: 104500 * time.Microsecond}, Precision: 0.05, OpenLoop: true})
	r := rand.New(rand.NewPCG(2, 2))
	d := run(t, p.NewLevel(125, 0, 0, nil), func(i int) Completion {
		x := 95 + 10*r.Float64()
		return okAt(time.Duration(i)*8*time.Millisecond, 10, x, 100)
	})
	if d.Reason != StopPrecise || d.Certain || d.N != 120 {
		t.Fatalf("decision %+v; want a precise stop at 120", d)
	}
	if r := d.Latency[0].Reach(); !(r < 0.05) {
		t.Errorf("E2E reach %g", r)
	}
	if tp := d.Throughput; math.Abs(tp.Value-12500) > 1e-6 || tp.Hi != tp.Value || !(tp.Lo < tp.Value) || tp.Reach() > 0.01 {
		t.Errorf("throughput %v; want 12,500 tok/s, [under it, 12,500], within 1 %%", tp)
	}
}

// TestThroughputEstimators pins both estimators on constructed levels: a
// closed loop of 4 workers whose requests take 2 s for 100 tokens (4 × 100
// / 2 = 200 tok/s), exact with zero width; an open loop at 5 req/s of
// 100-token requests served every 0.2 s (500 tok/s), exact, its interval
// [under 500, 500]: the target is the most a long run can serve, and that
// the server keeps up is known only to one completion over the span the
// served rate is counted on (about 1 in 50 here: a half-width of 1 %); and
// an open loop served at half its target, estimated at the served rate (2.5
// × 100 = 250 tok/s), which is counted per time bucket: a completion every
// 0.4 s falls 2 or 3 to a bucket, so the estimate is within a bucket's
// count of 250 and its interval holds it.
func TestThroughputEstimators(t *testing.T) {
	closed := mustPlan(t, Options{Precision: 0.05})
	l := closed.NewLevel(4, 0, 0, nil)
	for i := 1; i <= 400; i++ {
		c := okAt(time.Duration(i)*500*time.Millisecond, 100, 2000, 100)
		c.ID = uint64(i - 1)
		l.Add(c)
	}
	if tp := l.Finish().Throughput; math.Abs(tp.Value-200) > 1e-9 || tp.Reach() > 1e-12 {
		t.Errorf("closed loop: %v; want 200 tok/s exactly", tp)
	}
	open := mustPlan(t, Options{Precision: 0.05, OpenLoop: true})
	for _, c := range []struct {
		target, every, want float64
	}{{5, 0.2, 500}, {5, 0.4, 250}} {
		l := open.NewLevel(c.target, 0, 0, nil)
		for i := 1; i <= 400; i++ {
			cm := okAt(time.Duration(float64(i)*c.every*float64(time.Second)), 100, 1000, 100)
			cm.ID = uint64(i - 1)
			l.Add(cm)
		}
		tp := l.Finish().Throughput
		exact := c.every == 0.2
		if exact && (math.Abs(tp.Value-c.want) > 1e-9 || tp.Hi != tp.Value || !(tp.Lo < tp.Value) || tp.Reach() > 0.025) ||
			!exact && (math.Abs(tp.Value/c.want-1) > 0.01 || !(tp.Lo <= c.want && c.want <= tp.Hi)) {
			t.Errorf("open loop at %g req/s served every %g s: %v; want %g tok/s", c.target, c.every, tp, c.want)
		}
	}
}

// TestMaxRequests: a wide distribution straddling its threshold is neither
// precise nor certain by 200: stop at the maximum, verdict uncertain.
func TestMaxRequests(t *testing.T) {
	p := mustPlan(t, Options{SLO: report.SLO{TTFT: time.Second}, Precision: 0.01, MaxRequests: 200})
	d := lognormalDist(1)
	r := rand.New(rand.NewPCG(3, 3))
	dec := run(t, p.NewLevel(1, 0, 0, nil), func(i int) Completion {
		x := d.draw(r)
		return okAt(time.Duration(i)*10*time.Millisecond, x, x, 100)
	})
	if dec.Reason != StopMaxRequests || dec.N != 200 || dec.Certain {
		t.Fatalf("decision %+v; want the maximum, 200, uncertain", dec)
	}
}

// TestMinDuration: a certain fail from the first look must wait for 2 s:
// one completion every 10 ms reaches 2 s at the 200th, a look.
func TestMinDuration(t *testing.T) {
	p := mustPlan(t, Options{SLO: report.SLO{TTFT: time.Second}, Precision: 0.05, MinDuration: 2 * time.Second})
	d := run(t, p.NewLevel(1, 0, 0, nil), func(i int) Completion {
		return okAt(time.Duration(i)*10*time.Millisecond, 2000, 2000, 100)
	})
	if d.Reason != StopCertain || d.N != 200 || d.Elapsed != 2*time.Second {
		t.Fatalf("decision %+v; want a certain stop at 2 s, 200 requests", d)
	}
}

// TestMaxDuration: one completion every 7 ms reaches 1 s at the 143rd,
// between the looks at 140 and 150: Add calls for a look there, and the
// level stops on its duration.
func TestMaxDuration(t *testing.T) {
	p := mustPlan(t, Options{SLO: report.SLO{TTFT: time.Second}, Precision: 0.001, MaxDuration: time.Second})
	d := lognormalDist(1)
	r := rand.New(rand.NewPCG(4, 4))
	dec := run(t, p.NewLevel(1, 0, 0, nil), func(i int) Completion {
		x := d.draw(r)
		return okAt(time.Duration(i)*7*time.Millisecond, x, x, 100)
	})
	if dec.Reason != StopMaxDuration || dec.N != 143 {
		t.Fatalf("decision %+v; want the duration limit at 143", dec)
	}
}

// TestErrorBudget: with no failure allowed, one failure settles the level;
// with 1 % allowed, 20 % failures settle it at the first look (the
// Clopper–Pearson lower bound of 10/50 is far above 1 %); with 1 % allowed
// and one failure in 50 (2 %), the level fails on the point estimate but is
// not settled.
func TestErrorBudget(t *testing.T) {
	zero := 0.0
	for _, c := range []struct {
		budget  *float64
		failAt  func(i int) bool
		certain bool
	}{
		{&zero, func(i int) bool { return i == 7 }, true},
		{nil, func(i int) bool { return i%5 == 0 }, true},
		{nil, func(i int) bool { return i == 7 }, false},
	} {
		p := mustPlan(t, Options{SLO: report.SLO{TTFT: time.Second, MaxErrorRate: c.budget}, Precision: 0.05})
		l := p.NewLevel(1, 0, 0, nil)
		var d Decision
		for i := 1; i <= 50; i++ {
			cm := okAt(time.Duration(i)*10*time.Millisecond, 100, 100, 10)
			cm.OK, cm.ID = !c.failAt(i), uint64(i-1)
			if l.Add(cm) {
				d = l.Check()
			}
		}
		if d.Verdict != Fail || d.Certain != c.certain || d.Stop != c.certain {
			t.Errorf("budget %v: decision %+v; want fail, certain %v", c.budget, d, c.certain)
		}
	}
}

// TestClopperPearson against the textbook 95 % intervals: 0/10 → [0,
// 0.3085] (1 − 0.025^{1/10}), 3/10 → [0.0667, 0.6525], 10/10 → [0.6915, 1].
func TestClopperPearson(t *testing.T) {
	for _, c := range []struct {
		n, x   int
		lo, hi float64
	}{{10, 0, 0, 0.3085}, {10, 3, 0.0667, 0.6525}, {10, 10, 0.6915, 1}} {
		e := errorRate(c.n, c.x, 0.025, 0.01)
		if math.Abs(e.Lo-c.lo) > 5e-5 || math.Abs(e.Hi-c.hi) > 5e-5 {
			t.Errorf("%d/%d: [%.4f, %.4f]; want [%.4f, %.4f]", c.x, c.n, e.Lo, e.Hi, c.lo, c.hi)
		}
	}
}

// TestCheckBetweenLooks: calling Check when no look is due changes
// nothing, so a runner cannot add looks the boundary did not price.
func TestCheckBetweenLooks(t *testing.T) {
	p := mustPlan(t, Options{SLO: report.SLO{TTFT: time.Second}, Precision: 0.05})
	l := p.NewLevel(1, 0, 0, nil)
	for i := 1; i <= 55; i++ {
		c := okAt(time.Duration(i)*10*time.Millisecond, 500, 500, 10)
		c.ID = uint64(i - 1)
		l.Add(c)
		l.Check()
	}
	if d := l.Decision(); d.Look != 1 || d.N != 50 {
		t.Errorf("after 55 completions and 55 checks: look %d at %d; want look 1 at 50", d.Look, d.N)
	}
}

// TestFinish: the runner ends a level between looks; the decision is taken
// at the count reached, and later completions are ignored.
func TestFinish(t *testing.T) {
	p := mustPlan(t, Options{SLO: report.SLO{TTFT: time.Second}, Precision: 0.05})
	l := p.NewLevel(1, 0, 0, nil)
	for i := 1; i <= 37; i++ {
		c := okAt(time.Duration(i)*10*time.Millisecond, 500, 500, 10)
		c.ID = uint64(i - 1)
		l.Add(c)
	}
	d := l.Finish()
	if !d.Stop || d.Reason != StopEnded || d.N != 37 || d.Verdict != Pass {
		t.Fatalf("finish: %+v", d)
	}
	if l.Add(okAt(time.Second, 5000, 5000, 10)) || l.Finish().N != 37 || l.Check().N != 37 {
		t.Error("a completion after the stop was counted")
	}
}

// TestPointVerdict: the point estimate is report's type-7 percentile of the
// same values and decides the verdict as report.MeetsSLO would, whatever
// the interval says.
func TestPointVerdict(t *testing.T) {
	p := mustPlan(t, Options{SLO: report.SLO{TTFT: time.Second}, Precision: 0.001, MaxRequests: 100})
	r := rand.New(rand.NewPCG(7, 7))
	var xs []float64
	d := run(t, p.NewLevel(1, 0, 0, nil), func(i int) Completion {
		x := 900 + 110*r.Float64() // p95 about 1,004.5 ms: a narrow fail
		xs = append(xs, x)
		return okAt(time.Duration(i)*10*time.Millisecond, x, x, 10)
	})
	slices.Sort(xs)
	if e := d.Latency[0]; e.Value != report.Quantile7(xs, 95) || d.Verdict != Fail || d.Certain {
		t.Errorf("p95 %v, verdict %v certain %v; want report's %g, an uncertain fail", e, d.Verdict, d.Certain, report.Quantile7(xs, 95))
	}
}

// TestITLNotCertain: with an ITL objective the level cannot settle a pass
// (it does not see inter-token latencies), and with a TPOT objective and
// only one-token outputs TPOT is not judged (as in report) and cannot be
// settled either.
func TestITLNotCertain(t *testing.T) {
	for _, c := range []struct {
		slo    report.SLO
		tokens int
	}{
		{report.SLO{TTFT: time.Second, ITL: 50 * time.Millisecond}, 10},
		{report.SLO{TTFT: time.Second, TPOT: 50 * time.Millisecond}, 1},
	} {
		p := mustPlan(t, Options{SLO: c.slo, Precision: 0.0001, MaxRequests: 300})
		r := rand.New(rand.NewPCG(8, 8))
		d := run(t, p.NewLevel(1, 0, 0, nil), func(i int) Completion {
			x := 100 + 100*r.Float64()
			return okAt(time.Duration(i)*10*time.Millisecond, x, x+50, c.tokens)
		})
		if d.Verdict != Pass || d.Certain || d.Reason != StopMaxRequests || len(d.Latency) != 1 {
			t.Errorf("%+v: decision %+v; want an uncertain pass at the maximum, TTFT judged alone", c.slo, d)
		}
	}
}

// TestNoSLO: without objectives a level is unjudged and stops when its
// throughput is precise.
func TestNoSLO(t *testing.T) {
	p := mustPlan(t, Options{Precision: 0.05})
	d := run(t, p.NewLevel(1, 0, 0, nil), func(i int) Completion {
		return okAt(time.Duration(i)*8*time.Millisecond, 10, 20, 100)
	})
	if d.Verdict != Unjudged || d.Reason != StopPrecise || d.N != 50 {
		t.Errorf("decision %+v; want unjudged, precise at 50", d)
	}
}

// TestEstimateStringHasUnits: the stop line a level prints ("stopped
// (verdict certain) …; TTFT p95 1474 ms [1373, 1576]") gives a latency's
// unit and an unbounded end as "…", as the run's adaptive table writes the
// same interval; it read "TTFT p95 1474 [1373, 1576]" and "[1088, +Inf]".
func TestEstimateStringHasUnits(t *testing.T) {
	for _, c := range []struct {
		e    Estimate
		want string
	}{
		{Estimate{Name: "TTFT p95", Value: 1474, Lo: 1373, Hi: 1576}, "TTFT p95 1474 ms [1373, 1576]"},
		{Estimate{Name: "TTFT p95", Value: 1182, Lo: 1088, Hi: math.Inf(1)}, "TTFT p95 1182 ms [1088, …]"},
		{Estimate{Name: "output tokens/s", Value: 1889, Lo: 1592, Hi: 2186}, "output tokens/s 1889 [1592, 2186]"},
	} {
		if got := c.e.String(); got != c.want {
			t.Errorf("String() = %q; want %q", got, c.want)
		}
	}
}
