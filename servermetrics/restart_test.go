package servermetrics

import (
	"bytes"
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// An engine restarted during the run: its counters start again from 0.
// Watch carries them over the drop as Prometheus's rate() does (the value
// before the drop is added to everything after it), so that a difference
// of two samples is what the engine did between them; before, the summary
// printed "engine generated -36366.7 tok/s".
func TestWatchCarriesCountersOverARestart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gen := []float64{100, 150, -1, 10, 30, 25}
		n := 0
		scrape := func(context.Context) (rundir.ServerSample, error) {
			v := gen[n]
			n++
			if v < 0 {
				return rundir.ServerSample{Error: "x"}, context.DeadlineExceeded
			}
			return rundir.ServerSample{Engine: "vllm", GenerationTokensTotal: f(v), PromptTokensTotal: f(2 * v)}, nil
		}
		var buf bytes.Buffer
		if err := Record(t.Context(), scrape, time.Now(), WatchConfig{Count: len(gen)}, &buf); err != nil {
			t.Fatal(err)
		}
		got, err := rundir.ReadServerSamples(&buf)
		if err != nil {
			t.Fatal(err)
		}
		// 100, 150, (failed), 10 → 150+10, 30 → 150+30, 25 → 150+30+25.
		want := []float64{100, 150, 0, 160, 180, 205}
		for i, s := range got {
			if s.Error != "" {
				continue
			}
			if *s.GenerationTokensTotal != want[i] || *s.PromptTokensTotal != 2*want[i] {
				t.Errorf("sample %d: generation %v, prompt %v; want %v and %v", i, *s.GenerationTokensTotal, *s.PromptTokensTotal, want[i], 2*want[i])
			}
		}
		if len(got) != len(gen) {
			t.Errorf("%d samples; want %d", len(got), len(gen))
		}
	})
}
