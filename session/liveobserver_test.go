package session

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/live"
	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// TestLiveObserverSaysTheRate: a run of two open-loop rates against the
// mock tells the live State what its levels count (the load profile), so
// that the live line reads "level 50 req/s": the State was told the level
// alone and the line read "level 50", as for 50 streams.
func TestLiveObserverSaysTheRate(t *testing.T) {
	_, srv := mockServer(t, mock.Config{OutputTokens: 4, TTFT: 2 * time.Millisecond, ITL: time.Millisecond})
	st := live.New(live.Options{})
	o := &Options{Kind: "vllm", URL: srv.URL, Model: "m", API: "chat", Rates: []float64{50, 100}, Requests: 6,
		MaxTokens: 4, PromptTokens: 4, Timeout: 10 * time.Second, Out: filepath.Join(t.TempDir(), "run"), GPUBackend: "none", GPUInterval: 50 * time.Millisecond,
		ServerMetrics: "off", NoProbe: true, Observers: []Observer{Live(st)}}
	var log strings.Builder
	if _, err := Run(t.Context(), t.Context(), o, &log); err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	snap := st.Snapshot()
	var names []string
	for _, l := range snap.Levels {
		if l.Plan.Profile != "rate" {
			t.Errorf("level %g's plan: profile %q; want rate", l.Plan.Level, l.Plan.Profile)
		}
		names = append(names, l.Name)
	}
	if strings.Join(names, ", ") != "level 50 req/s, level 100 req/s" {
		t.Errorf("the levels are named %q; want level 50 req/s, level 100 req/s", names)
	}
}

// TestLiveObserverSaysTheSessionRate: a rate of multi-turn sessions is named
// as one from the level's start ("level 5 sessions/s"); it read "req/s"
// until the first turn completed, as the plan did not say the requests were
// sessions' turns.
func TestLiveObserverSaysTheSessionRate(t *testing.T) {
	_, srv := mockServer(t, mock.Config{OutputTokens: 4, TTFT: 2 * time.Millisecond, ITL: time.Millisecond})
	st := live.New(live.Options{})
	var started []string
	o := &Options{Kind: "vllm", URL: srv.URL, Model: "m", API: "chat", Rates: []float64{5}, Requests: 4,
		MaxTokens: 4, PromptTokens: 4, Timeout: 10 * time.Second, Out: filepath.Join(t.TempDir(), "run"), GPUBackend: "none", GPUInterval: 50 * time.Millisecond,
		ServerMetrics: "off", NoProbe: true, Sessions: &loadgen.Sessions{Turns: func(uint64) int { return 2 }},
		Observers: []Observer{Live(st), levelStart(func(LevelPlan) { started = append(started, st.Snapshot().Levels[len(st.Snapshot().Levels)-1].Name) })}}
	var log strings.Builder
	if _, err := Run(t.Context(), t.Context(), o, &log); err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	if strings.Join(started, ", ") != "level 5 sessions/s" {
		t.Errorf("the level was named %q as it started; want level 5 sessions/s", started)
	}
}

// levelStart is an Observer that calls f as each level starts, after the
// observers before it were told.
type levelStart func(LevelPlan)

func (f levelStart) LevelStarted(p LevelPlan)           { f(p) }
func (levelStart) Started(time.Time)                    {}
func (levelStart) Record(*rundir.Record)                {}
func (levelStart) Client(rundir.ClientSample)           {}
func (levelStart) GPU([]rundir.GPUSample)               {}
func (levelStart) Server(rundir.ServerSample)           {}
func (levelStart) LevelFinished(float64, *report.Level) {}
func (levelStart) Stopping(time.Duration)               {}
func (levelStart) End(rundir.ExitState)                 {}
