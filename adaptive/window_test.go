package adaptive

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// This file measures what an open-loop level's output tokens/s interval
// covers, on the runner's own schedules (loadgen.Arrivals, normalized over
// the level's backstop of 2·MaxRequests as session asks for) sent to the
// fixed-timing mock (every request served at once: token k at send + ttft +
// k·itl, so the long-run rate is exactly rate × mean tokens), and what
// report makes of the same requests (report.SteadyAcc, its steady-state
// rate): the two numbers a user reads side by side.

// mockTTFT and mockITL are the fixed-timing mock's defaults.
const (
	mockTTFT = 50 * time.Millisecond
	mockITL  = 10 * time.Millisecond
)

// windowCase is one open-loop level: its arrival process and its output
// lengths (draw, with their mean).
type windowCase struct {
	name   string
	kind   loadgen.Arrival
	shape  float64
	rate   float64
	tokens func(r *rand.Rand) int
	mean   float64
	// slots > 0 serves the requests on that many FIFO slots (a server with
	// a capacity) instead of all at once.
	slots int
	// capped holds each request back at the client until a slot is free
	// (run --max-concurrency at the slots): the wait is send lag, not TTFT,
	// and no more than slots are ever in flight.
	capped bool
}

func fixedTokens(int) func(*rand.Rand) int { return func(*rand.Rand) int { return 64 } }

// uniformTokens draws uniform [64, 192] (mean 128), as service does.
func uniformTokens(r *rand.Rand) int { return 64 + r.IntN(129) }

// windowResult is one level run to its stop: adaptive's decision and
// report's steady-state output tokens/s over the requests the level sent.
type windowResult struct {
	dec    Decision
	report float64
}

// windowLevel runs one level of c on the fixed-timing mock, seeded by
// seed, until adaptive stops it; the runner then sends nothing more and the
// requests in flight complete, as session's drain does; report reads them
// all.
func windowLevel(p *Plan, c windowCase, seed uint64) windowResult {
	arr, err := loadgen.NewArrivals(c.kind, c.rate, c.shape, 0, seed)
	if err != nil {
		panic(err)
	}
	sched := arr.Schedule(2*p.o.MaxRequests, 0)
	r := rand.New(rand.NewPCG(seed, 41))
	reqs := make([]request, len(sched))
	free := make([]time.Duration, c.slots)
	for i, due := range sched {
		n := c.tokens(r)
		start := due
		if c.slots > 0 {
			j := slices.Index(free, slices.Min(free))
			start = max(due, free[j])
			free[j] = start + mockTTFT + time.Duration(n-1)*mockITL
		}
		first, sent := start+mockTTFT, due
		if c.capped {
			sent = start
		}
		reqs[i] = request{id: uint64(i), sched: due, sent: sent, first: first, done: first + time.Duration(n-1)*mockITL, tokens: n}
	}
	cs := completions(slices.Clone(reqs))
	l := p.NewLevel(c.rate, 0, sched[0], nil)
	stop := time.Duration(-1)
	for _, x := range cs {
		if l.Add(x) {
			if d := l.Check(); d.Stop {
				stop = x.Done
				break
			}
		}
	}
	dec := l.Decision()
	if stop < 0 {
		dec, stop = l.Finish(), cs[len(cs)-1].Done
	}
	var acc report.SteadyAcc
	lv := report.Level{StartNS: int64(sched[0])}
	var out int64
	for _, q := range reqs {
		if q.sent > stop {
			break
		}
		acc.Add(&rundir.Record{Stage: rundir.StageMeasure, OK: true, ScheduledNS: int64(q.sched), SentNS: int64(q.sent),
			DoneNS: int64(q.done), OutputTokens: q.tokens}, false)
		lv.EndNS = max(lv.EndNS, int64(q.done))
		out += int64(q.tokens)
	}
	lv.OutputTokensPerS = report.PerSecond(float64(out), lv.EndNS-lv.StartNS)
	acc.Apply(&lv)
	return windowResult{dec: dec, report: lv.OutputTokensPerS}
}

// windowCases are the levels measured: 2 and 20 req/s, constant, Poisson
// and gamma (shape 0.25, bursty) arrivals, 64 tokens each or uniform 64–192.
func windowCases() []windowCase {
	var cs []windowCase
	for _, rate := range []float64{2, 20} {
		for _, a := range []struct {
			kind  loadgen.Arrival
			shape float64
		}{{loadgen.ArrivalConstant, 1}, {loadgen.ArrivalPoisson, 1}, {loadgen.ArrivalGamma, 0.25}} {
			name := string(a.kind)
			if a.kind == loadgen.ArrivalGamma {
				name = "gamma 0.25"
			}
			cs = append(cs,
				windowCase{name: fmt.Sprintf("%g/s %s, 64 tokens", rate, name), kind: a.kind, shape: a.shape, rate: rate, tokens: fixedTokens(64), mean: 64},
				windowCase{name: fmt.Sprintf("%g/s %s, 64–192 tokens", rate, name), kind: a.kind, shape: a.shape, rate: rate, tokens: uniformTokens, mean: 128})
		}
	}
	return cs
}

// windowCoverage runs reps levels of c and counts the stopped intervals
// that hold (a) the long-run rate, rate × mean tokens, and (b) report's
// value for the same level.
func windowCoverage(p *Plan, c windowCase, reps int, seed uint64) (long, window, meanN, meanRatio, meanReach float64) {
	truth := c.rate * c.mean
	if c.slots > 0 {
		// Past its capacity a server completes slots / E[service] requests
		// a second (renewal-reward: tokens per second E[T] / E[S] a slot).
		s := mockTTFT.Seconds() + (c.mean-1)*mockITL.Seconds()
		truth = min(c.rate, float64(c.slots)/s) * c.mean
	}
	for i := range reps {
		w := windowLevel(p, c, seed*1_000_003+uint64(i))
		e := w.dec.Throughput
		if e.Lo <= truth && truth <= e.Hi {
			long++
		}
		if e.Lo <= w.report && w.report <= e.Hi {
			window++
		}
		meanN += float64(w.dec.N)
		meanRatio += w.report / truth
		meanReach += e.Reach()
	}
	f := float64(reps)
	return long / f, window / f, meanN / f, meanRatio / f, meanReach / f
}

// TestWindowCoverageTable prints the coverage table of docs/adaptive.md:
// set ADAPTIVE_SIM=1.
func TestWindowCoverageTable(t *testing.T) {
	if os.Getenv("ADAPTIVE_SIM") == "" {
		t.Skip("set ADAPTIVE_SIM=1 for the open-loop window coverage table")
	}
	p := mustPlan(t, Options{Precision: 0.05, OpenLoop: true})
	cases := windowCases()
	// A server of 16 slots (23.5 req/s of 64 tokens) at 90 % to 120 % load.
	for _, rho := range []float64{0.9, 1, 1.05, 1.2} {
		rate := rho * 16 / (mockTTFT.Seconds() + 63*mockITL.Seconds())
		for _, k := range []loadgen.Arrival{loadgen.ArrivalConstant, loadgen.ArrivalPoisson} {
			cases = append(cases, windowCase{name: fmt.Sprintf("16 slots, load %.2f, %s, 64 tokens", rho, k), kind: k, shape: 1,
				rate: rate, tokens: fixedTokens(64), mean: 64, slots: 16})
		}
	}
	var b strings.Builder
	fmt.Fprintln(&b, "| level | covers rate × mean tokens | covers report's value | mean completions | report / long-run | mean reach |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|")
	for i, c := range cases {
		long, window, n, ratio, reach := windowCoverage(p, c, 400, uint64(i+1))
		fmt.Fprintf(&b, "| %s | %.1f %% | %.1f %% | %.0f | %.3f | %.1f %% |\n", c.name, 100*long, 100*window, n, ratio, 100*reach)
	}
	t.Log("\n" + b.String())
}

// TestOpenLoopThroughputPastCapacity: an open-loop level's interval of
// output tokens/s is of the long-run rate, and a level past the server's
// capacity does not reach rate × tokens per request however long it runs.
// A server of 16 slots at 105 % and 120 % of its capacity, 64 tokens a
// request, constant and Poisson arrivals: a level stops at 50 requests,
// before the saturation rules can see enough buckets, and its interval must
// still hold the long-run rate, 16 / E[service] × 64 (≥ 91 %: 95 % less 2.6
// standard errors). Taken as target × tokens per request alone, with
// fixed lengths it was the point 64 × target and held it in under 1 % of
// the runs.
func TestOpenLoopThroughputPastCapacity(t *testing.T) {
	p := mustPlan(t, Options{Precision: 0.05, OpenLoop: true})
	service := mockTTFT.Seconds() + 63*mockITL.Seconds()
	for _, rho := range []float64{1.05, 1.2} {
		for _, k := range []loadgen.Arrival{loadgen.ArrivalConstant, loadgen.ArrivalPoisson} {
			c := windowCase{kind: k, shape: 1, rate: rho * 16 / service, tokens: fixedTokens(64), mean: 64, slots: 16}
			reps := runs(200)
			long, _, n, _, _ := windowCoverage(p, c, reps, 3)
			t.Logf("load %.2f, %s: coverage %.3f, mean %.0f completions", rho, k, long, n)
			if want := minCover(reps, 2.6); long < want {
				t.Errorf("load %.2f, %s arrivals: the long-run rate in %.1f %% of the intervals, want ≥ %.1f %%", rho, k, 100*long, 100*want)
			}
		}
	}
}
