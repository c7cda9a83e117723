package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// engineSwitch is a server.jsonl whose engine is vLLM until 4 s and
// llama.cpp from 5 s (a server restarted as another engine behind the
// URL), one scrape a second, each engine's counters its own: vLLM at
// 5000 generated tokens growing 100 a second, llama.cpp from 8 growing 50.
func engineSwitch() []rundir.ServerSample {
	f := func(v float64) *float64 { return &v }
	var out []rundir.ServerSample
	for s := range 10 {
		smp := rundir.ServerSample{TNS: int64(s) * sec, Engine: rundir.EngineVLLM, RequestsRunning: f(4),
			GenerationTokensTotal: f(5000 + 100*float64(s)), PrefixCacheQueriesTotal: f(1000 * float64(s)), PrefixCacheHitsTotal: f(500 * float64(s))}
		if s >= 5 {
			smp = rundir.ServerSample{TNS: int64(s) * sec, Engine: rundir.EngineLlamaCPP, RequestsRunning: f(2),
				GenerationTokensTotal: f(8 + 50*float64(s-5))}
		}
		out = append(out, smp)
	}
	return out
}

// TestServerRatesNotAcrossAnEngineChange: a level whose window spans the
// change gives no counter rate (vLLM's 5200 at 2 s to llama.cpp's 108 at
// 7 s read "engine generated -1018.4 tok/s" before) and says
// why in summary.json and on its server line; the levels on either side
// keep theirs.
func TestServerRatesNotAcrossAnEngineChange(t *testing.T) {
	ss := engineSwitch()
	across := SummarizeServer(ss, 2*sec, 7*sec)
	if across.GenerationTokensPerS != nil || across.PrefixCacheHitRate != nil {
		t.Errorf("across the change: generation %v tok/s, prefix-cache hit rate %v; want neither", ptrOr(across.GenerationTokensPerS), ptrOr(across.PrefixCacheHitRate))
	}
	for _, w := range []string{"vllm", "llamacpp", "5.0 s", "no counter"} {
		if !strings.Contains(across.EngineChange, w) {
			t.Errorf("engine change %q does not say %q", across.EngineChange, w)
		}
	}
	if line := serverLine(&across, 80); !strings.Contains(line, across.EngineChange) || across.EngineChange == "" {
		t.Errorf("serverLine = %q; want the engine change on it", line)
	}
	before := SummarizeServer(ss, 0, 4*sec)
	if before.GenerationTokensPerS == nil || *before.GenerationTokensPerS != 100 || before.EngineChange != "" {
		t.Errorf("vLLM alone: generation %v tok/s, change %q; want 100 and none", ptrOr(before.GenerationTokensPerS), before.EngineChange)
	}
	after := SummarizeServer(ss, 5*sec, 9*sec)
	if after.GenerationTokensPerS == nil || *after.GenerationTokensPerS != 50 || after.EngineChange != "" {
		t.Errorf("llama.cpp alone: generation %v tok/s, change %q; want 50 and none", ptrOr(after.GenerationTokensPerS), after.EngineChange)
	}
}

func ptrOr(p *float64) any {
	if p == nil {
		return "nil"
	}
	return *p
}

// The mock's behind-schedule seconds are a counter like the others: no
// difference of it is taken over a span with an engine change, the whole
// run's included (engineSwitch's vLLM pages, the mock's, at 0.1 s behind a
// second: 0.3, 0.4 of them, llama.cpp's pages without the counter). A
// level of the vLLM pages alone keeps it: 0 → 0.4 s over [0 s, 4 s], 10 %.
func TestSimBehindNotAcrossAnEngineChange(t *testing.T) {
	ss := engineSwitch()
	for i := range ss {
		if ss[i].Engine == rundir.EngineVLLM {
			v := 0.1 * float64(ss[i].TNS) / float64(sec)
			ss[i].SimBehindSecondsTotal = &v
		}
	}
	sum := &Summary{Levels: []Level{{Level: 1, StartNS: 0, EndNS: 4 * sec}, {Level: 2, StartNS: 2 * sec, EndNS: 7 * sec}}}
	attachServer(ss, sum)
	if sum.SimBehind != nil {
		t.Errorf("the whole run: sim behind %+v; want none across the change", sum.SimBehind)
	}
	if sb := sum.Levels[0].Server.SimBehind; sb == nil || !approx(sb.S, 0.4) || sb.SpanS != 4 || !approx(sb.Share, 0.1) {
		t.Errorf("vLLM alone: sim behind %+v; want 0.4 s over 4 s, 10 %%", sb)
	}
	if sb := sum.Levels[1].Server.SimBehind; sb != nil {
		t.Errorf("across the change: sim behind %+v; want none", sb)
	}
}

// A run whose scrapes servermetrics refused from 4 s on as several
// engines of one kind answering in turn: the good scrapes before carried
// those engines' counters over their first turns as over restarts, so no
// level takes a counter difference from them (1000 → 7000 generated
// tokens over 3 s read 2000 tok/s), nor the whole run the mock's lag; the
// level says why, and when. A level of failed scrapes alone has no rate to
// refuse and says nothing; a run whose scrapes failed otherwise keeps its
// rates (6000 tokens over 3 s: 2000 tok/s).
func TestServerRatesNotFromEnginesTakingTurns(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	run := func(failure string) []rundir.ServerSample {
		var ss []rundir.ServerSample
		for s := range 4 {
			ss = append(ss, rundir.ServerSample{TNS: int64(s) * sec, Engine: rundir.EngineVLLM,
				GenerationTokensTotal: f(1000 + 2000*float64(s)), SimBehindSecondsTotal: f(0.1 * float64(s))})
		}
		return append(ss, rundir.ServerSample{TNS: 4 * sec, Error: failure}, rundir.ServerSample{TNS: 5 * sec, Error: failure})
	}
	refused := "server metrics: a generation tokens counter went down and back up again 2 times (5010 → 1010 → 5020): the URL answers for more than one engine (a load balancer?); scrape each engine's own /metrics"
	sum := &Summary{Levels: []Level{{Level: 1, StartNS: 0, EndNS: 3 * sec}, {Level: 2, StartNS: 4 * sec, EndNS: 5 * sec}}}
	attachServer(run(refused), sum)
	lv := sum.Levels[0].Server
	if lv.GenerationTokensPerS != nil || lv.SimBehind != nil || sum.SimBehind != nil {
		t.Errorf("generation %v tok/s, level sim behind %+v, run's %+v; want none", ptrOr(lv.GenerationTokensPerS), lv.SimBehind, sum.SimBehind)
	}
	for _, w := range []string{"refused from 4.0 s", "more than one engine", "no counter rate"} {
		if !strings.Contains(lv.EngineChange, w) {
			t.Errorf("engine change %q does not say %q", lv.EngineChange, w)
		}
	}
	if c := sum.Levels[1].Server.EngineChange; c != "" {
		t.Errorf("a level of failed scrapes alone: engine change %q; want none", c)
	}
	other := SummarizeServer(run("connection refused"), 0, 3*sec)
	if other.GenerationTokensPerS == nil || *other.GenerationTokensPerS != 2000 || other.EngineChange != "" {
		t.Errorf("scrapes failed otherwise: generation %v tok/s, change %q; want 2000 and none", ptrOr(other.GenerationTokensPerS), other.EngineChange)
	}
}
