package report

import (
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// SteadyAcc gathers, one measured record at a time, what a level's steady
// state and its rates need (metrics.go, Steady): each worker's first send
// and the last send of first attempts, whether a worker ever had two
// requests in flight at once (an open stream, Apply), and each successful
// request's send, its Credit, tokens and goodput (okReq, 112 bytes: no
// chunk is kept). The Summarizer and the live view
// both use it, so the two never disagree. The zero value is ready to use.
type SteadyAcc struct {
	workerFirst map[int]int64
	lastSend    int64
	reqs        []okReq
	// workerLast is each worker's record seen last: its send and done.
	workerLast map[int][2]int64
	// open says that two records of one worker, one after the other, were
	// in flight at once: the worker is an open stream (an open level sends
	// every request on worker 0, on shard i's worker i), for a closed-loop
	// worker sends its next request only when its last one is done.
	open bool
	// firstSched is the earliest scheduled_ns of a first attempt (any
	// stage: a warm-up is the first arrival of an open level's schedule);
	// haveSched says whether one was seen.
	firstSched int64
	haveSched  bool
	// rampNS is the open-loop rate's ramp-up (SetRampUp): the steady
	// state starts no sooner than that long after the first scheduled send.
	rampNS int64
	// warmDue is the latest scheduled_ns of the warm-ups (WarmupDue).
	warmDue int64
	// busy is each request's time holding its worker (BusyMS's span:
	// send, or a retried request's schedule, to done; a retried attempt
	// none), warm-ups included, for the streams in flight over the steady
	// state (Steady.MeanInFlight): 16 bytes a request.
	busy [][2]int64
}

// noteBusy keeps the span r held its worker, as BusyMS counts it.
func (s *SteadyAcc) noteBusy(r *rundir.Record) {
	if from, to, ok := busySpan(r); ok && to > from {
		s.busy = append(s.busy, [2]int64{from, to})
	}
}

// SetRampUp sets the open-loop ramp-up (--ramp-up, load.ramp_up) of the
// level: its rate climbs from 0 over d, and every request of an open level
// goes out on worker 0, so the workers' first sends alone would start the
// steady state at the first send and count the climb in its rates. 0 (a
// closed loop) changes nothing.
func (s *SteadyAcc) SetRampUp(d time.Duration) { s.rampNS = d.Nanoseconds() }

// noteScheduled keeps the earliest scheduled send of a first attempt.
func (s *SteadyAcc) noteScheduled(ns int64) {
	if !s.haveSched || ns < s.firstSched {
		s.firstSched, s.haveSched = ns, true
	}
}

// okReq is what the steady-state rates need of one successful request:
// its send and done (the open level's fill, Apply) and where its work lies
// in time, from its first token (Credit).
type okReq struct {
	sent           int64
	credit         Credit
	tokens, outTok int64
	met            judged
}

// judged says which SLOs a successful request met every per-request
// threshold of (goodput): bit i for a Summarizer's i-th SLO (slos), bit 0
// alone for SteadyAcc's own callers.
type judged uint8

// maxJudged is the number of SLOs one pass over the records judges at most.
const maxJudged = 8

// goodBit is bit 0 when good: a request that met the one SLO judged.
func goodBit(good bool) judged {
	if good {
		return 1
	}
	return 0
}

// Add takes one measured record (any attempt, any outcome); good says
// whether a successful one met every per-request SLO (goodput).
func (s *SteadyAcc) Add(r *rundir.Record, good bool) { s.add(r, goodBit(good)) }

// add is Add with the SLOs r met (judged).
func (s *SteadyAcc) add(r *rundir.Record, met judged) {
	s.noteInFlight(r)
	s.noteBusy(r)
	if _, first := SendLagMS(r); first {
		s.WorkerSent(r.Worker, r.SentNS)
		s.noteScheduled(r.ScheduledNS)
		s.lastSend = max(s.lastSend, r.SentNS)
	}
	s.addOK(r, met)
}

// noteInFlight notes r's send→done interval on its worker, and the level
// as open when it overlaps the worker's record seen before it. Either order
// of two records of one closed-loop worker lies apart, so a closed loop is
// never taken for open, in whatever order its records come; an open stream's
// records, in the order of their completion (requests.jsonl's) or of their
// sends, overlap one after the other as soon as any two of them overlap.
func (s *SteadyAcc) noteInFlight(r *rundir.Record) {
	sent, done := r.SentNS, max(r.DoneNS, r.EndNS)
	if done <= sent {
		return // never sent, or no time in flight
	}
	if s.workerLast == nil {
		s.workerLast = map[int][2]int64{}
	}
	if p, ok := s.workerLast[r.Worker]; ok && max(sent, p[0]) < min(done, p[1]) {
		s.open = true
	}
	s.workerLast[r.Worker] = [2]int64{sent, done}
}

// addOK keeps what the rates need of a successful final attempt.
func (s *SteadyAcc) addOK(r *rundir.Record, met judged) {
	if r.OK && !r.Retried {
		s.reqs = append(s.reqs, okReq{sent: r.SentNS, credit: CreditOf(r),
			tokens: int64(r.InputTokens + r.OutputTokens), outTok: int64(r.OutputTokens), met: met})
	}
}

// AddWarmup takes a warm-up record of the level. Its worker was already
// loading the server, so its send counts toward the steady state's start
// (the last worker's first send, of any stage), and the part of it that
// falls in the steady state counts in its rates, as a measured request's
// does: the server's work in the steady state is all of it, whatever the
// stage. (Counting only measured sends started the steady state a round
// late at a worker that began with a warm-up; counting warm-up sends but
// not their work would undercount the steady state's start.) good says
// whether it met every per-request SLO. Measured statistics never see it.
func (s *SteadyAcc) AddWarmup(r *rundir.Record, good bool) { s.addWarmup(r, goodBit(good)) }

// addWarmup is AddWarmup with the SLOs r met (judged).
func (s *SteadyAcc) addWarmup(r *rundir.Record, met judged) {
	if r.Stage != rundir.StageWarmup {
		return
	}
	s.noteInFlight(r)
	s.noteBusy(r)
	s.warmDue = max(s.warmDue, r.ScheduledNS)
	if _, first := SendLagMS(r); first {
		s.WorkerSent(r.Worker, r.SentNS)
		s.noteScheduled(r.ScheduledNS)
	}
	s.addOK(r, met)
}

// WarmupDue is the latest scheduled_ns of the warm-ups added (AddWarmup), 0
// without any: an open level's warm-ups are its schedule's first arrivals,
// so its measured part's window starts there (LevelWindow).
func (s *SteadyAcc) WarmupDue() int64 { return s.warmDue }

// merged returns s with o's worker starts and requests added (o's last
// send is not: the steady state ends at the last measured send; nor the
// ramp-up, which the caller sets, SetRampUp); s and o are left as they are.
func (s *SteadyAcc) merged(o *SteadyAcc) SteadyAcc {
	m := SteadyAcc{lastSend: s.lastSend, reqs: append(slices.Clip(s.reqs), o.reqs...), open: s.open || o.open,
		busy: append(slices.Clip(s.busy), o.busy...)}
	for _, a := range []*SteadyAcc{s, o} {
		if a.haveSched {
			m.noteScheduled(a.firstSched)
		}
	}
	for w, ns := range s.workerFirst {
		m.WorkerSent(w, ns)
	}
	for w, ns := range o.workerFirst {
		m.WorkerSent(w, ns)
	}
	return m
}

// WorkerSent notes that worker sent a request at ns (from the run's start):
// the steady state starts once every worker has sent one.
func (s *SteadyAcc) WorkerSent(worker int, ns int64) {
	if s.workerFirst == nil {
		s.workerFirst = map[int]int64{}
	}
	if f, ok := s.workerFirst[worker]; !ok || ns < f {
		s.workerFirst[worker] = ns
	}
}

// Apply sets l.Steady and l's output tokens/s, total tokens/s, requests/s
// and goodput over it, when the level has a steady state; l's window
// (StartNS, EndNS) must be set. A level without one keeps its rates.
//
// The steady state ends at the last measured send and starts once the
// server holds the level's full load:
//   - closed loop: when the last worker sent its first request (of any
//     stage), and all of them are in flight from then on;
//   - open (a worker had two requests in flight at once, noteInFlight): at
//     the first send one mean request duration (send→done of the
//     successful requests) after the load began, at its first send of any
//     stage or, with a ramp-up, when the rate stopped climbing. The server
//     is empty at the first send and fills over a request's duration; a
//     steady state starting there lacks half a duration of work, −E2E / (2 ×
//     window): 0.87 of the truth at 20 req/s of 0.68 s requests stopped at 50.
//     Starting at a send keeps the window a whole number of the arrivals'
//     gaps, as the closed loop's and the last send are. An open stream
//     whose requests never overlapped had at most one in flight and no
//     fill: each is whole between its send and the next, and the closed
//     loop's start (its first send) is exact for it.
//
// A steady state shorter than a request is none: no round of the loop, or
// no request after the fill, ran all through it.
//
// Each successful request counts in the rates for the share of its output
// credited inside the steady state, first token → done as its chunks came
// (Credit; metrics.go says why not send→done). The fill and the
// shortest steady state are still in send→done: the server is full once
// the requests sent since the load began have been served, wait included
// (past capacity that leaves out more than the fill, never less).
func (s *SteadyAcc) Apply(l *Level) { s.apply(l) }

// apply is Apply, and returns the goodput over the steady state by each
// SLO judged (bit i of okReq.met: goodput[i]); ok is false, and l is left
// as it is, when the level has no steady state.
func (s *SteadyAcc) apply(l *Level) (goodput [maxJudged]float64, ok bool) {
	end := s.lastSend
	if len(s.reqs) == 0 {
		return goodput, false
	}
	var dur int64
	for _, q := range s.reqs {
		dur += q.credit.To - q.sent
	}
	mean := dur / int64(len(s.reqs))
	start := l.StartNS // workers busy with warm-ups before the window: no ramp
	began := int64(math.MaxInt64)
	for _, f := range s.workerFirst {
		start, began = max(start, f), min(began, f)
	}
	if s.rampNS > 0 && s.haveSched {
		// An open level's rate is still climbing until its ramp-up has
		// passed since its first scheduled send (the schedule's origin
		// is a little earlier, so this leaves out a little more, never
		// less, than the climb).
		start = max(start, s.firstSched+s.rampNS)
		began = max(began, s.firstSched+s.rampNS)
	}
	if s.open && began != math.MaxInt64 {
		start = max(start, s.sendFrom(began+mean))
	}
	if end <= start || end-start < mean {
		return goodput, false
	}
	var reqs, out, total float64
	var good [maxJudged]float64
	for _, q := range s.reqs {
		sh := q.credit.Share(start, end)
		reqs += sh
		out += sh * float64(q.outTok)
		total += sh * float64(q.tokens)
		for m := q.met; m != 0; m &= m - 1 {
			good[bits.TrailingZeros8(uint8(m))] += sh
		}
	}
	w := end - start
	var held int64
	for _, b := range s.busy {
		held += HeldWithin(b, start, end)
	}
	l.Steady = &Steady{StartNS: start, EndNS: end, WindowS: float64(w) / 1e9,
		RampS: float64(start-l.StartNS) / 1e9, DrainS: float64(l.EndNS-end) / 1e9,
		MeanInFlight: float64(held) / float64(w)}
	l.OutputTokensPerS, l.TotalTokensPerS = PerSecond(out, w), PerSecond(total, w)
	for i, g := range good {
		goodput[i] = PerSecond(g, w)
	}
	l.RequestsPerS, l.GoodputRPS = PerSecond(reqs, w), goodput[0]
	return goodput, true
}

// sendFrom returns the first send of a successful request at or after ns,
// or ns when none is.
func (s *SteadyAcc) sendFrom(ns int64) int64 {
	first := int64(math.MaxInt64)
	for _, q := range s.reqs {
		if q.sent >= ns {
			first = min(first, q.sent)
		}
	}
	if first == math.MaxInt64 {
		return ns
	}
	return first
}
