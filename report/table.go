package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/inferbench/inferbench/rundir"
)

// WriteTable writes sum as the terminal table printed at the end of `run` and
// by `report`: a throughput line per level, then each level's latency
// percentiles and its errors by class. m may be nil.
func WriteTable(w io.Writer, sum *Summary, m *rundir.Manifest) error {
	var b strings.Builder
	if m != nil {
		fmt.Fprintf(&b, "target  %s %s  model %s\n", m.Target.Kind, m.Target.URL, m.Target.Model)
		if m.ExitState == rundir.ExitRunning {
			// run.json was never finished: the process died (kill -9, a
			// crash). Its own count is 0; say what the file holds.
			fmt.Fprintf(&b, "run     did not finish (run.json still says running: killed?), %d records found, started %s",
				sum.Records, m.Start.Format("2006-01-02 15:04:05 UTC"))
		} else {
			fmt.Fprintf(&b, "run     %s, %d records, started %s", m.ExitState, m.Records, m.Start.Format("2006-01-02 15:04:05 UTC"))
		}
		if m.End != nil {
			fmt.Fprintf(&b, ", %.1f s", m.End.Sub(m.Start).Seconds())
		}
		if m.ExitReason != "" {
			fmt.Fprintf(&b, " (%s)", m.ExitReason)
		}
		b.WriteString("\n\n")
	}
	if sum.ServerMetricsError != "" {
		fmt.Fprintf(&b, "server  %s\n\n", sum.ServerMetricsError)
	}
	if len(sum.Levels) == 0 {
		b.WriteString("no measured requests\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "level\trequests\tok\tfailed\twindow s\tout tok/s\ttotal tok/s\treq/s\tgoodput req/s\t")
	for _, l := range sum.Levels {
		fmt.Fprintf(tw, "%g\t%d\t%d\t%d\t%.2f\t%.1f\t%.1f\t%.2f\t%.2f\t\n", l.Level, l.Requests.Total, l.Requests.OK,
			l.Requests.Failed, l.WindowS, l.OutputTokensPerS, l.TotalTokensPerS, l.RequestsPerS, l.GoodputRPS)
	}
	tw.Flush()
	for _, l := range sum.Levels {
		fmt.Fprintf(&b, "\nlevel %g — latency in ms\n", l.Level)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "metric\tn\tp50\tp90\tp95\tp99\tp99.9\tmean\tstddev\t")
		row := func(name string, d Dist) {
			if d.N == 0 {
				fmt.Fprintf(tw, "%s\t0\t-\t-\t-\t-\t-\t-\t-\t\n", name)
				return
			}
			fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t\n", name, d.N, d.P50, d.P90, d.P95, d.P99, d.P999, d.Mean, d.Stddev)
		}
		row("TTFT", l.TTFTMS)
		row("TPOT", l.TPOTMS)
		row("ITL", l.ITLMS)
		row("E2E", l.E2EMS)
		row("TTFB", l.TTFBMS)
		row("content TTFT", l.ContentTTFTMS)
		row("inter-chunk", l.InterChunkMS)
		if l.ServerTTFTMS.N > 0 {
			row("server TTFT", l.ServerTTFTMS)
			row("TTFT − server", l.TTFTOverheadMS)
		}
		tw.Flush()
		if u := l.UserOutputTokensPerS; u.N > 0 {
			fmt.Fprintf(&b, "per-user output speed: p50 %.1f tok/s, slowest %.1f tok/s\n", u.P50, u.Min)
		}
		fmt.Fprintf(&b, "tokens: %d in, %d out (output counts: %s)\n", l.InputTokens, l.OutputTokens, sourceList(l.OutputTokensSource))
		if ln := l.Lengths; ln != nil {
			fmt.Fprintf(&b, "lengths: prompt %.0f requested, %.0f processed; output %.0f requested, %.0f produced\n",
				ln.RequestedInputMean, ln.InputMean, ln.RequestedOutputMean, ln.OutputMean)
			if ln.ShortOutputShare > 0 {
				fmt.Fprintf(&b, "WARNING: %.0f%% of requests produced fewer tokens than requested: the server stopped early (no ignore_eos/min_tokens?), so per-request throughput is not comparable\n", 100*ln.ShortOutputShare)
			}
			if ln.LongOutputShare > 0 {
				fmt.Fprintf(&b, "WARNING: %.0f%% of requests produced more tokens than requested: the server ignored the output cap (Ollama's OpenAI-compatible chat ignores max_completion_tokens: use --target ollama), so the run did other work than its scenario\n", 100*ln.LongOutputShare)
			}
		}
		if g := l.GPU; g != nil {
			b.WriteString(gpuLine(g))
		}
		if c := l.Client; c != nil && c.Bound {
			fmt.Fprintf(&b, "CLIENT-BOUND: the load generator was near its limit (%s): numbers at this level describe the client, not the server\n", strings.Join(c.Reasons, "; "))
		}
		if sv := l.Server; sv != nil && sv.Samples > 0 {
			b.WriteString(serverLine(sv, l.OutputTokensPerS))
		}
		if len(l.Errors) > 0 {
			fmt.Fprintf(&b, "errors:")
			for _, c := range slices.Sorted(maps.Keys(l.Errors)) {
				fmt.Fprintf(&b, " %s %d", c, l.Errors[c])
			}
			b.WriteByte('\n')
		}
	}
	if c := sum.Capacity; c != nil {
		fmt.Fprintf(&b, "\ncapacity at SLO: level %g, %.1f output tok/s, %.2f req/s\n", c.Level, c.OutputTokensPerS, c.RequestsPerS)
	}
	_, err := io.WriteString(w, b.String())
	return err
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
	s := fmt.Sprintf("GPU (%d device(s), %d samples): %s\n", g.GPUs, g.Samples, strings.Join(parts, "; "))
	if g.Throttled {
		s += fmt.Sprintf("WARNING: GPU throttled %.0f%% of the window: %v\n", 100*derefOr(g.ThrottledShare, 0), g.ThrottleReasons)
	}
	return s
}

func derefOr(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
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
		parts = append(parts, fmt.Sprintf("engine generated %.1f tok/s (harness measured %.1f)", *g, clientTPS))
	}
	return fmt.Sprintf("server (%d scrapes): %s\n", s.Samples, strings.Join(parts, "; "))
}
