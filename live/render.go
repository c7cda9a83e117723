package live

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/report"
)

// Frame is what the terminal shows of a snapshot.
type Frame struct {
	// Results are the permanent lines: a header, then one line per finished
	// level in the order the levels finished. A driver prints each once;
	// the list only grows, so Results[n:] are the lines new since n.
	Results []string
	// Live are the lines of the running levels, redrawn in place on a
	// terminal and printed every interval elsewhere.
	Live []string
}

// resultFormat lays out a result line; ResultHeader names its columns.
const resultFormat = "%6s %7v %6v %8s %8s %9v  %s"

// ResultHeader is the first line of Frame.Results: the columns of the
// result lines, so that a sweep reads as a table.
var ResultHeader = fmt.Sprintf(resultFormat, "level", "ok", "failed", "TTFT p95", "TPOT p95", "out tok/s", "SLO")

// Render draws a snapshot for a terminal of width columns (tty) or for a log
// (tty false: lines are never cut, whatever the width, and hold no control
// characters). On a terminal every line is cut to width − 1 columns, so
// that none wraps and a redraw can count its lines; a live line drops its
// least useful parts first. Lines are ASCII.
func Render(s *Snapshot, width int, tty bool) Frame {
	var f Frame
	var done []*LevelSnapshot
	for i := range s.Levels {
		l := &s.Levels[i]
		if l.Result != nil {
			done = append(done, l)
		}
	}
	slices.SortStableFunc(done, func(a, b *LevelSnapshot) int { return cmp.Compare(a.Finished, b.Finished) })
	if len(done) > 0 {
		f.Results = append(f.Results, cut(ResultHeader, width, tty))
		for _, l := range done {
			line := resultLine(l.Result, len(l.Result.Reasons), true)
			// On a terminal, a note and whole reasons that do not fit go
			// (the final table has them all) before the line is cut.
			if tty && len(line) > width-1 {
				line = resultLine(l.Result, len(l.Result.Reasons), false)
			}
			for n := len(l.Result.Reasons) - 1; tty && n >= 0 && len(line) > width-1; n-- {
				line = resultLine(l.Result, n, false)
			}
			f.Results = append(f.Results, cut(line, width, tty))
		}
	}
	for i := range s.Levels {
		l := &s.Levels[i]
		if !l.Running {
			continue
		}
		f.Live = append(f.Live, liveLine(liveSegments(s, l), width, tty))
	}
	if len(s.Levels) == 0 && !s.Ended {
		f.Live = append(f.Live, liveLine(startingSegments(s), width, tty))
	}
	return f
}

// liveLine lays out a live line: fitted to the terminal, or whole after
// "inferbench: " in a log.
func liveLine(segs []segment, width int, tty bool) string {
	if tty {
		return fit(segs, width-1)
	}
	return "inferbench: " + join(segs)
}

// startingSegments are the live line of a run no level of which has
// started, or, followed (watch), none of whose records was read yet: the
// time since the run started, so that the first request's probe, prompt
// sizing or a long first request is not silence. A followed run learns
// of a level from its first record, written when that request ends: its
// first 6 s spread probe, or minutes of a long output, showed nothing.
func startingSegments(s *Snapshot) []segment {
	segs := []segment{{text: "starting"}, {text: fmtDur(max(s.NowNS, 0))}}
	switch {
	case !s.InFlightKnown:
		segs = append(segs, segment{text: "no request done yet", drop: 1})
	case s.InFlight > 0: // the run's own requests: none before its probe and sizing
		segs = append(segs, segment{text: fmt.Sprintf("in flight %d", s.InFlight), drop: 1})
	}
	return segs
}

// cut shortens line to width − 1 columns on a terminal.
func cut(line string, width int, tty bool) string {
	if tty && width > 1 && len(line) > width-1 {
		return line[:width-1]
	}
	return line
}

// resultLine is one finished level under ResultHeader, with the first
// reasons of a failed SLO, and the note if asked.
func resultLine(r *Result, reasons int, note bool) string {
	ttft, tpot := "-", "-"
	mark := func(thin bool) string {
		if thin {
			return report.SmallSampleMark
		}
		return ""
	}
	if r.HasTTFT {
		ttft = fmtMS(r.TTFTP95) + mark(r.TTFTThin)
	}
	if r.HasTPOT {
		tpot = fmtMS(r.TPOTP95) + mark(r.TPOTThin)
	}
	slo := "-"
	switch r.SLO {
	case VerdictPass:
		slo = "pass"
	case VerdictFail:
		slo = "FAIL"
		if reasons > 0 {
			slo += ": " + strings.Join(r.Reasons[:reasons], "; ")
		}
	}
	if r.ClientBound {
		slo += "  CLIENT-BOUND"
	}
	if r.Stop != "" {
		slo += "  (" + r.Stop + ")"
	}
	if note && r.Note != "" {
		slo += " (" + r.Note + ")"
	}
	return fmt.Sprintf(resultFormat, fmt.Sprintf("%g", r.Level), r.OK, r.Failed, ttft, tpot, fmt.Sprintf("%.1f", r.OutputTokensPerS), slo)
}

// segment is one part of a live line. When the line is too long, the
// segment with the highest drop number (the rightmost of equals) is
// shortened to its short form if it has one, else dropped; drop 0 stays.
type segment struct {
	text  string
	drop  int
	short string
	long  string // the text a short form replaced
}

// liveSegments are the parts of a running level's line, most useful first.
func liveSegments(s *Snapshot, l *LevelSnapshot) []segment {
	w := l.Window
	elapsed := max(s.NowNS-l.StartNS, 0)
	segs := []segment{{text: fmt.Sprintf("level %g", l.Plan.Level)}}
	total := int64(l.Plan.Total())
	clock := segment{text: fmtDur(elapsed), drop: 4} // the elapsed time, unless the progress says it
	switch {
	case l.Probing:
		// The level's requests, and its clock, wait for the probe.
		segs = append(segs, segment{text: "spread probe " + clock.text, short: "probe " + clock.text})
		clock.text = ""
	case total > 0:
		segs = append(segs, segment{text: fmt.Sprintf("%d/%d", l.Done, total)})
	case l.Plan.Duration > 0:
		segs = append(segs, segment{text: clock.text + "/" + fmtDur(l.Plan.Duration.Nanoseconds())})
		clock.text = ""
	default:
		segs = append(segs, segment{text: fmt.Sprintf("%d done", l.Done)})
	}
	if s.InFlightKnown {
		segs = append(segs, segment{text: fmt.Sprintf("in flight %d", s.InFlight), drop: 4})
	}
	if l.Failed > 0 {
		segs = append(segs, segment{text: fmt.Sprintf("failed %d", l.Failed), drop: 1})
	} else {
		segs = append(segs, segment{text: "failed 0", drop: 5})
	}
	if clock.text != "" {
		segs = append(segs, clock)
	}
	if s.StoppingNS > 0 {
		// Ctrl-C: nothing new is sent; the requests in flight have what is
		// left of the grace. An ETA would count down a level that no
		// longer runs to its end.
		segs = append(segs, stoppingSegment(s))
	} else if draining(s, l, elapsed) {
		// Past its duration, or its trace's last line sent, the level
		// sends nothing new: it waits for the requests in flight, which no
		// ETA can tell.
		segs = append(segs, segment{text: "draining", drop: 1})
	} else if eta, ok := levelETA(l, elapsed); ok && !l.Probing {
		segs = append(segs, segment{text: "ETA " + fmtDur(eta), drop: 1})
	}
	if w.TTFT.N > 0 {
		segs = append(segs, segment{text: fmt.Sprintf("TTFT p50 %s p95 %s", fmtMS(w.TTFT.P50), fmtMS(w.TTFT.P95)), drop: 2,
			short: "TTFT p95 " + fmtMS(w.TTFT.P95)})
	} else {
		segs = append(segs, segment{text: "TTFT -", drop: 6})
	}
	segs = append(segs, tokensSegment(s, w))
	segs = append(segs, lookSegment(l)...)
	if s.ClientBound {
		segs = append(segs, segment{text: "CLIENT-BOUND"})
		if len(s.ClientReasons) > 0 {
			segs = append(segs, segment{text: "(" + strings.Join(s.ClientReasons, "; ") + ")", drop: 7})
		}
	}
	return segs
}

// stoppingSegment says that the run is stopping and how long the requests
// in flight have left.
func stoppingSegment(s *Snapshot) segment {
	if s.GraceNS <= 0 {
		return segment{text: "stopping"}
	}
	left := max(s.StoppingNS+s.GraceNS-s.NowNS, 0)
	left = (left + 1e9 - 1) / 1e9 * 1e9 // a bound: 4.2 s left is ≤ 0:05
	return segment{text: "stopping: ≤ " + fmtDur(left) + " for those in flight", short: "stopping"}
}

// tokensSegment is the live line's output rate: the tokens streamed per
// second, as their chunks arrive, where the State sees the chunks; else
// (a followed run) the output tokens of the requests completed in the
// window. The result line's "out tok/s" is neither: report's throughput
// over the level's steady state (docs/live.md).
func tokensSegment(s *Snapshot, w Rolling) segment {
	if s.StreamedKnown {
		return segment{text: fmt.Sprintf("%.0f streamed tok/s", w.StreamedTokensPerS), drop: 3,
			short: fmt.Sprintf("%.0f tok/s", w.StreamedTokensPerS)}
	}
	return segment{text: fmt.Sprintf("%.0f out tok/s", w.OutputTokensPerS), drop: 3,
		short: fmt.Sprintf("%.0f tok/s", w.OutputTokensPerS)}
}

// draining reports whether a running level sends nothing new and waits
// only for the requests in flight: past its duration, or, for a trace
// without one, once all its lines were sent. In the running process, done
// and in flight make its total (its last line's due time counts from its
// window, which starts after the level does); a followed run knows no
// requests in flight, and goes by the clock: past the last line's due
// time, where its ETA reached 0:00.
func draining(s *Snapshot, l *LevelSnapshot, elapsed int64) bool {
	total := int64(l.Plan.Total())
	if l.Probing || (total > 0 && l.Done >= total) {
		return false
	}
	if d := l.Plan.Duration.Nanoseconds(); d > 0 {
		return elapsed >= d
	}
	if l.Plan.LastDue <= 0 || total <= 0 {
		return false
	}
	if s.InFlightKnown {
		return l.Done+s.InFlight >= total
	}
	return elapsed >= l.Plan.LastDue.Nanoseconds()
}

// levelETA is the time left of a running level: for a request count, the
// requests left at the level's pace so far (its time from start to latest
// completion per completion), less the time since that completion: it
// counts down a second a second, and a completion on time does not move
// the end. While a completion is overdue it stays at the requests left
// after the next one. For a trace, the time to its last line's due time
// instead: its pace so far says nothing of a quiet span ahead in it (and
// once that line is sent, the level is draining). For a duration, the
// time left of it (a trace's level lasts its duration too); the sooner of
// the two when both bound the level. ok is
// false when it cannot be told (no count and no duration, or no
// completion yet).
//
// The rolling window's rate, which this used, counts whole completions in
// 5 s: at concurrency 1 and 1.3 s a request it held 3 or 4 of them, and
// the ETA of 28 requests swung between 0:35 and 0:46 at every completion.
func levelETA(l *LevelSnapshot, elapsed int64) (int64, bool) {
	eta, ok := int64(-1), false
	if due := l.Plan.LastDue.Nanoseconds(); due > 0 && l.Plan.Duration <= 0 {
		eta, ok = max(due-elapsed, 0), true
	} else if total, ran := int64(l.Plan.Total()), l.LastDoneNS-l.StartNS; total > 0 && l.Done > 0 && ran > 0 {
		per := float64(ran) / float64(l.Done)
		left := float64(max(total-l.Done, 0))
		since := float64(max(elapsed-ran, 0))
		eta, ok = int64(max(left*per-since, (left-1)*per, 0)), true
	}
	if d := l.Plan.Duration.Nanoseconds(); d > 0 {
		left := max(d-elapsed, 0)
		if !ok || left < eta {
			eta, ok = left, true
		}
	}
	return eta, ok
}

// fit joins segs within width columns, dropping segments as it must.
func fit(segs []segment, width int) string {
	segs = slices.Clone(segs)
	// Shortening loses less than dropping: every short form is taken
	// (least useful first) before any segment goes.
	for width > 0 && len(join(segs)) > width {
		worst := -1
		for i, s := range segs {
			if s.short != "" && (worst < 0 || s.drop >= segs[worst].drop) {
				worst = i
			}
		}
		if worst < 0 {
			break
		}
		segs[worst].long, segs[worst].text, segs[worst].short = segs[worst].text, segs[worst].short, ""
	}
	for len(segs) > 1 && width > 0 && len(join(segs)) > width {
		worst := 0
		for i, s := range segs {
			if s.drop >= segs[worst].drop {
				worst = i
			}
		}
		if segs[worst].drop == 0 {
			break
		}
		segs = slices.Delete(segs, worst, worst+1)
	}
	// A dropped segment may have made room for a long form again.
	for i := range segs {
		if segs[i].long == "" {
			continue
		}
		short := segs[i].text
		segs[i].text = segs[i].long
		if width > 0 && len(join(segs)) > width {
			segs[i].text = short
		}
	}
	return cutTo(join(segs), width)
}

func cutTo(line string, width int) string {
	if width > 0 && len(line) > width {
		return line[:width]
	}
	return line
}

func join(segs []segment) string {
	var b strings.Builder
	for i, s := range segs {
		if i > 0 {
			b.WriteString("  ")
		}
		b.WriteString(s.text)
	}
	return b.String()
}

// fmtMS writes a latency in ms compactly: 9.87ms, 980.1ms, 1.52s, 125s.
func fmtMS(v float64) string {
	switch {
	case v < 10:
		return fmt.Sprintf("%.2fms", v)
	case v < 1000:
		return fmt.Sprintf("%.1fms", v)
	case v < 100e3:
		return fmt.Sprintf("%.2fs", v/1e3)
	}
	return fmt.Sprintf("%.0fs", v/1e3)
}

// fmtDur writes ns as m:ss, or h:mm:ss from an hour.
func fmtDur(ns int64) string {
	sec := max(ns, 0) / 1e9
	if sec >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	}
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}
