package mock

import (
	"strings"
	"testing"
)

// TestEngineSettingsNeedAGPU: the simulated engine's settings given without
// a GPU profile are refused, naming them: fixed timing runs no engine, and
// `mock --max-seqs 6` served exactly as before while a nightly gate
// "tested" the change (TTFT p50 −0.1 %, the gate passed). With a GPU
// profile they are taken.
func TestEngineSettingsNeedAGPU(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{MaxSeqs: 6}, "max sequences set without a GPU profile"},
		{Config{StepJitter: 0.05, ChunkedPrefill: true}, "chunked prefill, step jitter set without a GPU profile"},
		{Config{GPUs: 2}, "gpu count set without a GPU profile"},
	} {
		if _, err := New(c.cfg); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "--gpu") {
			t.Errorf("New(%+v) = %v; want %q and what to do", c.cfg, err, c.want)
		}
	}
	for _, cfg := range []Config{{}, {GPUs: 1}, {GPU: "a100-80gb", MaxSeqs: 6, StepJitter: 0.05}} {
		if _, err := New(cfg); err != nil {
			t.Errorf("New(%+v) = %v", cfg, err)
		}
	}
}
