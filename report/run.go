package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"strings"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/rundir"
)

// SummarizeRun recomputes the Summary of the run directory dir from its
// requests.jsonl alone. A last line cut short by a crash is skipped and
// reported in warnings (with what else rundir.Open noticed); any other
// undecodable line is an error.
func SummarizeRun(dir string, slo SLO) (sum *Summary, warnings []string, err error) {
	rd, err := rundir.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	return SummarizeOpened(rd, slo)
}

// SummarizeOpened is SummarizeRun of a run directory already opened (its
// run.json read once, by rundir.Open, for a caller that checks its bytes).
func SummarizeOpened(rd *rundir.Run, slo SLO) (sum *Summary, warnings []string, err error) {
	sum, err = Summarize(rd, slo, nil)
	if err == nil {
		if w := cachedPromptWarning(sum, rd.Manifest); w != "" {
			rd.Warnings = append(rd.Warnings, w)
		}
	}
	return sum, rd.Warnings, err
}

// cachedPromptWarning is the warning for a run whose prompts were not its
// own (--seed given) and which the server answered in part from its prompt
// cache: its TTFT is that of cached prompts. "" when there is none to give.
//
// Without cached tokens in the responses (vLLM's and the mock's say
// nothing of it there), a level whose window's prefix cache hit rate
// (ServerLevel.PrefixCacheHitRate) reached PrefixCacheWarnRate, in a run
// whose prompts share no text by design, is warned about: the engine's
// /metrics say what its responses did not.
func cachedPromptWarning(sum *Summary, m *rundir.Manifest) string {
	if m == nil {
		return ""
	}
	var cached, in int64
	for _, l := range sum.Levels {
		cached, in = cached+l.CachedInputTokens, in+l.InputTokens
	}
	if cached == 0 || !m.Load.PromptSeedExplicit {
		return prefixCacheWarning(sum, m)
	}
	why := fmt.Sprintf("--seed %d sends the prompts of every run with that seed, so TTFT reads low", m.Load.PromptSeed)
	if by := m.Load.SharedPrompts; by != "" {
		why = fmt.Sprintf("the run's prompts share text by design (%s), and --seed %d also sends the prompts of every run with that seed, so part of it may be an earlier run's",
			by, m.Load.PromptSeed)
	}
	return fmt.Sprintf("the server answered %d of %d prompt tokens from its prompt cache: %s; leave --seed out for prompts unique to the run", cached, in, why)
}

// PrefixCacheWarnRate is the share of prompt tokens found in the
// engine's prefix cache over a level's window from which a run whose
// prompts share no text by design is warned about (cachedPromptWarning):
// such prompts share at most a chat template's few tokens.
const PrefixCacheWarnRate = 0.5

// prefixCacheWarning is cachedPromptWarning's warning from the engine's
// own prefix cache hit rate; "" when the run's prompts share text by
// design, or no level's rate reached PrefixCacheWarnRate.
func prefixCacheWarning(sum *Summary, m *rundir.Manifest) string {
	if m.Load.SharedPrompts != "" {
		return ""
	}
	var high []string
	source := ""
	for _, l := range sum.Levels {
		if s := l.Server; s != nil && s.PrefixCacheHitRate != nil && *s.PrefixCacheHitRate >= PrefixCacheWarnRate {
			high = append(high, fmt.Sprintf("%.1f%% at level %g", 100**s.PrefixCacheHitRate, l.Level))
			source = s.PrefixCacheSource
		}
	}
	if len(high) == 0 {
		return ""
	}
	why := "the run's prompts share no text by design, so the server had seen them before (an earlier run with the same prompts or dataset, another client, or a prompt sent again within the run), and TTFT reads low"
	if m.Load.PromptSeedExplicit {
		why = fmt.Sprintf("the run's prompts share no text by design, but --seed %d sends the prompts of every run with that seed, so TTFT reads low; leave --seed out for prompts unique to the run", m.Load.PromptSeed)
	}
	return fmt.Sprintf("the server's prefix cache hit rate was %s (%s): %s", strings.Join(high, ", "), source, why)
}

// Summarize recomputes the Summary of an opened run directory from its
// records, and hands each record, after the summarizer has taken it, to
// each (when not nil), so that a caller needing more from the records (the
// report's figures, the comparison's samples) reads the file once: decoding
// the records is most of the time of a report over a large run. each must
// not keep the record. Telemetry files that cannot be read are left out
// with a warning in rd.Warnings.
func Summarize(rd *rundir.Run, slo SLO, each func(*rundir.Record)) (*Summary, error) {
	sums, err := summarizeBy(rd, []SLO{slo}, each)
	if err != nil {
		return nil, err
	}
	return sums[0], nil
}

// SummarizeOwn is Summarize by slo (sum: what a report prints) and by the
// run's own SLO, mine, its run.json scenario's (own: what its summary.json
// holds; none without run.json), from one pass over the records. own is
// sum when the two SLOs judge alike; otherwise the two share all that no
// SLO changes (neither may be changed afterwards), and differ in goodput
// and capacity.
func SummarizeOwn(rd *rundir.Run, slo SLO, each func(*rundir.Record)) (sum, own *Summary, mine SLO, err error) {
	if rd.Manifest != nil {
		mine = ManifestSLO(rd.Manifest.Scenario)
	}
	slos := []SLO{slo}
	if !SameSLO(slo, mine) {
		slos = append(slos, mine)
	}
	sums, err := summarizeBy(rd, slos, each)
	if err != nil {
		return nil, nil, mine, err
	}
	if w := cachedPromptWarning(sums[0], rd.Manifest); w != "" {
		rd.Warnings = append(rd.Warnings, w)
	}
	return sums[0], sums[len(sums)-1], mine, nil
}

// SameSLO reports whether a and b judge every request and level alike:
// the same thresholds, at the same percentile and error budget (defaults
// applied).
func SameSLO(a, b SLO) bool {
	return a.PerRequest() == b.PerRequest() && a.ITL == b.ITL &&
		cmp.Or(a.Percentile, DefaultSLOPercentile) == cmp.Or(b.Percentile, DefaultSLOPercentile) && a.ErrorBudget() == b.ErrorBudget()
}

// summarizeBy is Summarize by each of slos (at most maxJudged), one
// summary each, from one pass over the records and one summarizer: only
// goodput and capacity depend on the SLO (the steady state's start does
// not), so each request is judged by every SLO and the rest is computed
// once, and shared by the summaries.
func summarizeBy(rd *rundir.Run, slos []SLO, each func(*rundir.Record)) ([]*Summary, error) {
	if len(slos) > maxJudged {
		panic("report: summarizeBy judges at most maxJudged SLOs in one pass")
	}
	s := NewSummarizer(slos[0])
	s.slos = slos
	if rd.Manifest != nil {
		s.RampUp(ManifestRampUp(rd.Manifest.Scenario))
		for _, sp := range rd.Manifest.Levels {
			s.AddSpan(sp)
		}
	}
	for rec, err := range rd.Records() {
		if err != nil {
			return nil, err
		}
		// each takes the record as the summary counted it (bounded:
		// rundir.Record.BoundOutputTokens), so that compare's samples and
		// the report's figures agree with the summary.
		if b := s.Add(rec); each != nil {
			each(b)
		}
	}
	if s.events() >= collectBeforeLayout {
		// The decoder's garbage is most of the heap's growth since the
		// last collection: collect it, so that the gaps' layout (4 bytes
		// a token, gapCodes) takes its place instead of growing the heap.
		runtime.GC()
	}
	sum, goodput := s.close()
	if rd.Manifest != nil {
		sum.Adaptive = rd.Manifest.Adaptive
	}
	attach(rd, rd.GPUSamples, "GPU telemetry", func(s []rundir.GPUSample) { attachGPU(s, sum) })
	attach(rd, rd.ServerSamples, "server metrics", func(s []rundir.ServerSample) { attachServer(s, sum) })
	attach(rd, rd.ClientSamples, "client telemetry", func(s []rundir.ClientSample) { attachClient(s, rd.Manifest, sum) })
	sums := []*Summary{sum}
	for i := 1; i < len(slos); i++ {
		sums = append(sums, s.judgedBy(sum, goodput, i))
	}
	return sums, nil
}

// collectBeforeLayout is the number of inter-token events from which
// Summarize collects the garbage before laying them out (a full
// collection: some 0.1 s per GB of live heap).
const collectBeforeLayout = 8 << 20

// attach hands the samples of one telemetry file to add when the run has
// any; a file that cannot be read is left out with a warning in
// rd.Warnings that says what is missing.
func attach[S any](rd *rundir.Run, read func() ([]S, error), what string, add func([]S)) {
	samples, err := read()
	if err != nil {
		rd.Warnings = append(rd.Warnings, fmt.Sprintf("%v (%s left out)", err, what))
		return
	}
	if len(samples) > 0 {
		add(samples)
	}
}

// attachGPU adds each level's GPU telemetry from gpu.jsonl's samples,
// indexed once for all the levels.
func attachGPU(samples []rundir.GPUSample, sum *Summary) {
	x := NewGPUIndex(samples)
	for i := range sum.Levels {
		l := &sum.Levels[i]
		g := x.Summarize(l.StartNS, l.EndNS, l.OutputTokens)
		l.GPU = &g
	}
}

// WriteSummaryFile writes sum as dir/summary.json (rundir.WriteFile:
// atomically, never through a link).
func WriteSummaryFile(dir string, sum *Summary) error {
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return err
	}
	return rundir.WriteFile(dir, rundir.SummaryFile, append(b, '\n'))
}

// attachServer adds each level's server metrics from server.jsonl's
// samples.
func attachServer(samples []rundir.ServerSample, sum *Summary) {
	if msg := allScrapesFailed(samples); msg != "" {
		// Said in summary.json and the table, not as a warning: a run has
		// said it on stderr when the first scrape failed.
		sum.ServerMetricsError = msg
		return
	}
	sum.SimBehind = SummarizeSimBehind(samples, math.MinInt64, math.MaxInt64)
	for i := range sum.Levels {
		l := &sum.Levels[i]
		s := SummarizeServer(samples, l.StartNS, l.EndNS)
		l.Server = &s
		if w := s.RequestsWaiting; w != nil && l.WindowS > 0 && l.Requests.Total > 0 {
			q := QueueWaitMS(w.Mean, float64(l.Requests.Total)/l.WindowS)
			l.QueueWaitMS = &q
		}
	}
}

// allScrapesFailed says so when every server-metrics sample is a failed
// scrape, "" otherwise.
func allScrapesFailed(samples []rundir.ServerSample) string {
	for _, s := range samples {
		if s.Error == "" {
			return ""
		}
	}
	return fmt.Sprintf("%s of the server's metrics failed (%s), no server metrics: %s", printable.All(len(samples), "scrape"), rundir.ServerFile, samples[0].Error)
}

// attachClient adds each level's client self-telemetry and client-bound
// verdict from client.jsonl's samples; the manifest (nil when the run has
// none) says whether the load was a closed loop.
func attachClient(samples []rundir.ClientSample, m *rundir.Manifest, sum *Summary) {
	// A merged run holds several clients (shards): each is judged on its
	// own samples.
	byShard := map[int][]rundir.ClientSample{}
	for _, s := range samples {
		if s.Shard != nil {
			byShard[*s.Shard] = append(byShard[*s.Shard], s)
		}
	}
	if len(byShard) > 0 {
		JudgeClientsPerShard(sum, byShard, m)
		return
	}
	for i := range sum.Levels {
		l := &sum.Levels[i]
		c := SummarizeClient(samples, l, ClosedStreams(m, l.Level))
		l.Client = &c
	}
}
