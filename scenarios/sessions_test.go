package scenarios

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSessionFields: workload.turns and workload.think_time decode in both
// forms, and every mistake is located at file:line:col.
func TestSessionFields(t *testing.T) {
	s, err := Load("s.yaml", []byte("name: a\nworkload:\n  turns: {dist: uniform, min: 2, max: 6}\n  think_time: {dist: exponential, mean: 2s}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if w := s.Workload; w.Turns.Kind != DistUniform || w.Turns.Max != 6 || w.ThinkTime.Kind != DistExponential || w.ThinkTime.Mean != Duration(2*time.Second) {
		t.Fatalf("decoded %+v %+v", w.Turns, w.ThinkTime)
	}
	s, err = Load("s.yaml", []byte("name: a\nworkload:\n  turns: 4\n  think_time: 1500ms\n"))
	if err != nil || s.Workload.Turns.Value != 4 || s.Workload.ThinkTime.Value != Duration(1500*time.Millisecond) {
		t.Fatalf("fixed forms: %+v, %v", s, err)
	}
	for _, tt := range []struct{ name, src, want string }{
		{"zero turns", "name: a\nworkload:\n  turns: 0\n", "s.yaml:3:10: workload.turns: must be between 1 and 1000 turns, got 0"},
		{"too many turns", "name: a\nworkload:\n  turns: 5000\n", "s.yaml:3:10: workload.turns: must be between 1 and 1000 turns, got 5000"},
		{"think without turns", "name: a\nworkload:\n  think_time: 1s\n", "s.yaml:3:15: workload.think_time: needs workload.turns: think time is the pause between a session's turns"},
		{"bare think time", "name: a\nworkload:\n  turns: 2\n  think_time: 3\n", "s.yaml:4:15: workload.think_time: want a duration with its unit, such as 250ms, 1s or 1m30s"},
		{"unknown think key", "name: a\nworkload:\n  turns: 2\n  think_time: {dist: exponential, meen: 1s}\n", `s.yaml:4:35: workload.think_time.meen: unknown key "meen" (did you mean "mean"?)`},
		{"think max below min", "name: a\nworkload:\n  turns: 2\n  think_time: {dist: uniform, min: 3s, max: 1s}\n", "s.yaml:4:45: workload.think_time.max: must be ≥ min (3s), got 1s"},
		{"turns with a trace", "name: a\nworkload:\n  turns: 2\nload: {trace: {file: testdata/trace.jsonl}}\n", "s.yaml:3:10: workload.turns: not used with load.trace: a trace replays independent requests"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("s.yaml", []byte(tt.src))
			if diff := cmp.Diff([]string{tt.want}, errLines(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseSessionFlags: the --turns and --think-time values, and their
// one-line errors.
func TestParseSessionFlags(t *testing.T) {
	if d, err := ParseTurns("4"); err != nil || d.Value != 4 {
		t.Errorf("ParseTurns(4) = %+v, %v", d, err)
	}
	if d, err := ParseTurns("{dist: uniform, min: 2, max: 6}"); err != nil || d.Min != 2 || d.Max != 6 {
		t.Errorf("ParseTurns(uniform) = %+v, %v", d, err)
	}
	if tt, err := ParseThinkTime("2s"); err != nil || tt.Value != Duration(2*time.Second) {
		t.Errorf("ParseThinkTime(2s) = %+v, %v", tt, err)
	}
	for _, bad := range []string{"0", "many", "{dist: empirical, file: x}"} {
		if _, err := ParseTurns(bad); err == nil || len(errLines(err)) != 1 {
			t.Errorf("ParseTurns(%q) = %v, want a one-line error", bad, err)
		}
	}
	for _, bad := range []string{"2", "-1s", "{dist: exponential}", "{dist: gamma, mean: 1s}"} {
		if _, err := ParseThinkTime(bad); err == nil || len(errLines(err)) != 1 {
			t.Errorf("ParseThinkTime(%q) = %v, want a one-line error", bad, err)
		}
	}
}

// TestThinkTimeSample: the draws have the distribution's mean (exponential
// and lognormal 2 s, uniform 1–3 s: mean 2 s) within 3 % over 100,000
// draws, and a fixed pause is itself.
func TestThinkTimeSample(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tt := range []ThinkTime{
		{Kind: DistExponential, Mean: Duration(2 * time.Second)},
		{Kind: DistLognormal, Mean: Duration(2 * time.Second), Stddev: Duration(time.Second)},
		{Kind: DistUniform, Min: Duration(time.Second), Max: Duration(3 * time.Second)},
	} {
		var sum time.Duration
		const n = 100000
		for range n {
			sum += tt.Sample(rng)
		}
		if mean := sum / n; mean < 1940*time.Millisecond || mean > 2060*time.Millisecond {
			t.Errorf("%s: mean %s, want 2s ± 3%%", tt, mean)
		}
	}
	fixed := ThinkTime{Value: Duration(700 * time.Millisecond)}
	if got := fixed.Sample(rng); got != 700*time.Millisecond {
		t.Errorf("fixed: %s", got)
	}
}

// TestThinkTimeLognormalSpread: a lognormal pause has the standard
// deviation asked, not only the mean (it draws as a lognormal length does,
// through lognormal, whose spread TestSampleMoments checks for lengths).
// Within 5 standard errors of the sample deviation over 100,000 draws:
// σ·√((2+κ)/n)/2, κ the log-normal's excess kurtosis.
func TestThinkTimeLognormalSpread(t *testing.T) {
	const n = 100_000
	mean, sd := 2*time.Second, time.Second
	tt := ThinkTime{Kind: DistLognormal, Mean: Duration(mean), Stddev: Duration(sd)}
	rng := rand.New(rand.NewPCG(5, 6))
	var sum, sum2 float64
	for range n {
		x := tt.Sample(rng).Seconds()
		sum += x
		sum2 += x * x
	}
	m := sum / n
	got := math.Sqrt(sum2/n - m*m)
	s2 := math.Log1p(sd.Seconds() * sd.Seconds() / (mean.Seconds() * mean.Seconds()))
	kurt := math.Exp(4*s2) + 2*math.Exp(3*s2) + 3*math.Exp(2*s2) - 6
	if tol := 5 * sd.Seconds() * math.Sqrt((2+kurt)/n) / 2; math.Abs(got-sd.Seconds()) > tol {
		t.Errorf("%s: stddev %.4fs, want %.4fs ± %.4fs", tt, got, sd.Seconds(), tol)
	}
}
