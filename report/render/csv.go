package render

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/inferbench/inferbench/report"
)

// WriteCSV writes the per-level metrics of every run, one row per run and
// level, with a header row; resent_requests is the level's requests the
// HTTP client sent again on its own (report.Level.ResentRequests), 0 where
// none, and retried_attempts its failed attempts --retries sent again
// (report.Level.Retried, all classes), which failed does not count.
// Latencies are in milliseconds; numbers are written at full precision;
// an absent value is an empty cell. A cell that a spreadsheet would
// evaluate as a formula is neutralized (csvCell).
func WriteCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	header := []string{"run", "level", "requests", "ok", "failed", "resent_requests", "retried_attempts", "window_s", "output_tokens_per_s", "total_tokens_per_s",
		"requests_per_s", "goodput_rps", "achieved_rate_per_s", "input_tokens", "output_tokens"}
	dists := []struct {
		name string
		of   func(*report.Level) report.Dist
	}{
		{"ttft_ms", func(l *report.Level) report.Dist { return l.TTFTMS }},
		{"tpot_ms", func(l *report.Level) report.Dist { return l.TPOTMS }},
		{"itl_ms", func(l *report.Level) report.Dist { return l.ITLMS }},
		{"e2e_ms", func(l *report.Level) report.Dist { return l.E2EMS }},
		{"ttfb_ms", func(l *report.Level) report.Dist { return l.TTFBMS }},
		{"user_output_tokens_per_s", func(l *report.Level) report.Dist { return l.UserOutputTokensPerS }},
		{"send_lag_ms", func(l *report.Level) report.Dist { return l.SendLagMS }},
		{"server_ttft_ms", func(l *report.Level) report.Dist { return l.ServerTTFTMS }},
		{"ttft_overhead_ms", func(l *report.Level) report.Dist { return l.TTFTOverheadMS }},
	}
	stats := []string{"p50", "p90", "p95", "p99", "p999", "mean", "stddev"}
	for _, d := range dists {
		for _, s := range stats {
			header = append(header, d.name+"_"+s)
		}
	}
	header = append(header, "meets_slo", "gpu_count", "gpu_utilization_mean_pct", "gpu_power_mean_w", "gpu_memory_peak_bytes",
		"gpu_energy_j", "output_tokens_per_j", "gpu_throttled_share",
		"server_requests_running_mean", "server_requests_waiting_mean", "server_kv_cache_usage_mean", "server_generation_tokens_per_s",
		"client_bound", "client_cpu_share_mean", "client_sched_latency_p99_ms",
		// A shard's or a partial merge's rows are its part of the load
		// (report.PartOfLoad); empty for a whole run.
		"part_of_load",
		// Why a level's energy was integrated from power, why its server
		// rates are blank (report.GPULevel.EnergyNote,
		// report.ServerLevel.EngineChange); empty when nothing is to say.
		"gpu_energy_note", "server_engine_change")
	if err := cw.Write(header); err != nil {
		return err
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	opt := func(p *float64) string {
		if p == nil {
			return ""
		}
		return f(*p)
	}
	for _, rr := range r.Runs {
		for j := range rr.Summary.Levels {
			l := &rr.Summary.Levels[j]
			row := []string{rr.Label, f(l.Level), fmt.Sprint(l.Requests.Total), fmt.Sprint(l.Requests.OK), fmt.Sprint(l.Requests.Failed),
				fmt.Sprint(l.ResentRequests), fmt.Sprint(l.RetriedAttempts()), f(l.WindowS), f(l.OutputTokensPerS), f(l.TotalTokensPerS), f(l.RequestsPerS), f(l.GoodputRPS), f(l.AchievedRatePerS),
				fmt.Sprint(l.InputTokens), fmt.Sprint(l.OutputTokens)}
			for _, d := range dists {
				v := d.of(l)
				if v.N == 0 {
					for range stats {
						row = append(row, "")
					}
					continue
				}
				row = append(row, f(v.P50), f(v.P90), f(v.P95), f(v.P99), f(v.P999), f(v.Mean), f(v.Stddev))
			}
			meets := ""
			if j < len(rr.SLOByLevel) && r.SLO.Text != "no SLO" {
				meets = strconv.FormatBool(rr.SLOByLevel[j].Met)
			}
			row = append(row, meets)
			if g := l.GPU; g != nil {
				var util, power, mem string
				if g.UtilizationPct != nil {
					util = f(g.UtilizationPct.Mean)
				}
				if g.PowerW != nil {
					power = f(g.PowerW.Mean)
				}
				if g.MemoryUsedBytes != nil {
					mem = f(g.MemoryUsedBytes.Peak)
				}
				row = append(row, fmt.Sprint(g.GPUs), util, power, mem, opt(g.EnergyJ), opt(g.OutputTokensPerJ), opt(g.ThrottledShare))
			} else {
				row = append(row, "", "", "", "", "", "", "")
			}
			mean := func(m *report.MeanPeak) string {
				if m == nil {
					return ""
				}
				return f(m.Mean)
			}
			if sv := l.Server; sv != nil {
				row = append(row, mean(sv.RequestsRunning), mean(sv.RequestsWaiting), mean(sv.KVCacheUsage), opt(sv.GenerationTokensPerS))
			} else {
				row = append(row, "", "", "", "")
			}
			if c := l.Client; c != nil {
				row = append(row, strconv.FormatBool(c.Bound), mean(c.CPUShare), f(c.SchedLatencyP99MS))
			} else {
				row = append(row, "", "", "")
			}
			var energyNote, engineChange string
			if l.GPU != nil {
				energyNote = l.GPU.EnergyNote
			}
			if l.Server != nil {
				engineChange = l.Server.EngineChange
			}
			row = append(row, rr.PartOfLoad, energyNote, engineChange)
			if err := cw.Write(csvRow(row)); err != nil { // no cell a spreadsheet would run
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
