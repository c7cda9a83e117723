package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestEngineCountedAtEndIsSaid: llama.cpp adds a request's generated tokens
// to its counter when the request ends, TGI when it succeeds, SGLang when
// it finishes (its tokenizer manager's observe_one_finished_request), so over a
// level shorter than a few requests the engine's rate reads low against the
// harness's (a real llama-server, 4 slots, 64-token requests over 5 s:
// 426.7 against 532.4 tok/s). The server line says how those engines
// count; vLLM's counter moves with every token and needs no word.
func TestEngineCountedAtEndIsSaid(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		engine string
		said   bool
	}{{rundir.EngineLlamaCPP, true}, {rundir.EngineTGI, true}, {rundir.EngineSGLang, true}, {rundir.EngineVLLM, false}} {
		samples := []rundir.ServerSample{
			{TNS: 0, Engine: c.engine, GenerationTokensTotal: f(0)},
			{TNS: 5e9, Engine: c.engine, GenerationTokensTotal: f(2133.5)},
		}
		lv := SummarizeServer(samples, 0, 5e9)
		line := serverLine(&lv, 532.4)
		if got := strings.Contains(line, "engine generated 426.7 tok/s, counted as requests end (harness measured 532.4)"); got != c.said {
			t.Errorf("%s: %q; want the counting said: %v", c.engine, line, c.said)
		}
		if !c.said && !strings.Contains(line, "engine generated 426.7 tok/s (harness measured 532.4)") {
			t.Errorf("%s: %q", c.engine, line)
		}
	}
}
