package session

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// TestRunJSONKeepsScenarioWithControlStop: a stop sequence holding a
// control character (\x04, ESC) is recorded in run.json's scenario with
// the rest of it, the SLO included. It was dropped whole (json.Marshal
// refused MarshalJSON's output, and resolvedScenario returned nil): the
// run said "no level met the SLO", and report then judged no SLO at all.
func TestRunJSONKeepsScenarioWithControlStop(t *testing.T) {
	m, err := mock.New(mock.Config{OutputTokens: 2})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	s, err := scenarios.Load("s.yaml", []byte("name: s\ndescription: \"tab\\x01here\"\ntarget:\n  kind: vllm\n  url: "+srv.URL+"\n  model: m\nworkload:\n  stop: [\"\\e[0m\", \"\\x04\"]\n  output_tokens: 2\n  prompt_tokens: 4\nload:\n  concurrency: 1\n  requests: 2\n  warmup: 0\nslo:\n  ttft: 30s\ngpu:\n  backend: none\n"))
	if err != nil {
		t.Fatal(err)
	}
	ApplyKindDefaults(s)
	s.ApplyDefaults()
	dir := filepath.Join(t.TempDir(), "run")
	o, err := FromScenario(s, Extras{Out: dir, ServerMetrics: "off"})
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	if _, err := Run(t.Context(), t.Context(), o, &log); err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	mf, err := rundir.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Description string `json:"description"`
		Workload    struct {
			Stop []string `json:"stop"`
		} `json:"workload"`
		SLO struct {
			TTFT string `json:"ttft"`
		} `json:"slo"`
	}
	if err := json.Unmarshal(mf.Scenario, &got); err != nil || got.Description != "tab\x01here" ||
		!slices.Equal(got.Workload.Stop, []string{"\x1b[0m", "\x04"}) || got.SLO.TTFT != "30s" {
		t.Errorf("run.json's scenario %s: description %q, stop %q, slo.ttft %q, %v", mf.Scenario, got.Description, got.Workload.Stop, got.SLO.TTFT, err)
	}
}

// TestRunRefusesAScenarioItCannotRecord: a scenario run.json cannot hold
// stops the run before any request is sent, rather than run and write
// run.json without its scenario.
func TestRunRefusesAScenarioItCannotRecord(t *testing.T) {
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sent.Add(1)
		http.Error(w, "no", http.StatusTeapot)
	}))
	defer srv.Close()
	sc := &scenarios.Scenario{Name: "s"}
	sc.Load.Burstiness = math.NaN() // no JSON form
	dir := filepath.Join(t.TempDir(), "run")
	o := &Options{Scenario: sc, Kind: "vllm", URL: srv.URL, Model: "m", API: "chat", Concurrency: 1, Requests: 2, MaxTokens: 2, PromptTokens: 4,
		Timeout: 1e9, Out: dir, GPUBackend: "none", ServerMetrics: "off", GPUInterval: 5e7}
	var log strings.Builder
	_, err := Run(t.Context(), t.Context(), o, &log)
	if err == nil || !strings.Contains(err.Error(), "scenario") {
		t.Errorf("run: %v; want an error about the scenario", err)
	}
	if n := sent.Load(); n > 0 {
		t.Errorf("%d requests sent before the run was refused", n)
	}
}
