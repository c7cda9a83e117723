package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// The mock's threads' CPU wait over a level, hand-computed: window 10 s
// (scrapes at its two ends), mock_cpu_wait_s_total 2.0 → 5.0 s over
// mock_cpu_slices_total 1,000 → 11,000 and mock_cpu_s_total 1.0 → 1.5 s:
// 0.3 ms a time (past MockCPUWaitBoundMS), 6 s per CPU second (past
// MockCPUWaitPerCPUBound), and 0.3 threads waiting on average; its engine
// lost only 1 % of its schedule (under SimBehindBound): MOCK-BEHIND, one
// sentence naming both. With 3 s of CPU instead (1 s per CPU second: the
// mock's threads queued behind each other, not behind a host) it is not.
func TestMockCPUWaitFlagsALevel(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	sum, table := behindLevel(t, []rundir.ServerSample{
		{TNS: 4e9, Engine: "vllm", SimBehindSecondsTotal: f(0), MockCPUWaitSecondsTotal: f(0), MockCPUSlicesTotal: f(0), MockCPUSecondsTotal: f(0)}, // before the window
		{TNS: 5e9, Engine: "vllm", SimBehindSecondsTotal: f(3.0), MockCPUWaitSecondsTotal: f(2.0), MockCPUSlicesTotal: f(1000), MockCPUSecondsTotal: f(1)},
		{TNS: 15e9, Engine: "vllm", SimBehindSecondsTotal: f(3.1), MockCPUWaitSecondsTotal: f(5.0), MockCPUSlicesTotal: f(11000), MockCPUSecondsTotal: f(1.5)},
	})
	sb := sum.Levels[0].Server.SimBehind
	if sb == nil || !near(sb.Share, 0.01) || sb.CPUWaitS == nil || *sb.CPUWaitS != 3 || sb.CPUWaitMeanMS == nil || !near(*sb.CPUWaitMeanMS, 0.3) || sb.CPUWaitPerCPU == nil || !near(*sb.CPUWaitPerCPU, 6) ||
		sb.CPUWaitThreads == nil || !near(*sb.CPUWaitThreads, 0.3) || !sb.Flagged || sb.NoSchedule {
		t.Fatalf("level %+v; want 1 %% behind, 3 s CPU wait, 0.3 ms, 0.3 threads, flagged", sb)
	}
	want := "MOCK-BEHIND: the mock's threads waited 0.30 ms on average for a CPU each time they became runnable, 6.0 s per second they ran, and its simulated engine fell 0.10 s (1.0 %) behind its schedule: the host took the CPU away, its tokens reached the client late; its numbers read slower than the profile\n"
	if !strings.Contains(table, want) {
		t.Errorf("table lacks %q:\n%s", want, table)
	}
	// In a list of levels the CPU wait, not the 1 % lag, is what flagged it.
	if got := sb.Short(); got != "waited 0.30 ms for a CPU" {
		t.Errorf("Short() = %q; want the CPU wait", got)
	}
	self, _ := behindLevel(t, []rundir.ServerSample{
		{TNS: 5e9, Engine: "vllm", SimBehindSecondsTotal: f(3.0), MockCPUWaitSecondsTotal: f(2.0), MockCPUSlicesTotal: f(1000), MockCPUSecondsTotal: f(1)},
		{TNS: 15e9, Engine: "vllm", SimBehindSecondsTotal: f(3.1), MockCPUWaitSecondsTotal: f(5.0), MockCPUSlicesTotal: f(11000), MockCPUSecondsTotal: f(4)},
	})
	if sb := self.Levels[0].Server.SimBehind; sb == nil || sb.CPUWaitPerCPU == nil || !near(*sb.CPUWaitPerCPU, 1) || sb.Flagged {
		t.Errorf("1 s per CPU second: %+v; want not flagged", sb)
	}
	if !strings.Contains(table, "mock engine behind schedule 0.10 s (1.0%); mock threads' wait for a CPU 0.300 ms mean (0.30 threads waiting)") {
		t.Errorf("server line lacks the wait:\n%s", table)
	}
	b, err := json.Marshal(sb)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"flagged":true,"cpu_wait_s":3,"cpu_wait_mean_ms":0.3,"cpu_wait_per_cpu_s":6,"cpu_wait_threads":0.3`) {
		t.Errorf("summary.json sim_behind %s", b)
	}
}

// Fixed timing has no schedule to fall behind but its tokens are late all
// the same: the CPU wait alone flags it (1.5 s over 5,000 timeslices, 0.3
// ms, and 0.25 s of CPU, 6 s per CPU second), and the sentence speaks of
// no engine. 0.25 s over as many (0.05
// ms) is not flagged, and the server line still gives the figure.
func TestMockCPUWaitFixedTiming(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	sum, table := behindLevel(t, []rundir.ServerSample{
		{TNS: 5e9, Engine: "vllm", MockCPUWaitSecondsTotal: f(0), MockCPUSlicesTotal: f(0), MockCPUSecondsTotal: f(0)},
		{TNS: 15e9, Engine: "vllm", MockCPUWaitSecondsTotal: f(1.5), MockCPUSlicesTotal: f(5000), MockCPUSecondsTotal: f(0.25)},
	})
	sb := sum.Levels[0].Server.SimBehind
	if sb == nil || !sb.NoSchedule || sb.S != 0 || sb.SpanS != 10 || !near(*sb.CPUWaitMeanMS, 0.3) || !sb.Flagged {
		t.Fatalf("level %+v; want no schedule, 0.3 ms over 10 s, flagged", sb)
	}
	want := "MOCK-BEHIND: the mock's threads waited 0.30 ms on average for a CPU each time they became runnable, 6.0 s per second they ran: the host took the CPU away, its tokens reached the client late; its numbers read slower than the profile\n"
	if !strings.Contains(table, want) {
		t.Errorf("table lacks %q:\n%s", want, table)
	}
	if strings.Contains(table, "behind schedule") {
		t.Errorf("fixed timing given a schedule:\n%s", table)
	}
	sum, table = behindLevel(t, []rundir.ServerSample{
		{TNS: 5e9, Engine: "vllm", MockCPUWaitSecondsTotal: f(0), MockCPUSlicesTotal: f(0), MockCPUSecondsTotal: f(0)},
		{TNS: 15e9, Engine: "vllm", MockCPUWaitSecondsTotal: f(0.25), MockCPUSlicesTotal: f(5000), MockCPUSecondsTotal: f(0.05)},
	})
	if sb := sum.Levels[0].Server.SimBehind; sb == nil || sb.Flagged || strings.Contains(table, "MOCK-BEHIND") {
		t.Errorf("0.05 ms flagged: %+v\n%s", sb, table)
	}
	if !strings.Contains(table, "mock threads' wait for a CPU 0.050 ms mean (0.03 threads waiting)") {
		t.Errorf("server line lacks the wait:\n%s", table)
	}
}

func TestRunWaitThreads(t *testing.T) {
	for _, tt := range []struct {
		delta, span, want float64
		ok                bool
	}{
		{3, 10, 0.3, true},
		{0, 10, 0, true},
		{1, 0, 0, false},   // no span
		{-1, 10, 0, false}, // a total that went back
	} {
		got, ok := RunWaitThreads(tt.delta, tt.span)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RunWaitThreads(%v, %v) = %v, %v; want %v, %v", tt.delta, tt.span, got, ok, tt.want, tt.ok)
		}
	}
}
