package live

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// TestFollowInterruptedSaysSo: watching a run the first Ctrl-C cut at 0:02
// of its 20 s level, the level's result line says "stopped early at 0:02
// of 0:20" as the run's own terminal does, and Follow returns
// ErrInterrupted (the run did not run its plan), whether the run ended
// while watched or before. Before, the row had no note and Follow returned
// nil: watch exited 0 as for a complete run.
func TestFollowInterruptedSaysSo(t *testing.T) {
	for _, whileWatched := range []bool{false, true} {
		t.Run(map[bool]string{false: "ended", true: "watched"}[whileWatched], func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				d := newRunDir(t, scenarios.SLO{}, 0)
				d.m.Load = rundir.LoadInfo{Profile: "concurrency", Concurrency: 2, DurationS: 20}
				d.writeManifest()
				end := func() {
					for k := range 8 {
						r := rec(2, int64(k)*250*ms, 50*ms, 10*ms, 5)
						r.ID = uint64(k)
						d.write(d.record(r))
					}
					d.m.ExitState, d.m.ExitReason = rundir.ExitInterrupted, "interrupted by signal"
					d.m.Levels = []rundir.LevelSpan{{Level: 2, StartNS: 0, EndNS: 2100 * ms}}
					d.writeManifest()
				}
				if !whileWatched {
					end()
				}
				var out syncBuffer
				done := make(chan error, 1)
				go func() {
					done <- Follow(context.Background(), d.dir, &out, FollowOptions{Progress: ProgressOptions{Mode: ModePlain, Interval: time.Second}})
				}()
				if whileWatched {
					time.Sleep(3 * time.Second)
					end()
				}
				err := <-done
				if !errors.Is(err, ErrInterrupted) {
					t.Errorf("watched %v: Follow returned %v; want ErrInterrupted", whileWatched, err)
				}
				if text := out.String(); !strings.Contains(text, "(stopped early at 0:02 of 0:20)") {
					t.Errorf("watched %v: the result does not say the level was stopped early:\n%s", whileWatched, text)
				}
			})
		})
	}
}
