package session

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/targets"
)

// stopTarget keeps the stop sequences of every request it is sent.
type stopTarget struct {
	mu   sync.Mutex
	stop [][]string
}

func (s *stopTarget) Stream(_ context.Context, req targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	s.mu.Lock()
	s.stop = append(s.stop, req.Stop)
	s.mu.Unlock()
	on(targets.Chunk{Content: "a", Tokens: 1})
	return targets.Final{FinishReason: "stop"}, nil
}

// TestScenarioStopIsSent: a scenario's workload.stop reaches every request
// a level's runner sends; a kind whose API has no stop field (OpenAI's
// Responses API) is refused before the run, at the file:line:col of the
// stop, as scenarios validate refuses it.
func TestScenarioStopIsSent(t *testing.T) {
	stop := []string{"\n\nUser:", "###"}
	s, err := scenarios.Load("s.yaml", []byte("name: s\ntarget:\n  kind: vllm\n  url: http://127.0.0.1:1\n  model: m\nworkload:\n  stop: [\"\\n\\nUser:\", \"###\"]\nload:\n  concurrency: 2\n  requests: 6\n  warmup: 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	ApplyKindDefaults(s)
	s.ApplyDefaults()
	o, err := FromScenario(s, Extras{Out: filepath.Join(t.TempDir(), "run"), ServerMetrics: "off", NoProbe: true})
	if err != nil {
		t.Fatal(err)
	}
	tg := &stopTarget{}
	r, err := o.runner(tg, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Run(t.Context(), t.Context(), time.Now(), func(*rundir.Record) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if len(tg.stop) < 6 {
		t.Fatalf("%d requests sent, want 6", len(tg.stop))
	}
	for i, got := range tg.stop {
		if !slices.Equal(got, stop) {
			t.Errorf("request %d: stop %q, want %q", i, got, stop)
		}
	}

	s, err = scenarios.Load("s.yaml", []byte("name: s\ntarget:\n  kind: openai\n  api: responses\n  url: http://127.0.0.1:1\n  model: m\nworkload:\n  stop: END\nload:\n  concurrency: 1\n  requests: 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	ApplyKindDefaults(s)
	s.ApplyDefaults()
	_, err = FromScenario(s, Extras{Out: filepath.Join(t.TempDir(), "run"), ServerMetrics: "off", NoProbe: true})
	if want := "s.yaml:8:9: workload.stop: target openai sends no stop sequences on API responses"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("stop on the Responses API: %v; want %q", err, want)
	}
}

// TestScenarioKnownChecksStop: scenarios validate (ScenarioKnown) refuses
// stop sequences the kind cannot send, as run does.
func TestScenarioKnownChecksStop(t *testing.T) {
	known := ScenarioKnown()
	if known.Stop == nil {
		t.Fatal("ScenarioKnown has no stop facts")
	}
	if _, ok := known.Stop("openai", "responses"); ok {
		t.Error("openai/responses: stop facts say it sends stop sequences")
	}
	if max, ok := known.Stop("gemini", ""); !ok || max != 5 {
		t.Errorf("gemini: %d, %v; want 5, true", max, ok)
	}
}
