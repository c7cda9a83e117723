package report

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// vllmReferenceRecords are the three records of
// testdata/vllm/README.md's table.
func vllmReferenceRecords() []*rundir.Record {
	m := rundir.StageMeasure
	return []*rundir.Record{
		{Stage: m, Level: 2, SentNS: 0, FirstByteNS: 10 * ms, FirstTokenNS: 20 * ms, EndNS: 40 * ms, DoneNS: 41 * ms,
			Chunks: [][2]int64{{20 * ms, 1}, {30 * ms, 2}, {40 * ms, 1}}, InputTokens: 10, OutputTokens: 4, OK: true},
		{Stage: m, Level: 2, SentNS: 5 * ms, FirstByteNS: 35 * ms, FirstTokenNS: 35 * ms, EndNS: 55 * ms, DoneNS: 60 * ms,
			Chunks: [][2]int64{{35 * ms, 1}, {55 * ms, 1}}, InputTokens: 20, OutputTokens: 2, OK: true},
		{Stage: m, Level: 2, SentNS: 10 * ms, DoneNS: 15 * ms, Status: 500, ErrorClass: "http_5xx", Error: "HTTP 500"},
		// Warmup does not count.
		{Stage: rundir.StageWarmup, Level: 2, SentNS: 0, FirstTokenNS: 1, EndNS: 900 * ms, DoneNS: 900 * ms, OK: true, OutputTokens: 9},
	}
}

// TestVLLMExportReference checks the export key by key against a result
// file with vLLM's documented keys and hand-computed values
// (testdata/vllm/README.md cites the source).
func TestVLLMExportReference(t *testing.T) {
	e := NewVLLMExport(VLLMMeta{Kind: "vllm", API: "chat", Model: "m", Label: "run-a", Profile: "concurrency",
		Start: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Version: "test"}, nil)
	for _, r := range vllmReferenceRecords() {
		e.Add(r)
	}
	if got := e.Levels(); !reflect.DeepEqual(got, []float64{2}) {
		t.Fatalf("levels %v; want [2]", got)
	}
	b, err := e.Result(2)
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	ref, err := os.ReadFile("testdata/vllm/reference_result.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(ref, &want); err != nil {
		t.Fatal(err)
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("key %s missing", k)
			continue
		}
		if !jsonClose(g, w) {
			t.Errorf("%s = %v; want %v", k, g, w)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok && k != "inferbench" {
			t.Errorf("key %s is not one of vLLM's", k)
		}
	}
	meta, _ := got["inferbench"].(map[string]any)
	defs, _ := meta["definitions"].([]any)
	if len(defs) == 0 || !strings.Contains(defs[1].(string), "per chunk") || !strings.Contains(defs[2].(string), "chat TTFT") {
		t.Errorf("metadata does not say which definitions are vLLM's: %v", meta)
	}
}

// jsonClose compares decoded JSON values, numbers to 1e-9 relative.
func jsonClose(g, w any) bool {
	switch w := w.(type) {
	case float64:
		g, ok := g.(float64)
		return ok && math.Abs(g-w) <= 1e-9*math.Max(1, math.Abs(w))
	case []any:
		g, ok := g.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !jsonClose(g[i], w[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(g, w)
}

// TestVLLMExportCompletionsAndPercentiles: on completions TTFT is to the
// first token (no first-chunk ITL), an open-loop level records its rate,
// and asked percentiles are named as vLLM names them.
func TestVLLMExportCompletionsAndPercentiles(t *testing.T) {
	e := NewVLLMExport(VLLMMeta{API: "completions", Profile: "rate"}, []float64{50, 99.9})
	e.Add(vllmReferenceRecords()[0])
	b, err := e.Result(2)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for k, w := range map[string]any{"mean_ttft_ms": 20.0, "p50_itl_ms": 10.0, "p99.9_e2el_ms": 40.0, "mean_tpot_ms": 20.0 / 3,
		"request_rate": 2.0, "max_concurrency": nil, "endpoint_type": "openai"} {
		if !jsonClose(got[k], w) {
			t.Errorf("%s = %v; want %v", k, got[k], w)
		}
	}
	if _, ok := got["p99_ttft_ms"]; ok {
		t.Error("p99 written though not asked")
	}
	if _, err := ParseVLLMPercentiles("99,abc"); err == nil {
		t.Error("ParseVLLMPercentiles accepted abc")
	}
	if p, err := ParseVLLMPercentiles("50, 99.9"); err != nil || !reflect.DeepEqual(p, []float64{50, 99.9}) {
		t.Errorf("ParseVLLMPercentiles = %v, %v", p, err)
	}
}
