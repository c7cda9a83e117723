package session

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestAdaptiveInterruptedClaimsNoSaving: an adaptive sweep of 1, 2, 4 and
// 8 streams stopped by Ctrl-C in its first level ran one level, cut short,
// because the user stopped it, not because its numbers were known. Its
// spend set against a fixed sweep of the four levels read "100% saved"
// (the cut level and the three levels never run priced as savings) on the
// log, in run.json and in every report. An interrupted run makes no such
// claim, and run.json says why no further level ran.
func TestAdaptiveInterruptedClaimsNoSaving(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := adaptiveOptions(t, "http://mock")
		o.Concurrency, o.Sweep = 0, []int{1, 2, 4, 8}
		o.Dial = fixedMockBubble(t, 5*time.Millisecond, time.Millisecond, 8)
		drain, stop := context.WithCancel(t.Context())
		time.AfterFunc(50*time.Millisecond, stop) // about 4 requests of level 1
		var log strings.Builder
		res, err := Run(t.Context(), drain, o, &log)
		if err != nil || res == nil || res.Manifest.ExitState != rundir.ExitInterrupted {
			t.Fatalf("run: %v, %+v; want interrupted\n%s", err, res, log.String())
		}
		m, err := rundir.ReadManifest(o.Out)
		if err != nil || m.Adaptive == nil || len(m.Adaptive.Levels) != 1 {
			t.Fatalf("run.json: %v, adaptive %+v; want one level", err, m.Adaptive)
		}
		if sp := m.Adaptive.Spend; sp != nil && (sp.FixedWallS > 0 || sp.Saved != 0) {
			t.Errorf("run.json spend %+v: an interrupted run set against a fixed sweep (%.0f%% saved)", *sp, 100*sp.Saved)
		}
		if strings.Contains(log.String(), "saved") {
			t.Errorf("the log claims a saving:\n%s", log.String())
		}
		if !strings.Contains(m.Adaptive.Ended, "interrupted") {
			t.Errorf("run.json adaptive.ended %q; want it to say the run was interrupted", m.Adaptive.Ended)
		}
		// The level cut short says why it stopped: the run did, not the
		// level ("ended" read as the level's own end).
		if r := m.Adaptive.Levels[0].Reason; r != "run stopped" || !strings.Contains(log.String(), "inferbench: level 1: stopped (run stopped)") {
			t.Errorf("run.json level reason %q; want run stopped, and the log to say so:\n%s", r, log.String())
		}
	})
}
