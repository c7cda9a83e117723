package report

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// SLO is a set of service-level objectives. Per-request thresholds decide
// goodput (a request counts when it met every threshold set); the same
// thresholds at Percentile decide whether a load level met the SLOs
// (capacity). A zero threshold is not checked.
type SLO struct {
	TTFT time.Duration `json:"ttft,omitempty"`
	TPOT time.Duration `json:"tpot,omitempty"`
	E2E  time.Duration `json:"e2e,omitempty"`
	// ITL is judged per level only (at Percentile over every token's
	// inter-token latency), not per request.
	ITL time.Duration `json:"itl,omitempty"`
	// Percentile is the percentile a level's latencies are judged at (e.g.
	// 95: "TTFT p95 ≤ 1 s"); 0 means DefaultSLOPercentile.
	Percentile float64 `json:"percentile,omitempty"`
	// MaxErrorRate is the largest failed fraction a level may have and still
	// meet the SLOs; nil means DefaultMaxErrorRate, 0 allows no failure.
	MaxErrorRate *float64 `json:"max_error_rate,omitempty"`
}

// ErrorBudget is the largest failed fraction a level may have: MaxErrorRate,
// or DefaultMaxErrorRate when unset.
func (s SLO) ErrorBudget() float64 {
	if s.MaxErrorRate == nil {
		return DefaultMaxErrorRate
	}
	return *s.MaxErrorRate
}

// Bounds is the SLO's latency bounds in words, "TTFT p95 ≤ 1s, TPOT p95 ≤
// 50ms" ("" when none is set): the one spelling of an SLO for people.
func (s SLO) Bounds() string {
	return s.words(fmt.Sprintf(" p%g", cmp.Or(s.Percentile, DefaultSLOPercentile)))
}

// words is the SLO's set bounds, each "NAME" + at + " ≤ D", joined by
// commas.
func (s SLO) words(at string) string {
	var parts []string
	for _, x := range []struct {
		name string
		d    time.Duration
	}{{"TTFT", s.TTFT}, {"TPOT", s.TPOT}, {"E2E", s.E2E}, {"ITL", s.ITL}} {
		if x.d > 0 {
			parts = append(parts, fmt.Sprintf("%s%s ≤ %s", x.name, at, x.d))
		}
	}
	return strings.Join(parts, ", ")
}

// PerRequest is the part of s that Met judges each request by: its TTFT,
// TPOT and E2E thresholds (ITL, the percentile and the error budget judge
// a level). Two SLOs whose PerRequest are equal judge every request
// alike: the same goodput.
func (s SLO) PerRequest() SLO { return SLO{TTFT: s.TTFT, TPOT: s.TPOT, E2E: s.E2E} }

// PerRequestWords is PerRequest in words, each request's bounds: "TTFT ≤
// 30ms, E2E ≤ 2s", or "no SLO (every successful request good)".
func (s SLO) PerRequestWords() string {
	return cmp.Or(s.PerRequest().words(""), "no SLO (every successful request good)")
}

// Defaults for SLO fields left unset: the scenario's, so that a run
// without a scenario is judged as one with an empty slo section.
const (
	DefaultSLOPercentile = scenarios.DefaultPercentile
	DefaultMaxErrorRate  = scenarios.DefaultMaxErrorRate
)

// IsZero reports whether no latency objective is set.
func (s SLO) IsZero() bool { return s.TTFT == 0 && s.TPOT == 0 && s.E2E == 0 && s.ITL == 0 }

// Met reports whether one successful request's metrics met every
// per-request threshold (goodput). ITL is judged per level only.
func (s SLO) Met(m RequestMetrics) bool {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	ttft, e2e := m.TTFT, m.E2E
	if m.Retry {
		ttft, e2e = m.TTFTFromSchedule, m.E2EFromSchedule // as the user lived it (metrics.go)
	}
	if s.TTFT > 0 && ttft > ms(s.TTFT) {
		return false
	}
	if s.TPOT > 0 && m.HasTPOT && m.TPOT > ms(s.TPOT) {
		return false
	}
	if s.E2E > 0 && e2e > ms(s.E2E) {
		return false
	}
	return true
}

// A Summarizer computes a Summary from records added one at a time. It
// keeps per-level latency values, never whole records. Not safe for
// concurrent use.
type Summarizer struct {
	// slos are the SLOs goodput and capacity are judged by: a Summary by
	// the first (NewSummarizer's); summarizeBy judges by the others
	// beside it (judgedBy), from the same records.
	slos    []SLO
	levels  map[float64]*levelAcc
	records int64
	// warm is what each level's warm-up records count for (warmupSent).
	warm map[float64]*warmAcc
	// scratch is where Snapshot lays out a level's inter-token latencies
	// for their percentiles (as gapCodes), kept between snapshots.
	scratch gapCodes
	// rampUp is the open-loop rate's ramp-up (RampUp).
	rampUp time.Duration
	// spans are the times the levels ran, where run.json says (AddSpan).
	spans map[float64]rundir.LevelSpan
}

// levelAcc accumulates one load level.
type levelAcc struct {
	req                                 Requests
	ttft, ttfb, content, e2e, tpot      []float64
	gaps                                tokenGaps // ITL and inter-chunk
	userTPS, lag, ttftSched, e2eSched   []float64
	connect                             []float64 // of the completed requests that opened a connection
	serverTTFT, ttftOverhead            []float64
	span                                Span
	firstSend, lastSend                 int64 // of first attempts (one lag each): achieved rate
	busyMS                              float64
	inTok, outTok, cached               int64
	pastMax, resent                     int
	usage                               UsageChecks    // output counts against their streams (addBound)
	good                                [maxJudged]int // by each SLO of slos
	serverQueue                         bool           // some server timing had a queue time
	reqIn, reqOut, short, long, withReq int64
	inChecked, inExact                  int64
	inAddedMin, inAddedMax              int64 // of the checked prompts: counted − requested
	sources                             map[rundir.TokenSource]int
	errors, retried                     map[rundir.ErrorClass]int
	errorExamples                       map[rundir.ErrorClass]string // the first error of each class
	sessions                            *sessionAcc                  // nil until a record with a session
	steady                              SteadyAcc
}

// NewSummarizer returns a Summarizer judging goodput and capacity by slo.
func NewSummarizer(slo SLO) *Summarizer {
	return &Summarizer{slos: []SLO{slo}, levels: map[float64]*levelAcc{}}
}

// met says which of s's SLOs a successful request's metrics met (judged).
func (s *Summarizer) met(m RequestMetrics) judged {
	var j judged
	for i, slo := range s.slos {
		if slo.Met(m) {
			j |= 1 << i
		}
	}
	return j
}

// RampUp tells s the run's open-loop ramp-up (load.ramp_up): each level's
// steady state then starts once its rate has climbed (SteadyAcc.SetRampUp),
// so its rates are those of the rate the level is named by. 0 for a closed
// loop or no ramp.
func (s *Summarizer) RampUp(d time.Duration) { s.rampUp = d }

// AddSpan tells s the time a level ran (run.json's levels): its window
// then covers it (window). A level run twice (a value repeated) spans
// both.
func (s *Summarizer) AddSpan(sp rundir.LevelSpan) {
	if s.spans == nil {
		s.spans = map[float64]rundir.LevelSpan{}
	}
	if o, ok := s.spans[sp.Level]; ok {
		sp.StartNS, sp.EndNS, sp.Open = min(sp.StartNS, o.StartNS), max(sp.EndNS, o.EndNS), sp.Open || o.Open
	}
	s.spans[sp.Level] = sp
}

// Add accounts for one record. Records of stages other than measure are ignored.
//
// A record's output tokens are judged against its stream first
// (rundir.Record.BoundOutputTokens): what the records say is counted and
// measured as it was bounded, and each level counts what was bounded.
// It returns r as it was bounded (r itself when it was not): what a reader
// beside the summary must take for the record, so that its numbers are
// the summary's (summarizeBy's each).
func (s *Summarizer) Add(r *rundir.Record) *rundir.Record {
	r, ob := r.BoundOutputTokens()
	s.records++
	if r.Stage == rundir.StageWarmup {
		s.warmupSent(r)
	}
	if r.Stage != rundir.StageMeasure {
		return r
	}
	a := s.level(r)
	a.span.Add(r)
	a.addSession(r)
	if lag, ok := SendLagMS(r); ok {
		if len(a.lag) == 0 || r.SentNS < a.firstSend {
			a.firstSend = r.SentNS
		}
		a.lastSend = max(a.lastSend, r.SentNS)
		a.lag = append(a.lag, lag)
	}
	a.busyMS += BusyMS(r)
	if r.Retried {
		a.retried[r.ErrorClass]++
		a.steady.Add(r, false)
		return r
	}
	a.req.Total++
	if ResentByClient(r) {
		a.resent++
	}
	if r.RequestedOutputTokens > 0 && r.OutputTokens > r.RequestedOutputTokens && r.OutputTokensSource != rundir.SourceEstimated {
		a.pastMax++
	}
	a.addBound(r, ob)
	if !r.OK {
		a.req.Failed++
		a.errors[r.ErrorClass]++
		if _, ok := a.errorExamples[r.ErrorClass]; !ok {
			a.errorExamples[r.ErrorClass] = ErrorExample(r.Error)
		}
		a.steady.Add(r, false)
		return r
	}
	a.req.OK++
	m := PerRequest(r)
	if c, ok := ConnectMS(r); ok {
		a.connect = append(a.connect, c)
	}
	a.addTurnTTFT(r, m.TTFT)
	a.ttft = append(a.ttft, m.TTFT)
	a.e2e = append(a.e2e, m.E2E)
	a.ttftSched = append(a.ttftSched, m.TTFTFromSchedule)
	if v, ok := serverTTFT(r); ok {
		a.serverTTFT = append(a.serverTTFT, v)
		a.ttftOverhead = append(a.ttftOverhead, TTFTOverheadMS(m.TTFT, v))
		a.serverQueue = a.serverQueue || r.Server.Queue > 0
	}
	a.e2eSched = append(a.e2eSched, m.E2EFromSchedule)
	if m.HasTTFB {
		a.ttfb = append(a.ttfb, m.TTFB)
	}
	if m.HasContent {
		a.content = append(a.content, m.ContentTTFT)
	}
	if m.HasTPOT {
		a.tpot = append(a.tpot, m.TPOT)
		if m.UserTPS > 0 {
			a.userTPS = append(a.userTPS, m.UserTPS)
		}
	}
	a.gaps.add(r.Chunks)
	if r.RequestedOutputTokens > 0 {
		a.withReq++
		a.reqIn += int64(r.RequestedInputTokens)
		a.reqOut += int64(r.RequestedOutputTokens)
		if r.OutputTokens < r.RequestedOutputTokens {
			a.short++
		}
		if r.OutputTokens > r.RequestedOutputTokens && r.OutputTokensSource != rundir.SourceEstimated {
			a.long++
		}
	}
	if checked, exact := InputExact(r); checked {
		d := int64(r.InputTokens - r.RequestedInputTokens)
		if a.inChecked == 0 {
			a.inAddedMin, a.inAddedMax = d, d
		}
		a.inAddedMin, a.inAddedMax = min(a.inAddedMin, d), max(a.inAddedMax, d)
		a.inChecked++
		if exact {
			a.inExact++
		}
	}
	a.inTok += int64(r.InputTokens)
	a.outTok += int64(r.OutputTokens)
	a.cached += int64(r.CachedInputTokens)
	a.sources[r.OutputTokensSource]++
	met := s.met(m)
	for i := range s.slos {
		a.good[i] += int(met >> i & 1)
	}
	a.steady.add(r, met)
	return r
}

// addBound counts what judging r's output tokens against its stream found
// (ob, rundir.Record.BoundOutputTokens), r as bounded. It is given
// records as the server counted them (requests.jsonl's, and the session's
// in-memory summarizer's): one bounded before would not show it.
func (a *levelAcc) addBound(r *rundir.Record, ob rundir.OutputBound) {
	u := &a.usage
	if ob.Below > 0 {
		if u.BelowUsage == 0 {
			u.BelowUsage, u.BelowOf = ob.Below, ob.Events
		}
		u.BelowEvents++
	}
	if ob.Dropped && ob.SumOver {
		u.EventCountsDropped++
	}
	if ob.Decreased {
		u.UsageDecreased++
	}
	if ob.Many(r) {
		u.ManyPerEvent++
		u.MaxPerEvent = max(u.MaxPerEvent, ob.PerEvent(r))
	}
}

// level returns the accumulator of r's level.
func (s *Summarizer) level(r *rundir.Record) *levelAcc {
	a := s.levels[r.Level]
	if a == nil {
		a = &levelAcc{sources: map[rundir.TokenSource]int{},
			errors: map[rundir.ErrorClass]int{}, retried: map[rundir.ErrorClass]int{},
			errorExamples: map[rundir.ErrorClass]string{}}
		s.levels[r.Level] = a
	}
	return a
}

// warmAcc is what a level's warm-up records count for: its steady state
// (steady.go AddWarmup) and its sessions' turns (sessions.go withWarmup);
// nil sessions without a session's turn.
type warmAcc struct {
	steady   SteadyAcc
	sessions *sessionAcc
}

// turns is w's sessions' turns, nil for none (or no w).
func (w *warmAcc) turns() *sessionAcc {
	if w == nil {
		return nil
	}
	return w.sessions
}

// warmupSent keeps what a warm-up record counts for (its worker's start,
// its work, its session's turn), apart from the level's accumulator so
// that a level is made only by its measured records.
func (s *Summarizer) warmupSent(r *rundir.Record) {
	if s.warm == nil {
		s.warm = map[float64]*warmAcc{}
	}
	w := s.warm[r.Level]
	if w == nil {
		w = &warmAcc{}
		s.warm[r.Level] = w
	}
	var met judged
	if r.OK {
		met = s.met(PerRequest(r))
	}
	w.steady.addWarmup(r, met)
	if r.Turn >= 1 {
		if w.sessions == nil {
			w.sessions = newSessionAcc()
		}
		w.sessions.add(r)
	}
}

// window returns level lv's window (LevelWindow), with the time the
// level ran where run.json says (AddSpan).
func (s *Summarizer) window(lv float64, sp Span) (start, end int64) {
	ls, ok := s.spans[lv]
	if !ok {
		return LevelWindow(sp, nil, 0)
	}
	var due int64
	if w := s.warm[lv]; w != nil {
		due = w.steady.WarmupDue()
	}
	return LevelWindow(sp, &ls, due)
}

// events is the number of inter-token events of every level.
func (s *Summarizer) events() int {
	n := 0
	for _, a := range s.levels {
		n += a.gaps.events
	}
	return n
}

// Close computes the Summary of the records added.
func (s *Summarizer) Close() *Summary {
	sum, _ := s.close()
	return sum
}

// close is Close, and returns each level's goodput by each of s's SLOs
// (goodput[level index][SLO index]) for judgedBy.
func (s *Summarizer) close() (*Summary, [][maxJudged]float64) {
	sum, goodput := s.snapshot()
	s.scratch = gapCodes{}
	return sum, goodput
}

// Snapshot computes the Summary of the records added so far; more records
// may be added afterwards.
func (s *Summarizer) Snapshot() *Summary {
	sum, _ := s.snapshot()
	return sum
}

// snapshot is Snapshot, and returns each level's goodput by each of s's
// SLOs as close does.
func (s *Summarizer) snapshot() (*Summary, [][maxJudged]float64) {
	sum := &Summary{Levels: []Level{}}
	goodput := make([][maxJudged]float64, 0, len(s.levels))
	for _, lv := range slices.Sorted(maps.Keys(s.levels)) {
		a := s.levels[lv]
		itl, gaps := a.gaps.dists(&s.scratch)
		l := Level{
			Level:                lv,
			Requests:             a.req,
			TTFTMS:               distOf(a.ttft),
			TPOTMS:               distOf(a.tpot),
			ITLMS:                itl,
			E2EMS:                distOf(a.e2e),
			TTFBMS:               distOf(a.ttfb),
			ContentTTFTMS:        distOf(a.content),
			InterChunkMS:         gaps,
			UserOutputTokensPerS: distOf(a.userTPS),
			SendLagMS:            distOf(a.lag),
			ServerTTFTMS:         distOf(a.serverTTFT),
			TTFTOverheadMS:       distOf(a.ttftOverhead),
			TTFTFromScheduleMS:   distOf(a.ttftSched),
			E2EFromScheduleMS:    distOf(a.e2eSched),
			InputTokens:          a.inTok,
			CachedInputTokens:    a.cached,
			OutputTokens:         a.outTok,
			OutputTokensSource:   a.sources,
			Errors:               a.errors,
			ErrorExamples:        a.errorExamples,
			Retried:              a.retried,
			PastMaxTokens:        a.pastMax,
			UsageChecks:          a.usage,
			ResentRequests:       a.resent,
			ServerTimingHasQueue: a.serverQueue,
		}
		l.AchievedRatePerS = AchievedRate(len(a.lag), a.firstSend, a.lastSend)
		if len(a.connect) > 0 {
			d := distOf(a.connect)
			l.ConnectMS = &d
		}
		l.Sessions = a.sessions.withWarmup(s.warm[lv].turns()).level()
		l.StartNS, l.EndNS = s.window(lv, a.span)
		if a.withReq > 0 && a.req.OK > 0 {
			n := float64(a.withReq)
			l.Lengths = &Lengths{RequestedInputMean: float64(a.reqIn) / n, RequestedOutputMean: float64(a.reqOut) / n,
				InputMean: float64(a.inTok) / float64(a.req.OK), OutputMean: float64(a.outTok) / float64(a.req.OK),
				ShortOutputShare: float64(a.short) / n, LongOutputShare: float64(a.long) / n}
			if a.inChecked > 0 {
				l.Lengths.InputChecked, l.Lengths.InputExactShare = a.inChecked, float64(a.inExact)/float64(a.inChecked)
				if d := a.inAddedMin; d == a.inAddedMax && d > 0 {
					l.Lengths.InputAdded = &d
				}
			}
		}
		var good [maxJudged]float64
		if w := l.EndNS - l.StartNS; w > 0 {
			l.WindowS = float64(w) / 1e9
			l.OutputTokensPerS = PerSecond(float64(a.outTok), w)
			l.TotalTokensPerS = PerSecond(float64(a.inTok+a.outTok), w)
			l.RequestsPerS = PerSecond(float64(a.req.OK), w)
			for i := range s.slos {
				good[i] = PerSecond(float64(a.good[i]), w)
			}
			l.GoodputRPS = good[0]
			l.MeanInFlight = MeanInFlight(a.busyMS, w)
			l.WindowOutputTokensPerS, l.WindowRequestsPerS = l.OutputTokensPerS, l.RequestsPerS
			steady := a.steady
			if w := s.warm[lv]; w != nil {
				steady = a.steady.merged(&w.steady)
			}
			steady.SetRampUp(s.rampUp)
			if g, ok := steady.apply(&l); ok {
				good = g
			}
		}
		sum.Levels = append(sum.Levels, l)
		goodput = append(goodput, good)
	}
	sum.Capacity = capacity(sum.Levels, s.slos[0])
	sum.Records = s.records
	return sum, goodput
}

// judgedBy returns sum, the Summary by s's first SLO, judged by its i-th
// instead: each level's goodput (goodput, from close) and the capacity
// are that SLO's, and all else, which no SLO changes, is sum's (shared,
// not copied: neither may be changed afterwards).
func (s *Summarizer) judgedBy(sum *Summary, goodput [][maxJudged]float64, i int) *Summary {
	o := *sum
	o.Levels = slices.Clone(sum.Levels)
	for j := range o.Levels {
		o.Levels[j].GoodputRPS = goodput[j][i]
	}
	o.Capacity = capacity(o.Levels, s.slos[i])
	return &o
}

// pctDigits writes a percentage with one decimal, or up to three where one
// would round it: 1 failure in 400 is 0.25 %, which "%.1f" wrote 0.2 %.
func pctDigits(v float64) string {
	s := strings.TrimRight(strconv.FormatFloat(v, 'f', 3, 64), "0")
	if strings.HasSuffix(s, ".") {
		s += "0"
	}
	return s
}

// MeetsSLO reports whether a level met slo: its error rate is at most
// MaxErrorRate and each set threshold holds at slo.Percentile. It returns the
// reasons it did not.
func MeetsSLO(l *Level, slo SLO) (bool, []string) {
	p := cmp.Or(slo.Percentile, DefaultSLOPercentile)
	at := func(d Dist) float64 {
		if d.N == 0 {
			return math.NaN()
		}
		return d.At(p)
	}
	var why []string
	ok := slo.JudgeLevel(SLOFigures{Requests: l.Requests, TTFT: at(l.TTFTMS), TPOT: at(l.TPOTMS), E2E: at(l.E2EMS), ITL: at(l.ITLMS)},
		func(reason string) { why = append(why, reason) })
	return ok, why
}

// SLOFigures is what an SLO judges of a level: its requests, and each
// latency's value at the percentile it is judged at (ReportedPercentile
// of the SLO's), in ms, NaN where no successful request defines it (TPOT
// and ITL when every output was one token).
type SLOFigures struct {
	Requests             Requests
	TTFT, TPOT, E2E, ITL float64
}

// JudgeLevel is the one rule by which a level meets slo (MeetsSLO, and
// compare's resampled levels, which have figures and no Level): at most
// ErrorBudget of its requests failed, one succeeded, and each set
// threshold holds where a value is defined. why, when not nil, is told
// each reason the level did not; nil asks only the answer, and allocates
// nothing.
func (slo SLO) JudgeLevel(f SLOFigures, why func(string)) bool {
	if f.Requests.Total == 0 {
		if why != nil {
			why("no measured requests")
		}
		return false
	}
	ok := true
	maxErr := slo.ErrorBudget()
	if rate := float64(f.Requests.Failed) / float64(f.Requests.Total); rate > maxErr {
		ok = false
		if why != nil {
			why(fmt.Sprintf("error rate %s%% > %s%%", pctDigits(100*rate), pctDigits(100*maxErr)))
		}
	}
	if f.Requests.OK == 0 && !slo.IsZero() {
		ok = false
		if why != nil {
			why("no successful request to judge the latencies by")
		}
	}
	p := cmp.Or(slo.Percentile, DefaultSLOPercentile)
	for _, c := range [...]struct {
		name  string
		v     float64
		limit time.Duration
	}{{"TTFT", f.TTFT, slo.TTFT}, {"TPOT", f.TPOT, slo.TPOT}, {"E2E", f.E2E, slo.E2E}, {"ITL", f.ITL, slo.ITL}} {
		if c.limit > 0 && !math.IsNaN(c.v) && c.v > float64(c.limit)/float64(time.Millisecond) {
			ok = false
			if why != nil {
				why(fmt.Sprintf("%s p%g %.1f ms > %s", c.name, p, c.v, c.limit))
			}
		}
	}
	return ok
}

// At returns the reported percentile p of d (one of 50, 90, 95, 99, 99.9);
// other values of p fall back to the next higher reported one
// (ReportedPercentile).
func (d Dist) At(p float64) float64 {
	switch ReportedPercentile(p) {
	case 50:
		return d.P50
	case 90:
		return d.P90
	case 95:
		return d.P95
	case 99:
		return d.P99
	default:
		return d.P999
	}
}

// ReportedPercentile is the percentile Dist.At reads for p: p itself when
// it is one a summary reports (50, 90, 95, 99, 99.9), else the next higher
// one; an SLO at percentile p is judged at it (MeetsSLO).
func ReportedPercentile(p float64) float64 {
	switch {
	case p <= 50:
		return 50
	case p <= 90:
		return 90
	case p <= 95:
		return 95
	case p <= 99:
		return 99
	default:
		return 99.9
	}
}

// capacity is the level that met slo with the best output throughput (not
// the highest passing level: past saturation a higher level can pass with
// less throughput), nil when none did or no SLO is set. It is a lower bound
// (LowerBound) when it is the highest level run: no level above it was tried,
// so more load might still have met the SLO with more throughput.
func capacity(levels []Level, slo SLO) *Capacity {
	if slo.IsZero() {
		return nil
	}
	var best *Capacity
	top := math.Inf(-1)
	for i := range levels {
		l := &levels[i]
		top = max(top, l.Level)
		if ok, _ := MeetsSLO(l, slo); ok && (best == nil || l.OutputTokensPerS > best.OutputTokensPerS) {
			best = &Capacity{Level: l.Level, OutputTokensPerS: l.OutputTokensPerS,
				TotalTokensPerS: l.TotalTokensPerS, RequestsPerS: l.RequestsPerS}
		}
	}
	if best != nil {
		best.LowerBound = best.Level == top
	}
	return best
}
