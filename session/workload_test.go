package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// engineServer serves the mock engine (H100 SXM, Llama-3-8B) for the
// test's lifetime.
func engineServer(t *testing.T, noCache bool) (*mock.Server, string) {
	t.Helper()
	m, srv := mockServer(t, mock.Config{GPU: "h100-sxm", Model: "llama-3-8b", NoPrefixCache: noCache})
	return m, srv.URL
}

// runPrefixOnEngine runs 1,600-token prompts at concurrency 16 against the
// mock engine: a 1,500-token prefix shared by all (G=1) and 100 tokens of
// each request's own when shared, else 1,600 tokens of their own. Prompts
// are sized by the mock's /tokenize; the spread probe (one request alone)
// goes first. It returns the level and the engine's prefix-cache counters.
func runPrefixOnEngine(t *testing.T, shared bool) (*report.Level, int64, int64) {
	t.Helper()
	m, url := engineServer(t, false)
	o := &Options{Kind: "vllm", URL: url, Model: "llama-3-8b", API: "completions", Concurrency: 16, Requests: 64, Warmup: 16,
		MaxTokens: 64, PromptTokens: 1600, IgnoreEOS: true, Timeout: 30 * time.Second, Out: filepath.Join(t.TempDir(), "run"),
		GPUBackend: "none", ServerMetrics: "off", GPUInterval: 50 * time.Millisecond, NoProbe: true, SpreadAuto: true,
		PromptSizing: SizingServer, Seed: 1, PromptSeed: 1}
	if shared {
		o.PromptTokens, o.SharedPrefixTokens, o.PrefixGroups = 100, 1500, 1
	}
	res, err := Run(t.Context(), t.Context(), o, t.Output())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	st, _ := m.EngineStats()
	return &res.Summary.Levels[0], st.PrefixQueries, st.PrefixHits
}

// TestSharedPrefixOnTheMockEngine: a 1,500-token prefix shared by every
// request (G=1) plus 100-token suffixes has a TTFT p50 below that of
// 1,600-token prompts sharing nothing, on the mock engine with its prefix
// cache, and the cache holds exactly the prefix's whole blocks.
func TestSharedPrefixOnTheMockEngine(t *testing.T) {
	sh, queries, hits := runPrefixOnEngine(t, true)
	if sh.Requests.OK != 64 {
		t.Fatalf("shared: %+v; want 64 ok", sh.Requests)
	}
	// Hand count: 81 prompts of 1,600 tokens (the probe, 16 warm-up, 64)
	// are 129,600 tokens queried. The probe, alone, finds nothing cached
	// and caches its blocks; every later prompt finds the prefix's whole
	// 16-token blocks: ⌊1,500 / 16⌋ = 93 blocks, 1,488 tokens (block 94
	// ends in the request's own words). 80 × 1,488 = 119,040 hit: 91.9 %
	// over the run, 1,488 / 1,600 = 93.0 % for each prompt after the first.
	if queries != 81*1600 || hits != 80*1488 {
		t.Errorf("shared prefix: %d of %d tokens hit, want %d of %d", hits, queries, 80*1488, 81*1600)
	}
	un, queries, hits := runPrefixOnEngine(t, false)
	if queries != 81*1600 || hits != 0 {
		t.Errorf("nothing shared: %d of %d tokens hit, want 0 of %d", hits, queries, 81*1600)
	}
	t.Logf("TTFT p50 %.1f ms shared, %.1f ms not shared", sh.TTFTMS.P50, un.TTFTMS.P50)
	if !(sh.TTFTMS.P50 < un.TTFTMS.P50) {
		t.Errorf("TTFT p50 %.1f ms with a shared prefix, not below %.1f ms without", sh.TTFTMS.P50, un.TTFTMS.P50)
	}
}

// TestAgentPrefixScenarioOnTheMock: the shipped agent-prefix scenario, as
// `run --scenario agent-prefix` resolves it, at one level of 8 against the
// mock engine: every prompt is its group's 1,500-token prefix plus its own
// 64–192 tokens, exactly by the mock's count, the 4 groups all drawn, and
// most prompt tokens found in the prefix cache.
func TestAgentPrefixScenarioOnTheMock(t *testing.T) {
	m, url := engineServer(t, false)
	s, err := scenarios.Open("agent-prefix")
	if err != nil {
		t.Fatal(err)
	}
	s.Target.Kind, s.Target.URL, s.Target.Model = "vllm", url, "llama-3-8b"
	ApplyKindDefaults(s)
	s.ApplyDefaults()
	if err := s.ValidateRunnable(); err != nil {
		t.Fatal(err)
	}
	o, err := FromScenario(s, Extras{Out: filepath.Join(t.TempDir(), "run"), ServerMetrics: "off", NoProbe: true})
	if err != nil {
		t.Fatal(err)
	}
	o.Sweep, o.BisectSteps, o.Concurrency, o.Requests, o.Warmup = nil, 0, 8, 40, 8
	o.GPUBackend = "none"
	res, err := Run(t.Context(), t.Context(), o, t.Output())
	if err != nil {
		t.Fatal(err)
	}
	if l := res.Summary.Levels[0]; l.Requests.OK != 40 || l.Lengths == nil || l.Lengths.InputExactShare != 1 {
		t.Fatalf("requests %+v, lengths %+v; want 40 ok, every prompt exactly as asked", l.Requests, l.Lengths)
	}
	f, err := os.Open(filepath.Join(o.Out, rundir.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	groups := map[int]bool{}
	for r, err := range rundir.ReadRecords(f) {
		if err != nil {
			t.Fatal(err)
		}
		groups[r.PrefixGroup] = true
		if own := r.RequestedInputTokens - 1500; own < 64 || own > 192 {
			t.Errorf("record %d: %d tokens asked, want 1,500 + 64–192", r.ID, r.RequestedInputTokens)
		}
	}
	if len(groups) != 4 || groups[0] {
		t.Errorf("prefix groups drawn %v, want 1–4", groups)
	}
	// At most 1,488 of 1,564–1,692 tokens (95 %) can hit; each group's
	// first requests miss.
	st, _ := m.EngineStats()
	if rate := float64(st.PrefixHits) / float64(st.PrefixQueries); rate < 0.8 || rate > 0.952 {
		t.Errorf("prefix-cache hit rate %.3f, want 0.8–0.95", rate)
	}
}

// TestSessionsWithSharedPrefixAndServerSizing: --turns with a shared prefix
// and --prompt-sizing server: every session's first message is its
// group's 1,000-token prefix plus 50 tokens of its own, exactly by the
// server's count; every turn records the session's group; later turns
// resend it (the server counts more); run.json says what was sized.
func TestSessionsWithSharedPrefixAndServerSizing(t *testing.T) {
	_, srv := mockServer(t, mock.Config{OutputTokens: 4, TTFT: time.Millisecond, ITL: time.Millisecond})
	s := &scenarios.Scenario{Name: "x", Workload: scenarios.Workload{Turns: scenarios.Fixed(3)}}
	o := &Options{Kind: "vllm", URL: srv.URL, Model: "m", API: "chat", Concurrency: 2, Requests: 12, MaxTokens: 4,
		PromptTokens: 50, SharedPrefixTokens: 1000, PrefixGroups: 3, PromptSizing: SizingServer, Seed: 3, PromptSeed: 3,
		Timeout: 30 * time.Second, Out: filepath.Join(t.TempDir(), "run"), GPUBackend: "none", ServerMetrics: "off",
		GPUInterval: 50 * time.Millisecond, Scenario: s, NoProbe: true}
	o.Sessions = sessionsFrom(s, nil)
	if _, err := Run(t.Context(), t.Context(), o, t.Output()); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(o.Out, rundir.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	group := map[uint64]int{}
	turns := 0
	for r, err := range rundir.ReadRecords(f) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Turn == 0 {
			continue // the spread probe
		}
		if !r.OK {
			t.Fatalf("record %d failed: %s", r.ID, r.Error)
		}
		turns++
		if g, ok := group[r.Session]; ok && g != r.PrefixGroup {
			t.Errorf("session %d: turn %d records group %d, an earlier turn %d", r.Session, r.Turn, r.PrefixGroup, g)
		}
		group[r.Session] = r.PrefixGroup
		switch {
		case r.PrefixGroup < 1 || r.PrefixGroup > 3:
			t.Errorf("record %d: prefix group %d, want 1–3", r.ID, r.PrefixGroup)
		case r.Turn == 1 && (r.RequestedInputTokens != 1050 || r.InputTokens != 1050):
			t.Errorf("session %d turn 1: %d asked, %d by the server; want 1,050 (1,000 of prefix + 50)", r.Session, r.RequestedInputTokens, r.InputTokens)
		case r.Turn > 1 && r.InputTokens <= 1050:
			t.Errorf("session %d turn %d: %d tokens, want the conversation so far on top of 1,050", r.Session, r.Turn, r.InputTokens)
		}
	}
	// 4 whole sessions, or more when a worker's next session takes the
	// last request ids before another's last turn (the count cuts it).
	if turns != 12 || len(group) < 4 {
		t.Errorf("%d turns in %d sessions, want 12 in at least 4", turns, len(group))
	}
	man, err := rundir.ReadManifest(o.Out)
	if err != nil {
		t.Fatal(err)
	}
	if man.Load.InputTokensSource != "server-tokenize" || !strings.Contains(man.Load.InputTokensNote, "each session's first message is sized") {
		t.Errorf("run.json: %q, %q", man.Load.InputTokensSource, man.Load.InputTokensNote)
	}
}
