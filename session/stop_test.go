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
// stop sequences the kind cannot send, as run does: the registry's facts,
// Replicate's comma-joined stop_sequences among them.
func TestScenarioKnownChecksStop(t *testing.T) {
	known := ScenarioKnown()
	if known.Stop == nil {
		t.Fatal("ScenarioKnown has no stop facts")
	}
	for _, c := range []struct {
		kind, api string
		want      scenarios.StopRules
	}{
		{"openai", "responses", scenarios.StopRules{None: true}},
		{"gemini", "", scenarios.StopRules{Max: 5}},
		{"replicate", "", scenarios.StopRules{NoComma: true}},
		{"vllm", "chat", scenarios.StopRules{}},
		{"no-such-kind", "", scenarios.StopRules{}},
	} {
		if got := known.Stop(c.kind, c.api, "m"); got != c.want {
			t.Errorf("%s/%s: %+v, want %+v", c.kind, c.api, got, c.want)
		}
	}
}

// TestScenarioStopWithCommaOnReplicate: a scenario whose stop sequence
// holds a comma, for a kind that joins its sequences with commas
// (Replicate), is refused before the run at that sequence's line; it ran,
// and every request failed in the adapter.
func TestScenarioStopWithCommaOnReplicate(t *testing.T) {
	s, err := scenarios.Load("s.yaml", []byte("name: s\ntarget:\n  kind: replicate\n  model: meta/meta-llama-3-8b-instruct\nworkload:\n  stop:\n    - \"###\"\n    - \"Human, AI:\"\nload:\n  concurrency: 1\n  requests: 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	ApplyKindDefaults(s)
	s.ApplyDefaults()
	_, err = FromScenario(s, Extras{Out: filepath.Join(t.TempDir(), "run"), ServerMetrics: "off", NoProbe: true})
	if want := `s.yaml:8:7: workload.stop[1]: target replicate cannot send the stop sequence "Human, AI:"`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("a comma in a stop sequence on replicate: %v; want %q", err, want)
	}
}
