package live

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/report"
)

// Frame is what the terminal shows of a snapshot.
type Frame struct {
	// Results are the permanent lines: a header, then one entry per
	// finished level in the order the levels finished. A driver prints
	// each once; the list only grows, so Results[n:] are the entries new
	// since n. On a terminal narrower than the table (ResultTableWidth) the
	// header is empty, not printed, and each level's entry is a block of
	// labelled lines joined by newlines.
	Results []string
	// Live are the lines of the running levels, redrawn in place on a
	// terminal (a level may take more than one line on a narrow one) and
	// printed every interval elsewhere.
	Live []string
}

// resultFormat lays out a result line; ResultHeader names its columns.
const resultFormat = "%7s %7v %6v %8s %8s %8s %9v  %s"

// ResultHeader is the first line of Frame.Results: the columns of the
// result lines, so that a sweep reads as a table. This one heads levels
// whose plan does not say what they count; resultHeader says it
// ("streams", "req/s") where it does.
var ResultHeader = resultHeader("")

// resultHeader is ResultHeader with its level column headed unit, a
// LevelPlan.unit ("" heads it "level").
func resultHeader(unit string) string {
	return fmt.Sprintf(resultFormat, cmp.Or(unit, "level"), "ok", "failed", "TTFT p50", "TTFT p95", "TPOT p95", "out tok/s", "SLO")
}

// ResultTableWidth is the narrowest terminal that shows the result lines
// as a table: the header and a row with its verdict ("FAIL:"), and the
// column the cursor needs. Narrower, each level's result is a block of labelled
// lines (resultBlock).
var ResultTableWidth = len(ResultHeader) + len("FAIL:") - len("SLO") + 1

// Render draws a snapshot for a terminal of width columns (tty) or for a log
// (tty false: lines are never cut, whatever the width, and hold no control
// characters). On a terminal no line is longer than width − 1 columns, so
// that none wraps and a redraw can count its lines: a line too long
// continues on the next, indented, rather than losing a number, and a
// live line leaves out its least useful parts first.
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
		table := !tty || width <= 0 || width >= ResultTableWidth
		// The levels of a run all count one thing: the first says what.
		unit := done[0].Plan.unit()
		f.Results = append(f.Results, "")
		if table {
			f.Results[0] = resultHeader(unit)
		}
		for _, l := range done {
			segs := resultBlock(l.Result, l.Plan)
			if table {
				segs = resultRow(l.Result, l.Plan, unit)
			}
			if !tty {
				f.Results = append(f.Results, join(segs))
				continue
			}
			f.Results = append(f.Results, strings.Join(flow(segs, width-1), "\n"))
		}
	}
	for i := range s.Levels {
		l := &s.Levels[i]
		if !l.Running {
			continue
		}
		f.Live = append(f.Live, liveLines(liveSegments(s, l), width, tty)...)
	}
	if len(s.Levels) == 0 && !s.Ended {
		f.Live = append(f.Live, liveLines(startingSegments(s), width, tty)...)
	}
	return f
}

// liveLines lays out a live line: fitted to the terminal, or whole after
// "inferbench: " in a log.
func liveLines(segs []segment, width int, tty bool) []string {
	if tty {
		return flow(segs, width-1)
	}
	return []string{"inferbench: " + join(segs)}
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
		segs = append(segs, segment{text: "no request done yet", drop: essential + 1})
	case s.InFlight > 0: // the run's own requests: none before its probe and sizing
		segs = append(segs, segment{text: fmt.Sprintf("in flight %d", s.InFlight), drop: essential + 1})
	}
	return segs
}

// resultRow is a finished level's row, of plan p, under the header of
// levels counted in unit (resultHeader): its columns and verdict, then
// what qualifies it, each part a segment that continues on the next line
// where it does not fit (all of them: a failed level's every reason, where
// the cut row lost all but the first). Its level is the bare number where
// the header says what it counts, "trace" for a trace.
func resultRow(r *Result, p LevelPlan, unit string) []segment {
	p.Level = r.Level // the summary's, where it gave the result
	level := p.Label()
	if p.Profile != "trace" && p.unit() == unit {
		level = strconv.FormatFloat(p.Level, 'g', -1, 64)
	}
	ttft50, ttft, tpot := "-", "-", "-"
	if r.HasTTFT {
		ttft50, ttft = fmtMS(r.TTFTP50)+mark(r.TTFTP50Thin), fmtMS(r.TTFTP95)+mark(r.TTFTThin)
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
		if len(r.Reasons) > 0 {
			slo += ":"
		}
	}
	row := fmt.Sprintf(resultFormat, level, r.OK, r.Failed, ttft50, ttft, tpot, fmt.Sprintf("%.1f", r.OutputTokensPerS), slo)
	return append([]segment{{text: row, whole: true}}, resultNotes(r, "", " ")...)
}

// resultBlock is a finished level's result, of plan p, where the table
// does not fit: labelled parts, most important first (the level as it was
// set, its counts and verdict, TTFT p50 and p95, output tokens/s), that
// flow over as many lines as the width needs; none is left out.
func resultBlock(r *Result, p LevelPlan) []segment {
	p.Level = r.Level
	segs := []segment{{text: p.Name()}, {text: fmt.Sprintf("ok %d", r.OK)}, {text: fmt.Sprintf("failed %d", r.Failed)}}
	switch r.SLO {
	case VerdictPass:
		segs = append(segs, segment{text: "SLO pass"})
	case VerdictFail:
		segs = append(segs, segment{text: "SLO FAIL"})
	}
	ttft, tpot := "TTFT -", "TPOT p95 -"
	if r.HasTTFT {
		ttft = fmt.Sprintf("TTFT p50 %s p95 %s", fmtMS(r.TTFTP50)+mark(r.TTFTP50Thin), fmtMS(r.TTFTP95)+mark(r.TTFTThin))
	}
	if r.HasTPOT {
		tpot = "TPOT p95 " + fmtMS(r.TPOTP95) + mark(r.TPOTThin)
	}
	segs = append(segs, segment{text: ttft, lead: true}, segment{text: fmt.Sprintf("out tok/s %.1f", r.OutputTokensPerS)}, segment{text: tpot})
	return append(segs, resultNotes(r, "FAIL: ", "  ")...)
}

// resultNotes are what follows a result's numbers: the reasons of a failed
// SLO (the first one prefixed first, with sep before it), the client-bound warning,
// the requests the HTTP client resent, why an adaptive level stopped, the note.
func resultNotes(r *Result, first, sep string) []segment {
	var segs []segment
	if r.SLO == VerdictFail {
		for i, why := range r.Reasons {
			if i < len(r.Reasons)-1 {
				why += ";"
			}
			seg := segment{text: why, sep: " "}
			if i == 0 {
				seg = segment{text: first + why, sep: sep}
			}
			segs = append(segs, seg)
		}
	}
	for _, q := range r.qualifiers() {
		segs = append(segs, segment{text: q.text, sep: q.sep})
	}
	return segs
}

// qualifier is one note that qualifies a result, after its verdict and
// reasons, with what goes before it on a line (segment.sep).
type qualifier struct{ text, sep string }

// qualifiers are what qualifies a result, in the order the terminal shows
// them: the client-bound warning, the requests the HTTP client resent, why
// an adaptive level stopped, the note. The result line and the live page
// (Result's "notes") both show these texts.
func (r *Result) qualifiers() []qualifier {
	var qs []qualifier
	if r.ClientBound {
		qs = append(qs, qualifier{text: "CLIENT-BOUND"})
	}
	if r.Resent > 0 {
		qs = append(qs, qualifier{text: resentNote(r)})
	}
	if r.Stop != "" {
		qs = append(qs, qualifier{text: "(" + r.Stop + ")"})
	}
	if r.Note != "" {
		qs = append(qs, qualifier{text: "(" + r.Note + ")", sep: " "})
	}
	return qs
}

// resentNote says how many of a level's requests the HTTP client sent
// again on its own (an HTTP/2 stream refused, a kept-alive connection
// found closed), whose TTFT holds the failed sends, as report's level
// notes warn of them: "(resent by the HTTP client: 9 of 80)".
func resentNote(r *Result) string {
	return fmt.Sprintf("(resent by the HTTP client: %d of %d)", r.Resent, r.OK+r.Failed)
}

// mark is report.SmallSampleMark where a percentile rests on too few samples.
func mark(thin bool) string {
	if thin {
		return report.SmallSampleMark
	}
	return ""
}

// segment is one part of a line (flow). Drop says how useful it is: up to
// essential, it is always shown, in its short form if it has one and the
// long one does not fit; above, it is shown where it fits, the lowest
// drop number first.
type segment struct {
	text  string
	drop  int
	short string
	sep   string // what goes before it on a line, after another; "" is two spaces
	lead  bool   // it begins a line where the essential segments need more than one
	whole bool   // never split at its spaces (splitWide), as a table row
}

// essential is the highest drop number of a segment that a terminal always
// shows, on a line of its own if it must: the level, its progress,
// failures, ETA, TTFT p50/p95 and output tokens/s, and the client-bound
// warning.
const essential = 3

// liveSegments are the parts of a running level's line, most useful first.
func liveSegments(s *Snapshot, l *LevelSnapshot) []segment {
	w := l.Window
	elapsed := max(s.NowNS-l.StartNS, 0)
	segs := []segment{{text: l.Plan.Name()}}
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
		segs = append(segs, segment{text: fmt.Sprintf("TTFT p50 %s p95 %s", fmtMS(w.TTFT.P50), fmtMS(w.TTFT.P95)), drop: 2, lead: true,
			short: fmt.Sprintf("TTFT p50 %s p95 %s", fmtMSShort(w.TTFT.P50), fmtMSShort(w.TTFT.P95))})
	} else {
		segs = append(segs, segment{text: "TTFT -", drop: 6})
	}
	tok := tokensSegment(s, w)
	tok.lead = w.TTFT.N == 0 // the numbers begin a line, the TTFT or else the tokens
	segs = append(segs, tok)
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

// flow lays segs out in lines of at most width columns, the lines after
// the first indented by two spaces. The essential segments (drop up to
// essential) are laid first, in order: each goes on the line so far if
// it fits there, in its long form or else with short forms taken (the
// least useful first), and begins a new line otherwise, as a lead segment
// does where they do not all fit on one line. The others then
// go, the most useful first, on the line of the essential segment before
// them where they fit (in their long form, else their short one), and
// are left out where not. Last, short forms go back to long where the
// line has room. A single segment wider than a line is cut: nothing the
// package writes is.
func flow(segs []segment, width int) []string {
	if width <= 0 {
		return []string{join(segs)}
	}
	segs = splitWide(segs, width-2)
	type placed struct {
		i     int
		short bool
	}
	var lines [][]placed
	room := func(n int) int { // a line's columns
		if n == 0 {
			return width
		}
		return width - 2
	}
	cols := func(line []placed) int {
		n := 0
		for k, p := range line {
			t := segs[p.i].text
			if p.short {
				t = segs[p.i].short
			}
			if k > 0 {
				n += printable.Width(cmp.Or(segs[p.i].sep, "  "))
			}
			n += printable.Width(t)
		}
		return n
	}
	// shorten takes short forms in line, the least useful first (the
	// rightmost of equals), until it fits in w; false if it cannot.
	shorten := func(line []placed, w int) bool {
		for cols(line) > w {
			worst := -1
			for k, p := range line {
				if !p.short && segs[p.i].short != "" && (worst < 0 || segs[p.i].drop >= segs[line[worst].i].drop) {
					worst = k
				}
			}
			if worst < 0 {
				return false
			}
			line[worst].short = true
		}
		return true
	}
	var ess []placed
	for i, sg := range segs {
		if sg.drop <= essential {
			ess = append(ess, placed{i: i})
		}
	}
	oneLine := shorten(ess, width)
	lineOf := make([]int, len(segs)) // the line of each essential segment
	for i, sg := range segs {
		if sg.drop > essential {
			continue
		}
		if n := len(lines); n > 0 && (oneLine || !sg.lead) {
			try := append(slices.Clone(lines[n-1]), placed{i: i})
			if shorten(try, room(n-1)) {
				lines[n-1], lineOf[i] = try, n-1
				continue
			}
		}
		line := []placed{{i: i}}
		shorten(line, room(len(lines)))
		lines, lineOf[i] = append(lines, line), len(lines)
	}
	if len(lines) == 0 {
		lines = append(lines, nil)
	}
	var optional []int
	for i, sg := range segs {
		if sg.drop > essential {
			optional = append(optional, i)
		}
	}
	slices.SortStableFunc(optional, func(a, b int) int { return cmp.Compare(segs[a].drop, segs[b].drop) })
	for _, i := range optional {
		n := 0
		for j := i - 1; j >= 0; j-- {
			if segs[j].drop <= essential {
				n = lineOf[j]
				break
			}
		}
		at, _ := slices.BinarySearchFunc(lines[n], i, func(p placed, i int) int { return cmp.Compare(p.i, i) })
		long := slices.Insert(slices.Clone(lines[n]), at, placed{i: i})
		short := slices.Insert(slices.Clone(lines[n]), at, placed{i: i, short: true})
		switch {
		case cols(long) <= room(n):
			lines[n] = long
		case segs[i].short != "" && cols(short) <= room(n):
			lines[n] = short
		}
	}
	out := make([]string, len(lines))
	for n, line := range lines {
		// Long forms back where there is room, the most useful first.
		order := make([]int, len(line))
		for k := range order {
			order[k] = k
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(segs[line[a].i].drop, segs[line[b].i].drop) })
		for _, k := range order {
			if line[k].short {
				if line[k].short = false; cols(line) > room(n) {
					line[k].short = true
				}
			}
		}
		var b strings.Builder
		if n > 0 {
			b.WriteString("  ")
		}
		for k, p := range line {
			if k > 0 {
				b.WriteString(cmp.Or(segs[p.i].sep, "  "))
			}
			if p.short {
				b.WriteString(segs[p.i].short)
			} else {
				b.WriteString(segs[p.i].text)
			}
		}
		out[n] = cutTo(b.String(), width)
	}
	return out
}

// splitWide splits an essential segment wider than a line of width
// columns, even in its short form, at its spaces into segments that flow
// on (a reason or an adaptive stop longer than a 40-column line was cut;
// TTFT p50 and p95, 24 columns short, lost "p95" and its value on a
// continuation line of 26 columns or fewer).
func splitWide(segs []segment, width int) []segment {
	var out []segment
	for _, sg := range segs {
		text := sg.text
		if sg.short != "" {
			text = sg.short
		}
		if sg.drop > essential || sg.whole || printable.Width(text) <= width {
			out = append(out, sg)
			continue
		}
		piece := sg
		piece.text, piece.short = "", ""
		for _, word := range strings.Fields(text) {
			switch {
			case piece.text == "":
				piece.text = word
			case printable.Width(piece.text)+1+printable.Width(word) <= width:
				piece.text += " " + word
			default:
				out = append(out, piece)
				piece = segment{text: word, drop: sg.drop, sep: " "}
			}
		}
		out = append(out, piece)
	}
	return out
}

// cutTo cuts line to width columns, at a character's boundary.
func cutTo(line string, width int) string {
	if width <= 0 || printable.Width(line) <= width {
		return line
	}
	return printable.Cut(line, width)
}

// join writes segs on one line, as a log has them.
func join(segs []segment) string {
	var b strings.Builder
	for i, s := range segs {
		if i > 0 {
			b.WriteString(cmp.Or(s.sep, "  "))
		}
		b.WriteString(s.text)
	}
	return b.String()
}

// fmtMS writes a latency in ms compactly: 9.87ms, 980.1ms, 1.52s, 125s.
func fmtMS(v float64) string { return fmtLatency(v, 2) }

// fmtMSShort writes a latency in ms in fewer columns: 9.9ms, 980ms, 1.5s.
func fmtMSShort(v float64) string { return fmtLatency(v, 1) }

// fmtLatency writes a latency of v ms with digits decimals under 10 ms,
// one fewer to 1 s, digits in seconds to 100 s, and whole seconds beyond.
func fmtLatency(v float64, digits int) string {
	switch {
	case v < 10:
		return fmt.Sprintf("%.*fms", digits, v)
	case v < 1000:
		return fmt.Sprintf("%.*fms", digits-1, v)
	case v < 100e3:
		return fmt.Sprintf("%.*fs", digits, v/1e3)
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
