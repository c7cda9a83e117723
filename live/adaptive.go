package live

import (
	"fmt"
	"strings"

	"github.com/inferbench/inferbench/rundir"
)

// Look is one look of an adaptive level (docs/adaptive.md): the intervals
// the level is judged by, narrowing while it runs, and at its end why it
// stopped. The live line of the level shows the intervals; its result line
// shows the stop.
type Look struct {
	// Level is the load level the look is of.
	Level float64 `json:"level"`
	// N is the look's number (1-based) and Judged the requests its
	// intervals rest on.
	N      int `json:"n"`
	Judged int `json:"judged"`
	// Intervals are the judged numbers with their intervals at the run's
	// confidence (repeated looks accounted for), as run.json will hold them
	// at the level's end.
	Intervals []rundir.Interval `json:"intervals,omitempty"`
	// Stop is why the level stopped ("verdict certain", "precise", "max
	// duration", …), empty while it runs; Certain says its intervals settle
	// the SLO verdict.
	Stop    string `json:"stop,omitempty"`
	Certain bool   `json:"certain,omitempty"`
}

// Look records an adaptive level's look; the last one is shown. A look with
// Stop set is the level's end: feed it before LevelFinished, so the result
// line can say why the level stopped.
func (s *State) Look(l Look) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.lastLevel(l.Level); a != nil {
		a.look = &l
	}
}

// String is the look as the live line shows it: "judged 116: TTFT p95 534ms
// [382ms, 728ms]  out tok/s 1485 [1326, 1644]"; an end the data could not
// bound reads "…", as report.IntervalString writes it.
func (l *Look) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "judged %d:", l.Judged)
	for i, e := range l.Intervals {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(" " + intervalText(e))
	}
	return b.String()
}

// intervalText is "TTFT p95 534ms [382ms, 728ms]" for a latency (ms) and
// "out tok/s 1485 [1326, 1644]" otherwise.
func intervalText(e rundir.Interval) string {
	ms := strings.Contains(e.Name, " p")
	f := func(v *float64, inf string) string {
		switch {
		case v == nil:
			return inf
		case ms:
			return fmtMS(*v)
		}
		return fmt.Sprintf("%.0f", *v)
	}
	name := e.Name
	if name == "output tokens/s" {
		name = "out tok/s"
	}
	v := e.Value
	return fmt.Sprintf("%s %s [%s, %s]", name, f(&v, "-"), f(e.Lo, "…"), f(e.Hi, "…"))
}

// lookSegment is a running adaptive level's intervals on its live line.
func lookSegment(l *LevelSnapshot) []segment {
	if l.Look == nil || len(l.Look.Intervals) == 0 {
		return nil
	}
	return []segment{{text: l.Look.String(), drop: essential + 1}}
}

// stopNote is why an adaptive level stopped, for its result line:
// "stopped: verdict certain, 116 judged".
func stopNote(l *Look) string {
	if l == nil || l.Stop == "" {
		return ""
	}
	return fmt.Sprintf("stopped: %s, %d judged", l.Stop, l.Judged)
}
