package live

import (
	"math"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// Bucket upper bounds, in seconds, of the TTFT and TPOT histograms. TTFT
// runs from a few ms (a cached prefix on a small model) to a minute (a long
// prompt queued behind an overloaded engine); TPOT from 1 ms (a small model
// at 1,000 tokens/s) to seconds. The usual objectives — TTFT 200 ms, 500 ms,
// 1 s, 2 s; TPOT 20, 50, 100 ms — are bucket bounds, so the share of
// requests under them (…_bucket{le="1"} / …_count) is exact, not
// interpolated.
var (
	TTFTBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 60}
	TPOTBuckets = []float64{0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5}
)

// promMetrics are the run's own metrics, in a registry of the State's own
// (never the process-wide default: two States, or a test beside a run, must
// not collide). Counters and histograms are client_golang's, updated with
// atomic operations under State.mu; the gauges read the State when scraped.
type promMetrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	okCounter  prometheus.Counter
	failedBy   map[rundir.ErrorClass]prometheus.Counter
	outTokens  prometheus.Counter
	ttft, tpot prometheus.Histogram
}

func newPromMetrics(s *State) *promMetrics {
	run := prometheus.Labels{"run": s.opt.Run}
	m := &promMetrics{reg: prometheus.NewRegistry(), failedBy: map[rundir.ErrorClass]prometheus.Counter{}}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name:        "inferbench_requests_total",
		Help:        "Measured requests completed, by outcome (ok, failed) and error class; warm-up requests and retried attempts are not counted (as in summary.json).",
		ConstLabels: run,
	}, []string{"outcome", "error_class"})
	m.okCounter = m.requests.WithLabelValues("ok", "")
	// Every class from the start at 0, so that rate() over a class has a
	// first point before its first failure.
	for _, c := range rundir.ErrorClasses() {
		m.failedBy[c] = m.requests.WithLabelValues("failed", string(c))
	}
	m.outTokens = prometheus.NewCounter(prometheus.CounterOpts{
		Name:        "inferbench_output_tokens_total",
		Help:        "Output tokens of the successful measured requests (the server's count, else counted from the stream).",
		ConstLabels: run,
	})
	m.ttft = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:        "inferbench_ttft_seconds",
		Help:        "Time to first token of successful measured requests: request sent to the first token-bearing event, as the client saw it.",
		ConstLabels: run,
		Buckets:     TTFTBuckets,
	})
	m.tpot = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:        "inferbench_tpot_seconds",
		Help:        "Time per output token of successful measured requests with more than one output token: (E2E - TTFT) / (output tokens - 1).",
		ConstLabels: run,
		Buckets:     TPOTBuckets,
	})
	inFlight := &trackedCollector{s: s, kind: prometheus.GaugeValue, read: s.inFlight.Load,
		desc: prometheus.NewDesc("inferbench_in_flight",
			"Requests in flight now (sent, not yet done), warm-up included.", nil, run)}
	// The streamed counter is read from the atomic the tracked target adds
	// to (track.go): the live line's streamed rate and this series are one
	// count (docs/live.md, "Streamed tokens/s").
	streamed := &trackedCollector{s: s, kind: prometheus.CounterValue, read: s.streamed.Load,
		desc: prometheus.NewDesc("inferbench_streamed_tokens_total",
			"Output tokens streamed so far, counted as each token-bearing chunk arrives (the run's count of a chunk), "+
				"of every request and attempt: warm-up, retried and failed ones included. "+
				"inferbench_output_tokens_total counts only successful measured requests, when they complete.", nil, run)}
	level := &levelCollector{s: s, desc: prometheus.NewDesc("inferbench_level",
		"The load level started last, as its profile label says: concurrency or sweep, the closed loop's streams; "+
			"rate, the requests per second offered (new sessions per second for multi-turn sessions); trace, 0.",
		[]string{"profile"}, run)}
	m.reg.MustRegister(m.requests, m.outTokens, m.ttft, m.tpot, inFlight, streamed, level)
	return m
}

// ok counts one successful measured request.
func (m *promMetrics) ok(r report.RequestMetrics, outTokens int) {
	m.okCounter.Inc()
	m.outTokens.Add(float64(outTokens))
	m.ttft.Observe(r.TTFT / 1e3)
	if r.HasTPOT {
		m.tpot.Observe(r.TPOT / 1e3)
	}
}

// failed counts one failed measured request.
func (m *promMetrics) failed(c rundir.ErrorClass) {
	ctr, ok := m.failedBy[c]
	if !ok {
		// A class this package does not know (a newer loadgen): counted
		// under its own label all the same.
		ctr = m.requests.WithLabelValues("failed", string(c))
		m.failedBy[c] = ctr
	}
	ctr.Inc()
}

// Gatherer returns the registry of the run's metrics, for /metrics or for
// a caller that serves them elsewhere.
func (s *State) Gatherer() prometheus.Gatherer { return s.prom.reg }

// trackedCollector exports a count the State keeps only when it tracks the
// target (State.Track): requests in flight, tokens streamed. A followed run
// directory says neither, and a 0 would be a false reading.
type trackedCollector struct {
	s    *State
	kind prometheus.ValueType
	read func() int64
	desc *prometheus.Desc
}

func (c *trackedCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *trackedCollector) Collect(ch chan<- prometheus.Metric) {
	if c.s.tracked.Load() {
		ch <- prometheus.MustNewConstMetric(c.desc, c.kind, float64(c.read()))
	}
}

// levelCollector exports the level started last, labelled with what it
// counts (LevelPlan.Profile: profile="rate" is a request rate): the bare
// number read the same for 2 streams and 2 req/s. Before the first level,
// 0 with no profile (an empty label is none).
type levelCollector struct {
	s    *State
	desc *prometheus.Desc
}

func (c *levelCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *levelCollector) Collect(ch chan<- prometheus.Metric) {
	profile, _ := c.s.curProfile.Load().(string)
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, math.Float64frombits(c.s.curLevel.Load()), profile)
}
