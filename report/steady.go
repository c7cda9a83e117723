package report

import (
	"slices"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// SteadyAcc gathers, one measured record at a time, what a level's steady
// state and its rates need (metrics.go, Steady): each worker's first send
// and the last send of first attempts, and each successful request's
// interval, tokens and goodput. The Summarizer and the live view both use
// it, so the two never disagree. The zero value is ready to use.
type SteadyAcc struct {
	workerFirst map[int]int64
	lastSend    int64
	reqs        []okReq
	// firstSched is the earliest scheduled_ns of a first attempt (any
	// stage: a warm-up is the first arrival of an open level's schedule);
	// haveSched says whether one was seen.
	firstSched int64
	haveSched  bool
	// rampNS is the open-loop rate's ramp-up (SetRampUp): the steady
	// state starts no sooner than that long after the first scheduled send.
	rampNS int64
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

// okReq is what the steady-state rates need of one successful request.
type okReq struct {
	sent, done, tokens, outTok int64
	good                       bool
}

// Add takes one measured record (any attempt, any outcome); good says
// whether a successful one met every per-request SLO (goodput).
func (s *SteadyAcc) Add(r *rundir.Record, good bool) {
	if _, first := SendLagMS(r); first {
		s.WorkerSent(r.Worker, r.SentNS)
		s.noteScheduled(r.ScheduledNS)
		s.lastSend = max(s.lastSend, r.SentNS)
	}
	s.addOK(r, good)
}

// addOK keeps what the rates need of a successful final attempt.
func (s *SteadyAcc) addOK(r *rundir.Record, good bool) {
	if r.OK && !r.Retried {
		s.reqs = append(s.reqs, okReq{sent: r.SentNS, done: max(r.DoneNS, r.EndNS),
			tokens: int64(r.InputTokens + r.OutputTokens), outTok: int64(r.OutputTokens), good: good})
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
func (s *SteadyAcc) AddWarmup(r *rundir.Record, good bool) {
	if r.Stage != rundir.StageWarmup {
		return
	}
	if _, first := SendLagMS(r); first {
		s.WorkerSent(r.Worker, r.SentNS)
		s.noteScheduled(r.ScheduledNS)
	}
	s.addOK(r, good)
}

// merged returns s with o's worker starts and requests added (o's last
// send is not: the steady state ends at the last measured send; nor the
// ramp-up, which the caller sets, SetRampUp); s and o are left as they are.
func (s *SteadyAcc) merged(o *SteadyAcc) SteadyAcc {
	m := SteadyAcc{lastSend: s.lastSend, reqs: append(slices.Clip(s.reqs), o.reqs...)}
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
func (s *SteadyAcc) Apply(l *Level) {
	start := l.StartNS // workers busy with warm-ups before the window: no ramp
	for _, f := range s.workerFirst {
		start = max(start, f)
	}
	if s.rampNS > 0 && s.haveSched {
		// An open level's rate is still climbing until its ramp-up has
		// passed since its first scheduled send (the schedule's origin
		// is a little earlier, so this leaves out a little more, never
		// less, than the climb).
		start = max(start, s.firstSched+s.rampNS)
	}
	end := s.lastSend
	if end <= start || len(s.reqs) == 0 {
		return
	}
	var dur int64
	for _, q := range s.reqs {
		dur += q.done - q.sent
	}
	if end-start < dur/int64(len(s.reqs)) {
		return // shorter than a request: no round of the loop ran all through it
	}
	var reqs, out, total, good float64
	for _, q := range s.reqs {
		sh := SteadyShare(q.sent, q.done, start, end)
		reqs += sh
		out += sh * float64(q.outTok)
		total += sh * float64(q.tokens)
		if q.good {
			good += sh
		}
	}
	w := end - start
	l.Steady = &Steady{StartNS: start, EndNS: end, WindowS: float64(w) / 1e9,
		RampS: float64(start-l.StartNS) / 1e9, DrainS: float64(l.EndNS-end) / 1e9}
	l.OutputTokensPerS, l.TotalTokensPerS = PerSecond(out, w), PerSecond(total, w)
	l.RequestsPerS, l.GoodputRPS = PerSecond(reqs, w), PerSecond(good, w)
}
