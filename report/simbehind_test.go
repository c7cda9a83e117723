package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// behindLevel is a level of window [5 s, 15 s] summarized from samples,
// with the run's summary around it, and the terminal table of both.
func behindLevel(t *testing.T, samples []rundir.ServerSample) (*Summary, string) {
	t.Helper()
	sum := &Summary{Levels: []Level{{Level: 4, StartNS: 5e9, EndNS: 15e9, WindowS: 10, Requests: Requests{Total: 40, OK: 40}}}}
	attachServer(samples, sum)
	var b strings.Builder
	if err := WriteTable(&b, sum, nil); err != nil {
		t.Fatal(err)
	}
	return sum, b.String()
}

// The mock's behind-schedule counter over a level, hand-computed: window
// 10 s (scrapes at its two ends), counter 3.0 → 4.5 s: 1.5 s lost, 15 %
// of the window, past SimBehindBound (2 %): MOCK-BEHIND. Scrapes outside
// the window, a failed one and one without the counter are skipped.
func TestSimBehindFlagsALevel(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	sum, table := behindLevel(t, []rundir.ServerSample{
		{TNS: 4e9, Engine: "vllm", SimBehindSecondsTotal: f(2.0)}, // before the window
		{TNS: 5e9, Engine: "vllm", SimBehindSecondsTotal: f(3.0)},
		{TNS: 8e9, Error: "connection refused"},
		{TNS: 9e9, Engine: "vllm"},
		{TNS: 15e9, Engine: "vllm", SimBehindSecondsTotal: f(4.5)},
		{TNS: 16e9, Engine: "vllm", SimBehindSecondsTotal: f(9.0)}, // after
	})
	sb := sum.Levels[0].Server.SimBehind
	if sb == nil || sb.S != 1.5 || sb.SpanS != 10 || sb.Share != 0.15 || !sb.Flagged {
		t.Fatalf("level sim behind %+v; want 1.5 s over 10 s, 15 %%, flagged", sb)
	}
	want := "MOCK-BEHIND: the simulated engine fell 1.50 s (15.0 %) behind its schedule: the host was too busy; its numbers read slower than the profile\n"
	if !strings.Contains(table, want) {
		t.Errorf("table lacks %q:\n%s", want, table)
	}
	// The whole run: 2.0 → 9.0 s over the 12 s of scrapes, 58 %.
	if r := sum.SimBehind; r == nil || r.S != 7 || r.SpanS != 12 || !r.Flagged {
		t.Errorf("run sim behind %+v; want 7 s over 12 s, flagged", r)
	}
	if !strings.Contains(table, "MOCK-BEHIND: the simulated engine fell 7.00 s (58.3 %) behind its schedule: the host was too busy; its numbers read slower than the profile (the whole run, 12.0 s of scrapes)") {
		t.Errorf("table lacks the run's line:\n%s", table)
	}
}

// Below the bound (3.0 → 3.1 s: 1 %) the level is not flagged; the
// server line still says how far behind the engine fell, so a quiet run
// shows its ground truth held.
func TestSimBehindBelowTheBound(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	sum, table := behindLevel(t, []rundir.ServerSample{
		{TNS: 5e9, Engine: "vllm", SimBehindSecondsTotal: f(3.0)},
		{TNS: 15e9, Engine: "vllm", SimBehindSecondsTotal: f(3.1)},
	})
	sb := sum.Levels[0].Server.SimBehind
	if sb == nil || sb.Flagged || sb.Share < 0.0099 || sb.Share > 0.0101 {
		t.Fatalf("sim behind %+v; want 1 %%, not flagged", sb)
	}
	if strings.Contains(table, "MOCK-BEHIND") {
		t.Errorf("a 1 %% lag flagged:\n%s", table)
	}
	if !strings.Contains(table, "mock engine behind schedule 0.10 s (1.0%)") {
		t.Errorf("server line lacks the lag:\n%s", table)
	}
}

// A real engine has no such counter: nothing is said, and summary.json
// has no sim_behind anywhere.
func TestSimBehindAbsentForARealEngine(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	sum, table := behindLevel(t, []rundir.ServerSample{
		{TNS: 5e9, Engine: "vllm", GenerationTokensTotal: f(0)},
		{TNS: 15e9, Engine: "vllm", GenerationTokensTotal: f(1000)},
	})
	if sum.SimBehind != nil || sum.Levels[0].Server.SimBehind != nil {
		t.Errorf("sim behind %+v, %+v without the counter", sum.SimBehind, sum.Levels[0].Server.SimBehind)
	}
	if strings.Contains(table, "MOCK-BEHIND") || strings.Contains(table, "behind schedule") {
		t.Errorf("table speaks of a lag it has no counter for:\n%s", table)
	}
}

func TestSimBehindShare(t *testing.T) {
	for _, tt := range []struct {
		delta, span, want float64
		ok                bool
	}{
		{1.5, 10, 0.15, true},
		{0, 10, 0, true},
		{1, 0, 0, false},   // no span
		{-1, 10, 0, false}, // a counter that went back
	} {
		got, ok := SimBehindShare(tt.delta, tt.span)
		if got != tt.want || ok != tt.ok {
			t.Errorf("SimBehindShare(%v, %v) = %v, %v; want %v, %v", tt.delta, tt.span, got, ok, tt.want, tt.ok)
		}
	}
}
