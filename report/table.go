package report

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/rundir"
)

// WriteTable writes sum as the terminal table printed at the end of `run` and
// by `report`: a throughput line per level, then each level's latency
// percentiles and its errors by class. m may be nil.
func WriteTable(w io.Writer, sum *Summary, m *rundir.Manifest) error {
	return WriteTableFit(w, sum, m, 0)
}

// WriteTableFit is WriteTable for a terminal of width columns (0: not a
// terminal, TerminalWidth). Where a table is wider than the terminal, each
// of its rows is a block of labelled lines instead, as live shows a
// level's result on a narrow terminal, and every other line too long is
// wrapped at its spaces (FitLines): no line is wider than the terminal and
// no number is left out. Where every table fits, the text is WriteTable's,
// byte for byte.
func WriteTableFit(w io.Writer, sum *Summary, m *rundir.Manifest, width int) error {
	var b strings.Builder
	writeHeader(&b, sum, m)
	if sum.ServerMetricsError != "" {
		fmt.Fprintf(&b, "server  %s\n\n", printable.Text(sum.ServerMetricsError))
	}
	if sb := sum.SimBehind; sb != nil && sb.Flagged {
		fmt.Fprintf(&b, "%s (the whole run, %.1f s of scrapes)\n\n", sb.Warning(), sb.SpanS)
	}
	if len(sum.Levels) == 0 {
		// No table to keep whole: the header's lines are wrapped at their
		// spaces, as they are beside a table too wide for the terminal,
		// not cut mid-word by it.
		b.WriteString("no measured requests\n")
		_, err := io.WriteString(w, FitLines(b.String(), width))
		return err
	}
	narrow := false
	if t := levelTable(sum.Levels); fits(t, width) {
		b.WriteString(t)
	} else {
		narrow = true
		for _, l := range sum.Levels {
			b.WriteString(levelBlock(&l, width))
		}
	}
	small := false
	for _, l := range sum.Levels {
		b.WriteString(steadyLine(&l))
	}
	stops := m != nil && len(ManifestScenario(m.Scenario).Workload.Stop) > 0
	for _, l := range sum.Levels {
		fmt.Fprintf(&b, "\nlevel %g — latency in ms\n", l.Level)
		t, thin := latencyTable(&l)
		if fits(t, width) {
			b.WriteString(t)
		} else {
			narrow = true
			b.WriteString(latencyBlocks(&l, width))
		}
		small = thin || small
		if u := l.UserOutputTokensPerS; u.N > 0 {
			fmt.Fprintf(&b, "per-user output speed: p50 %.1f tok/s, slowest %.1f tok/s\n", u.P50, u.Min)
		}
		fmt.Fprintf(&b, "tokens: %d in, %d out (output counts: %s)\n", l.InputTokens, l.OutputTokens, sourceList(l.OutputTokensSource))
		writeLengths(&b, l.Lengths, m == nil || m.Load.InputTokensSource != "", stops)
		if ss := l.Sessions; ss != nil {
			b.WriteString(sessionLine(ss))
		}
		b.WriteString(measureNotes(&l, m))
		if c := l.Client; c != nil && c.Bound {
			b.WriteString(c.Warning() + "\n")
		}
		if sv := l.Server; sv != nil && sv.SimBehind != nil && sv.SimBehind.Flagged {
			b.WriteString(sv.SimBehind.Warning() + "\n")
		}
		if sv := l.Server; sv != nil && sv.Samples > 0 {
			b.WriteString(serverLine(sv, l.WindowOutputTokensPerS))
		}
		if len(l.Errors) > 0 {
			fmt.Fprintf(&b, "errors:")
			for _, c := range slices.Sorted(maps.Keys(l.Errors)) {
				fmt.Fprintf(&b, " %s %d", c, l.Errors[c])
			}
			b.WriteByte('\n')
			for _, c := range slices.Sorted(maps.Keys(l.ErrorExamples)) {
				fmt.Fprintf(&b, "  %s, the first: %s\n", c, printable.Text(l.ErrorExamples[c]))
			}
		}
	}
	if small {
		fmt.Fprintf(&b, "\n%s\n", SmallSampleNote)
	}
	if c := sum.Capacity; c != nil {
		fmt.Fprintf(&b, "\ncapacity at SLO: %s\n", c.Describe())
	}
	writeAdaptive(&b, sum.Adaptive)
	text := b.String()
	if narrow {
		text = FitLines(text, width)
	}
	_, err := io.WriteString(w, text)
	return err
}

// levelTable is the table of the levels' counts and rates, a row a level.
func levelTable(levels []Level) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "level\trequests\tok\tfailed\twindow s\tout tok/s\ttotal tok/s\treq/s\tgoodput req/s\t")
	for _, l := range levels {
		fmt.Fprintf(tw, "%g\t%d\t%d\t%d\t%.2f\t%.1f\t%.1f\t%.2f\t%.2f\t\n", l.Level, l.Requests.Total, l.Requests.OK,
			l.Requests.Failed, l.WindowS, l.OutputTokensPerS, l.TotalTokensPerS, l.RequestsPerS, l.GoodputRPS)
	}
	tw.Flush()
	return b.String()
}

func sourceList(m map[rundir.TokenSource]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// MockGPUBackend is run.json's gpu_backend when the GPU telemetry came from
// the mock engine (gpu/backend.Mock), and MockPowerNote what the report says
// beside its power and energy: which figures are measured and which a model.
const (
	MockGPUBackend = "mock"
	MockPowerNote  = "GPU power, energy and tokens per joule are modelled by the mock, not measured: idle draw and full-load draw (90.5 % of TDP, an H100 under gpu-burn) come from real captures; how a step's prefill (compute-bound) and decode (memory-bound) work sets the draw between them is a modelling assumption (mock/power.go)"
)

// gpuLine is the one-line GPU telemetry of a level.
func gpuLine(g *GPULevel) string {
	var parts []string
	if u := g.UtilizationPct; u != nil {
		parts = append(parts, fmt.Sprintf("util %.0f%% mean, %.0f%% peak", u.Mean, u.Peak))
	}
	if m := g.MemoryUsedBytes; m != nil {
		parts = append(parts, fmt.Sprintf("memory %.1f GiB peak", m.Peak/(1<<30)))
	}
	if p := g.PowerW; p != nil {
		parts = append(parts, fmt.Sprintf("power %.0f W mean, %.0f W peak", p.Mean, p.Peak))
	}
	if g.EnergyJ != nil {
		parts = append(parts, fmt.Sprintf("energy %.0f J (%s)", *g.EnergyJ, g.EnergySource))
	}
	if g.OutputTokensPerJ != nil {
		parts = append(parts, fmt.Sprintf("%.2f output tok/J", *g.OutputTokensPerJ))
	}
	gaps := ""
	if g.Gaps > 0 {
		gaps = ", " + printable.Count(g.Gaps, "failed tick")
	}
	s := fmt.Sprintf("GPU (%s, %d samples%s): %s\n", printable.Count(g.GPUs, "device"), g.Samples, gaps, strings.Join(parts, "; "))
	if g.Samples == 0 {
		// A window shorter than a tick, or every tick failed: nothing was
		// read, which the line says rather than end at its colon.
		s = "GPU: no reading in the level's window\n"
		if g.Gaps > 0 {
			s = fmt.Sprintf("GPU: no reading in the level's window (%s)\n", printable.Count(g.Gaps, "failed tick"))
		}
	}
	if g.EnergyNote != "" && g.Samples > 0 {
		s += g.EnergyNote + "\n"
	}
	if g.Throttled {
		s += fmt.Sprintf("WARNING: GPU throttled %.0f%% of the window: %s\n", 100*derefOr(g.ThrottledShare, 0), g.ThrottleWords())
	}
	return s
}

func derefOr(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
}

// CapIgnoredWhy is what a warning that a server ignored the output cap
// adds for target kind: Ollama's OpenAI-compatible chat, which ignores
// max_completion_tokens, is named only where a user points at it, the
// generic OpenAI kind; any other kind (--target ollama itself among them)
// gets nothing.
func CapIgnoredWhy(kind string) string {
	if kind != "openai" {
		return ""
	}
	return " (if this is Ollama: its OpenAI-compatible chat ignores max_completion_tokens; use --target ollama)"
}

// measureNotes are a level's lines on what its numbers rest on: the
// queueing, the connections opened and the resends inside its TTFT, the
// server's prompt cache, requests that ran
// past their max tokens, and its GPU telemetry (modelled, from the mock).
func measureNotes(l *Level, m *rundir.Manifest) string {
	var b strings.Builder
	if q := l.QueueWaitMS; q != nil && (*q > 0 || l.TTFTOverheadMS.N > 0) {
		b.WriteString(queueLine(l, *q))
	}
	if c := l.ConnectMS; c != nil {
		fmt.Fprintf(&b, "connections: %d of %d requests opened one, waiting for it p50 %.2f ms, max %.2f ms, inside their TTFT",
			c.N, l.Requests.OK, c.P50, c.Max)
		if connectsMatter(l) {
			b.WriteString(" (a warm-up of as many requests as run at once, --warmup, leaves them out of the measured ones)")
		}
		b.WriteByte('\n')
	}
	if w := l.ResentWarning(); w != "" {
		b.WriteString("WARNING: " + w + "\n")
	}
	if w := l.RetriedWarning(); w != "" {
		b.WriteString(w + "\n")
	}
	if l.CachedInputTokens > 0 {
		fmt.Fprintf(&b, "prompt cache: the server answered %d of the %d input tokens from its cache (%.0f%%)\n",
			l.CachedInputTokens, l.InputTokens, 100*float64(l.CachedInputTokens)/float64(max(l.InputTokens, 1)))
	}
	kind := ""
	if m != nil {
		kind = m.Target.Kind
	}
	for _, w := range l.OutputWarnings(kind) {
		b.WriteString("WARNING: " + w + "\n")
	}
	if g := l.GPU; g != nil {
		b.WriteString(gpuLine(g))
		if m != nil && m.GPUBackend == MockGPUBackend {
			b.WriteString(MockPowerNote + "\n")
		}
	}
	return b.String()
}

// OutputWarnings are the level's warnings on its output tokens, one line
// each without "WARNING: ": requests that produced more tokens than asked
// for (the server ignored the output cap; kind is the run's target kind,
// CapIgnoredWhy), then what judging the output counts against their
// streams found (UsageChecks, rundir.Record.BoundOutputTokens); none when
// nothing was found. The run's table prints them, and the report
// (report/render) carries them with the run's label and level.
func (l *Level) OutputWarnings(kind string) []string {
	u, n := l.UsageChecks, l.Requests.Total
	var ws []string
	if l.PastMaxTokens > 0 {
		ws = append(ws, fmt.Sprintf("%d of %d requests (any outcome) produced more tokens than requested: the server ignored the output cap%s, so the run did other work than its scenario",
			l.PastMaxTokens, n, CapIgnoredWhy(kind)))
	}
	if u.BelowEvents > 0 {
		ws = append(ws, fmt.Sprintf("%d of %d requests (any outcome): the server counted fewer output tokens than the events that streamed them (the first said %d for %d events), "+
			"which is impossible (an event with text carries a token): their output tokens are the events' count, a lower bound (output counts: %s)",
			u.BelowEvents, n, u.BelowUsage, u.BelowOf, rundir.SourceEvents))
	}
	if u.EventCountsDropped > 0 {
		ws = append(ws, fmt.Sprintf("%d of %d requests (any outcome): the per-event token counts of the server's cumulative usage summed past its final count "+
			"(the cumulative count went down, or ended above the final one): each event counted one token, as for a server that gives none",
			u.EventCountsDropped, n))
	}
	if u.UsageDecreased > 0 {
		ws = append(ws, fmt.Sprintf("%d of %d requests (any outcome): the server's cumulative output count went down during the stream, "+
			"which is impossible (a token generated is not taken back): the per-event token counts taken from it were not trusted, each event counted one token, as for a server that gives none",
			u.UsageDecreased, n))
	}
	if u.ManyPerEvent > 0 {
		ws = append(ws, fmt.Sprintf("%d of %d requests (any outcome): the server counted more than %d output tokens per token-bearing event (at most %.1f): "+
			"speculative decoding, a server's stream interval or reasoning tokens it does not stream do this legitimately; otherwise its count is wrong, "+
			"and so is every token rate (out tok/s, TPOT, ITL)",
			u.ManyPerEvent, n, rundir.MaxTokensPerEvent, u.MaxPerEvent))
	}
	return ws
}

// steadyLine says over what the level's rates were measured: its steady
// state, with the ramp and drain left out and the whole window's rates
// beside (metrics.go), or the whole window when it had no steady state.
func steadyLine(l *Level) string {
	st := l.Steady
	if st == nil {
		// SteadyAcc.Apply finds none without a successful request to
		// place in time, or when the span from the ramp's end (an open
		// level's fill included) to the last send is under one mean
		// request duration: more requests help only there.
		why := "from the ramp's end to the last send is less than one mean request duration"
		if l.Requests.OK == 0 {
			why = "no successful request"
		}
		return fmt.Sprintf("level %g: rates over the whole %.2f s window (no steady state: %s)\n", l.Level, l.WindowS, why)
	}
	return fmt.Sprintf("level %g: rates over the steady state, %.2f s (ramp %.2f s and drain %.2f s left out; over the whole window %.1f out tok/s, %.2f req/s)\n",
		l.Level, st.WindowS, st.RampS, st.DrainS, l.WindowOutputTokensPerS, l.WindowRequestsPerS)
}

// queueLine says how much of TTFT was waiting for a slot, by Little's law on
// the server's waiting-requests gauge, and what TTFT beyond server timing
// leaves once it is taken out (when the server's timings exclude queueing).
func queueLine(l *Level, q float64) string {
	s := fmt.Sprintf("queueing (estimated, Little's law: %.1f requests waiting on average / %.2f req/s arriving): %.1f ms mean wait for a slot",
		l.Server.RequestsWaiting.Mean, float64(l.Requests.Total)/l.WindowS, q)
	if l.TTFTOverheadMS.N > 0 && !l.ServerTimingHasQueue {
		s += fmt.Sprintf("; TTFT beyond server timing and queueing: %.1f ms mean (network, HTTP, frontend, client)", l.TTFTOverheadMS.Mean-q)
	}
	return s + "\n"
}

// serverLine is the one-line summary of the engine's own metrics, with its
// generation rate beside the harness's output rate as a cross-check.
func serverLine(s *ServerLevel, clientTPS float64) string {
	var parts []string
	if r := s.RequestsRunning; r != nil {
		parts = append(parts, fmt.Sprintf("running %.1f mean, %.0f peak", r.Mean, r.Peak))
	}
	if w := s.RequestsWaiting; w != nil {
		parts = append(parts, fmt.Sprintf("waiting %.1f mean, %.0f peak", w.Mean, w.Peak))
	}
	if k := s.KVCacheUsage; k != nil {
		parts = append(parts, fmt.Sprintf("KV cache %.0f%% mean, %.0f%% peak", 100*k.Mean, 100*k.Peak))
	}
	if g := s.GenerationTokensPerS; g != nil {
		how := ""
		if s.GenerationCountedAtEnd {
			how = ", counted as requests end"
		}
		parts = append(parts, fmt.Sprintf("engine generated %.1f tok/s%s (harness measured %.1f)", *g, how, clientTPS))
	}
	if h := s.PrefixCacheHitRate; h != nil {
		parts = append(parts, fmt.Sprintf("prefix cache hit rate %.1f%%", 100**h))
	}
	if sb := s.SimBehind; sb != nil {
		if !sb.NoSchedule {
			parts = append(parts, fmt.Sprintf("mock engine behind schedule %.2f s (%.1f%%)", sb.S, 100*sb.Share))
		}
		if m := sb.CPUWaitMeanMS; m != nil {
			parts = append(parts, fmt.Sprintf("mock threads' wait for a CPU %.3f ms mean (%.2f threads waiting)", *m, *sb.CPUWaitThreads))
		}
	}
	if s.EngineChange != "" {
		parts = append(parts, s.EngineChange)
	}
	return fmt.Sprintf("server (%s): %s\n", printable.Count(s.Samples, "scrape"), strings.Join(parts, "; "))
}

// TruncatedPromptShare is how far under the requested prompt length the
// server's mean count may lie before the table says the server cut the
// prompts: prompts sized to the server's tokenizer are exact, and an
// estimate is off by a few percent; Ollama at its 4,096-token context
// processed 4,096 of 6,000 requested, with no error.
const TruncatedPromptShare = 0.05

// writeLengths writes a level's requested and produced lengths, and the
// warnings they call for (nothing when ln is nil). sized says the prompts
// were built to a length (run.json's load.input_tokens_source): a dataset's
// prompts were not, so the share the server counted "exactly as requested"
// compares its count with an estimate and is left out (a ShareGPT run read
// "prompt lengths: 0% of 500 exactly as requested", as if sizing failed).
// Prompts the server counted with one and the same number of tokens more
// (Lengths.InputAdded: a chat template around text sized alone) are said
// as requested, with what it added. stops says the run sent stop sequences
// (workload.stop), which end outputs early by design.
func writeLengths(b *strings.Builder, ln *Lengths, sized, stops bool) {
	if ln == nil {
		return
	}
	fmt.Fprintf(b, "lengths: prompt %.0f requested, %.0f processed; output %.0f requested, %.0f produced\n",
		ln.RequestedInputMean, ln.InputMean, ln.RequestedOutputMean, ln.OutputMean)
	if ln.InputChecked > 0 && sized {
		if d := ln.InputAdded; d != nil {
			fmt.Fprintf(b, "prompt lengths: all %d as requested, and %s more the server added to each (its chat template or a start token), by the server's count\n",
				ln.InputChecked, printable.Count(int(*d), "token"))
		} else {
			fmt.Fprintf(b, "prompt lengths: %.0f%% of %d exactly as requested by the server's count\n", 100*ln.InputExactShare, ln.InputChecked)
		}
		if ln.InputMean < (1-TruncatedPromptShare)*ln.RequestedInputMean {
			fmt.Fprintf(b, "WARNING: the server processed %.0f prompt tokens on average where %.0f were requested: it cut the prompts to its context (Ollama's num_ctx, a truncation option), so the load is not what was asked\n",
				ln.InputMean, ln.RequestedInputMean)
		}
	}
	why := "the server stopped early (no ignore_eos/min_tokens?)"
	if stops {
		why = "a stop sequence (workload.stop) or the end of sequence ended them"
	}
	if ln.ShortOutputShare > 0 {
		fmt.Fprintf(b, "WARNING: %.0f%% of requests produced fewer tokens than requested: %s, so per-request throughput is not comparable\n", 100*ln.ShortOutputShare, why)
	}
}

// writeHeader writes the target and the run's state (nothing when m is nil).
func writeHeader(b *strings.Builder, sum *Summary, m *rundir.Manifest) {
	if m == nil {
		return
	}
	if m.IsSimulated() {
		b.WriteString("SIMULATED: the target or the GPU telemetry is inferbench's mock; no number here measures a real GPU\n")
	}
	fmt.Fprintf(b, "target  %s %s  model %s", printable.Text(m.Target.Kind), printable.Text(m.Target.URL), printable.Text(m.Target.Model))
	if m.Target.HTTP != "" {
		fmt.Fprintf(b, "  over %s", printable.Text(m.Target.HTTP))
	}
	b.WriteByte('\n')
	switch {
	case m.StillGoing():
		// Reported while it runs: what is written so far.
		fmt.Fprintf(b, "run     still going (pid %d on this host), %s so far, started %s",
			m.Host.PID, printable.Count(int(sum.Records), "record"), m.Start.Format("2006-01-02 15:04:05 UTC"))
	case m.ExitState == rundir.ExitRunning:
		// run.json was never finished: the process died (kill -9, a
		// crash). Its own count is 0; say what the file holds.
		fmt.Fprintf(b, "run     did not finish (run.json still says running: killed?), %s found, started %s",
			printable.Count(int(sum.Records), "record"), m.Start.Format("2006-01-02 15:04:05 UTC"))
	default:
		fmt.Fprintf(b, "run     %s, %s, started %s", m.ExitState, printable.Count(int(m.Records), "record"), m.Start.Format("2006-01-02 15:04:05 UTC"))
	}
	if m.End != nil {
		fmt.Fprintf(b, ", %.1f s", m.End.Sub(m.Start).Seconds())
	}
	if m.ExitReason != "" {
		fmt.Fprintf(b, " (%s)", printable.Text(m.ExitReason))
	}
	if m.Shard != nil {
		// Its records carry the whole run's levels at its part of the load.
		fmt.Fprintf(b, "\nshard   %s of a sharded run: its part of the load (inferbench merge the shards for the whole)", m.Shard)
	}
	if mg := m.Merged; mg != nil {
		// merge --partial: run.json keeps the whole run's load, and the
		// records are those of the shards merged, a part of it.
		if n := len(mg.Indices()); n < mg.Count {
			fmt.Fprintf(b, "\nmerged  %d of %d shards: part of the load, at the whole run's levels (merge every shard for the whole)", n, mg.Count)
		}
		if mg.Apart != "" { // merge --accept-apart
			fmt.Fprintf(b, "\nmerged  shards not run at once (merge --accept-apart, starts %.1f s apart): no level is one load, its throughput is not the server's",
				float64(mg.StartSpreadNS)/1e9)
		}
	}
	if src := m.Load.InputTokensSource; src != "" {
		// The method's name, as run's stderr line says it ("prompt
		// sizing: estimated (…)"): "prompts sized by estimated" was
		// no sentence.
		fmt.Fprintf(b, "\nprompt sizing: %s", printable.Text(src))
	}
	b.WriteString("\n\n")
}

// latencyTable is level l's latency table; small is true when a
// percentile in it is marked for too few samples (SmallSample).
func latencyTable(l *Level) (table string, small bool) {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "metric\tn\tp50\tp90\tp95\tp99\tp99.9\tmean\tstddev\t")
	row := func(name string, d Dist) {
		if d.N == 0 {
			fmt.Fprintf(tw, "%s\t0\t-\t-\t-\t-\t-\t-\t-\t\n", name)
			return
		}
		fmt.Fprintf(tw, "%s\t%d\t", name, d.N)
		for _, p := range tablePercentiles {
			small = small || SmallSample(d.N, p)
			fmt.Fprintf(tw, "%s\t", MarkSmall(latencyText(d.At(p)), d.N, p))
		}
		fmt.Fprintf(tw, "%s\t%s\t\n", latencyText(d.Mean), latencyText(d.Stddev))
	}
	for _, d := range latencyRows(l) {
		row(d.name, d.dist)
	}
	tw.Flush()
	return b.String(), small
}

// latencyDigits are the significant digits the latency table writes a
// value with, and latencyDecimals the most decimals it writes (a
// microsecond, in ms), so its least value but zero, latencyLeast.
const (
	latencyDigits   = 3
	latencyDecimals = 3
	latencyLeast    = "0.001"
)

// latencyText writes a latency in milliseconds as every column of the
// latency table has it (percentiles, mean, stddev): latencyDigits
// significant digits, at most latencyDecimals decimals, so 1.42, 24.9,
// 0.012 (a TTFT of 0.0123 ms), and a whole number from 100 ms up (1235); a
// value those decimals would write as 0 is "<0.001" (">-0.001" below zero),
// never 0; under a nanosecond (FormatMS: the floating-point residue of a
// standard deviation of equal values) is 0. The table had FormatMS's two
// decimals, and two significant digits under 0.01 (0.00034, 0.000088 beside
// 1.42). summary.json keeps every digit; NaN and ±Inf are written as
// strconv writes them.
func latencyText(v float64) string {
	a := math.Abs(v)
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return strconv.FormatFloat(v, 'f', -1, 64)
	case a < 1e-6:
		return "0"
	}
	dec := min(max(latencyDigits-1-int(math.Floor(math.Log10(a))), 0), latencyDecimals)
	s := strconv.FormatFloat(v, 'f', dec, 64)
	// Rounded up to the next power of ten (9.996 to 10.00): a digit more.
	if r, _ := strconv.ParseFloat(s, 64); dec > 0 && math.Abs(r) >= math.Pow10(latencyDigits-dec) {
		s = strconv.FormatFloat(v, 'f', dec-1, 64)
	}
	if strings.Trim(s, "-0.") == "" {
		if v < 0 {
			return ">-" + latencyLeast
		}
		return "<" + latencyLeast
	}
	return s
}

// tablePercentiles are the percentiles of the latency table's columns.
var tablePercentiles = []float64{50, 90, 95, 99, 99.9}

// latencyRow is a row of a level's latency table.
type latencyRow struct {
	name string
	dist Dist
}

// latencyRows are the rows of level l's latency table, in their order.
func latencyRows(l *Level) []latencyRow {
	rows := []latencyRow{{"TTFT", l.TTFTMS}, {"TPOT", l.TPOTMS}, {"ITL", l.ITLMS}, {"E2E", l.E2EMS}, {"TTFB", l.TTFBMS},
		{"content TTFT", l.ContentTTFTMS}, {"inter-chunk", l.InterChunkMS}}
	if l.ServerTTFTMS.N > 0 {
		rows = append(rows, latencyRow{"server TTFT", l.ServerTTFTMS}, latencyRow{"TTFT beyond server timing", l.TTFTOverheadMS})
	}
	return rows
}
