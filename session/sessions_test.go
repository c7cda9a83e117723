package session

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/scenarios"
)

// runSessionsOnEngine runs 4-turn sessions at concurrency 4 against the
// mock engine (H100, Llama-3-8B): a 2,000-word first message (a document
// to discuss, its own in each session), then 400-word follow-ups (long
// enough that a later turn's whole conversation is far more to prefill
// than turn 1's, whatever the machine's timer slop), 32-token replies. It returns the
// level and the engine's prefix-cache counters.
func runSessionsOnEngine(t *testing.T, noCache bool) (*report.Level, int64, int64) {
	t.Helper()
	m, url := engineServer(t, noCache)
	s := &scenarios.Scenario{Name: "x", Target: scenarios.Target{Kind: "vllm", URL: url, Model: "llama-3-8b", API: "chat"},
		Workload: scenarios.Workload{Turns: scenarios.Fixed(4)}}
	o := &Options{Kind: "vllm", URL: url, Model: "llama-3-8b", API: "chat", Concurrency: 4, Requests: 32, MaxTokens: 32,
		PromptTokens: 40, IgnoreEOS: true, Timeout: 30 * time.Second, Out: filepath.Join(t.TempDir(), "run"), GPUBackend: "none",
		ServerMetrics: "off", GPUInterval: 50 * time.Millisecond, Scenario: s, NoProbe: true}
	o.Sessions = sessionsFrom(s, nil)
	o.Sessions.Message = func(sid uint64, k int) (string, int) {
		n := 400
		if k == 1 {
			n = 2000
		}
		// Each session's own text: only its own earlier turns are cached.
		return fmt.Sprintf("s%d-t%d ", sid, k) + strings.Repeat("word ", n-1), n
	}
	var log strings.Builder
	res, err := Run(t.Context(), t.Context(), o, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	st, _ := m.EngineStats()
	return &res.Summary.Levels[0], st.PrefixQueries, st.PrefixHits
}

// TestSessionsShowThePrefixCache: on the mock engine with its prefix cache,
// later turns, whose conversation so far is cached, have a lower TTFT p50
// than turn 1, which prefills the whole document; with the cache off they
// prefill it all again, and are several times slower than with it. The hit
// rate is the cached share of the prompt tokens.
func TestSessionsShowThePrefixCache(t *testing.T) {
	l, queries, hits := runSessionsOnEngine(t, false)
	ss := l.Sessions
	if ss == nil || l.Requests.OK != 32 || ss.Sessions != 8 {
		t.Fatalf("requests %+v sessions %+v; want 32 ok in 8 sessions", l.Requests, ss)
	}
	first, later := ss.FirstTurnTTFTMS.P50, ss.LaterTurnsTTFTMS.P50
	t.Logf("cache on: TTFT p50 turn 1 %.1f ms, later turns %.1f ms; hit rate %d/%d", first, later, hits, queries)
	if !(later < first) {
		t.Errorf("cache on: later turns' TTFT p50 %.1f ms, not below turn 1's %.1f ms", later, first)
	}
	// Hand count per session: prompts of 2,000, 2,432, 2,864 and 3,296
	// tokens (each turn adds a 32-token reply and a 400-word message):
	// 10,592 queried. Turn k finds turn k−1's prompt and reply cached in
	// whole 16-token blocks: 2,032 (127 blocks), 2,464 (154) and 2,896
	// (181): 7,392 hit. Eight sessions: 84,736 and 59,136 (69.8 %).
	if queries != 84736 || hits != 59136 {
		t.Errorf("prefix cache: %d of %d tokens hit, want 59136 of 84736", hits, queries)
	}
	cached := later
	l, queries, _ = runSessionsOnEngine(t, true)
	first, later = l.Sessions.FirstTurnTTFTMS.P50, l.Sessions.LaterTurnsTTFTMS.P50
	t.Logf("cache off: TTFT p50 turn 1 %.1f ms, later turns %.1f ms", first, later)
	// Off, later turns prefill all of their 2,432–3,296 tokens again: several
	// times the ~430 the cache leaves (about 5× on a quiet machine). Turn 1
	// against later turns is no test here: 2,000 tokens against 2,432 and up
	// differ by less than a loaded machine's noise.
	if !(later > 2*cached) || queries != 0 {
		t.Errorf("cache off: later turns' TTFT p50 %.1f ms not above twice the cached %.1f ms, or %d queries", later, cached, queries)
	}
}

// TestSessionsReplayShareGPT: with a ShareGPT dataset a session replays
// one conversation's human turns in order, at most workload.turns of them.
func TestSessionsReplayShareGPT(t *testing.T) {
	prompts, err := scenarios.ReadPromptsFile("../scenarios/testdata/sharegpt.json", scenarios.FormatShareGPT)
	if err != nil {
		t.Fatal(err)
	}
	s := &scenarios.Scenario{Workload: scenarios.Workload{Turns: scenarios.Fixed(4)}}
	ss := sessionsFrom(s, prompts)
	for sid := range uint64(2) {
		turns := prompts.TurnsAt(sid)
		if got := ss.Turns(sid); got != len(turns) {
			t.Errorf("session %d: %d turns, want the conversation's %d", sid, got, len(turns))
		}
		for k := 1; k <= len(turns); k++ {
			if text, _ := ss.Message(sid, k); text != turns[k-1] {
				t.Errorf("session %d turn %d: %q, want %q", sid, k, text, turns[k-1])
			}
		}
	}
	if got := ss.Turns(0); got != 2 {
		t.Errorf("the bread conversation has %d turns, want 2", got)
	}
	s.Workload.Turns = scenarios.Fixed(1)
	if got := sessionsFrom(s, prompts).Turns(0); got != 1 {
		t.Errorf("turns capped at 1: %d", got)
	}
	if sessionsFrom(&scenarios.Scenario{}, prompts) != nil {
		t.Error("sessions without workload.turns")
	}
}
