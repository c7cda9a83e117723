package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// servermetrics counts turns per engine kind: vLLM's scrapes refused at
// 2 s and 3 s as several vLLMs taking turns, then an SGLang behind the
// URL scraped well from 4 s (900 generated tokens growing 300 a second).
// A level over the SGLang scrapes alone, all after the refusal, keeps its
// rate (900 tokens over 3 s: 300 tok/s); a level whose first good scrape
// came before the refusal still gives none.
func TestRefusalBeforeTheWindowKeepsItsRates(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	refused := "server metrics: a generation tokens counter went down and back up again 2 times (5010 → 1010 → 5020): " + rundir.EnginesInTurn + " (a load balancer?); scrape each engine's own /metrics"
	ss := []rundir.ServerSample{
		{TNS: 0, Engine: rundir.EngineVLLM, GenerationTokensTotal: f(5000)},
		{TNS: 1 * sec, Engine: rundir.EngineVLLM, GenerationTokensTotal: f(5010)},
		{TNS: 2 * sec, Error: refused},
		{TNS: 3 * sec, Error: refused},
	}
	for s := 4; s <= 7; s++ {
		ss = append(ss, rundir.ServerSample{TNS: int64(s) * sec, Engine: rundir.EngineSGLang, GenerationTokensTotal: f(900 + 300*float64(s-4))})
	}
	later := SummarizeServer(ss, 4*sec, 7*sec)
	if later.GenerationTokensPerS == nil || *later.GenerationTokensPerS != 300 || later.EngineChange != "" {
		t.Errorf("scrapes after the refusal: generation %v tok/s, change %q; want 300 and none", ptrOr(later.GenerationTokensPerS), later.EngineChange)
	}
	before := SummarizeServer(ss, 0, 1*sec)
	if before.GenerationTokensPerS != nil || !strings.Contains(before.EngineChange, "refused from 2.0 s") {
		t.Errorf("scrapes before the refusal: generation %v tok/s, change %q; want none, refused from 2.0 s", ptrOr(before.GenerationTokensPerS), before.EngineChange)
	}
}
