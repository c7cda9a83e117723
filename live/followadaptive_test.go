package live

import (
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// TestFollowSaysWhyAdaptiveLevelsStopped: watch of an adaptive run that has
// ended says on each level's result line why it stopped, from run.json's
// adaptive levels, as the run's own terminal said it; before, `inferbench
// watch` of a `--rate 2,6,12 --precision 0.05` run printed bare rows where
// the run had printed "(stopped: verdict certain, 110 judged)".
func TestFollowSaysWhyAdaptiveLevelsStopped(t *testing.T) {
	d := newRunDir(t, scenarios.SLO{TTFT: scenarios.Duration(time.Second)}, 0)
	stops := map[float64]rundir.AdaptiveLevel{
		2: {Level: 2, Reason: "verdict certain", Verdict: "pass", Certain: true, N: 7, Judged: 6, Looks: 2},
		6: {Level: 6, Reason: "max requests", Verdict: "pass", N: 5, Judged: 5, Looks: 3},
	}
	for _, level := range []float64{2, 6} {
		for k := range int(stops[level].N) {
			r := rec(level, int64(level)*int64(time.Second)+int64(k)*100*ms, 50*ms, 20*ms, 10)
			r.ID = uint64(k)
			d.write(d.record(r))
		}
		d.m.Adaptive = &rundir.Adaptive{Precision: 0.05, Confidence: 0.95}
	}
	d.m.Adaptive.Levels = []rundir.AdaptiveLevel{stops[2], stops[6]}
	d.m.ExitState = rundir.ExitComplete
	d.writeManifest()

	var out syncBuffer
	if err := Follow(t.Context(), d.dir, &out, FollowOptions{Progress: ProgressOptions{Mode: ModePlain, Interval: time.Second}}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{"(stopped: verdict certain, 6 judged)", "(stopped: max requests, 5 judged)"} {
		if !strings.Contains(text, want) {
			t.Errorf("watch's output lacks %q:\n%s", want, text)
		}
	}
}
