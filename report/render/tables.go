package render

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/report/plot"
)

// table is a block of a report laid out for people; Markdown and HTML
// render the same tables, so the two never disagree.
type table struct {
	Title   string
	Columns []string
	Rows    [][]string
	Notes   []string
}

// numeric reports, per column, whether every cell that is not "-" (or
// "never", the crossover's break-even volume where there is none) reads as
// a number, an amount or a ratio: those columns are right-aligned, the
// others left-aligned. The first column is always a label.
func (t table) numeric() []bool {
	out := make([]bool, len(t.Columns))
	for c := range t.Columns {
		if c == 0 {
			continue
		}
		num, seen := true, false
		for _, r := range t.Rows {
			if c >= len(r) || r[c] == "-" || r[c] == "" || r[c] == "never" {
				continue
			}
			seen = true
			if !looksNumeric(r[c]) {
				num = false
				break
			}
		}
		out[c] = num && seen
	}
	return out
}

// looksNumeric: starts like a number, an amount, an interval or a p-value.
func looksNumeric(s string) bool {
	s = strings.TrimLeft(s, "$[<=>− -")
	return s != "" && (s[0] >= '0' && s[0] <= '9' || s[0] == '.')
}

// title is the report's heading.
func (r *Report) title() string {
	var labels []string
	for _, rr := range r.Runs {
		labels = append(labels, rr.Label)
	}
	mark := ""
	if r.Simulated {
		mark = " (" + plot.SimulatedMark + ")"
	}
	if r.Kind == KindQualification {
		return "inferbench qualification report: " + strings.Join(labels, " vs ") + mark
	}
	return "inferbench run report: " + labels[0] + mark
}

// sloLine says which SLO the report judges by.
func (r *Report) sloLine() string {
	src := map[string]string{"flags": "from the command line", "run.json": "from the first run's scenario", "none": "none set"}[r.SLO.Source]
	if r.SLO.Text == "no SLO" {
		return "SLO: none set, so no capacity at SLO; runs are priced at their highest-throughput level."
	}
	return fmt.Sprintf("SLO: %s (%s); a level meets it when also at most %s of its requests failed.", r.SLO.Text, src, percent(r.SLO.MaxErrorRate))
}

// summaryTable is one row per run: what ran, its capacity and its cost.
func (r *Report) summaryTable() table {
	t := table{Columns: []string{"run", "GPU", "model", "priced level", "output tok/s", "total tok/s", "req/s", "TTFT p" + fmt.Sprint(r.SLO.Percentile), "$/1M output tokens"}}
	var failed []string
	for i, rr := range r.Runs {
		gpuName := joinOr(nonEmpty(rr.GPU, rr.GPUName), " = ", "none in run.json (CPU, or telemetry off)")
		if rr.GPUFrom == cost.FromUser {
			gpuName = rr.GPU + " (" + cost.FromUser + ")"
		}
		if rr.Simulated {
			gpuName += " (" + plot.SimulatedMark + ")"
		}
		if rr.GPUs > 1 {
			gpuName = fmt.Sprintf("%d × %s", rr.GPUs, gpuName)
		}
		model := "-"
		if rr.Manifest != nil {
			model = rr.Manifest.Target.Model
		}
		row := []string{partLabel(rr.Label, rr.PartOfLoad), gpuName, model, "none", "-", "-", "-", "-", "-"}
		if rr.Priced == nil {
			var q report.Requests
			for _, l := range r.runs[i].Summary.Levels {
				q.Total, q.OK = q.Total+l.Requests.Total, q.OK+l.Requests.OK
			}
			if q.Total > 0 && q.OK == 0 {
				failed = append(failed, fmt.Sprintf("%s: every measured request failed (%d of %d), so no level is priced", rr.Label, q.Total, q.Total))
			}
		}
		if p := rr.Priced; p != nil {
			row[3] = fmt.Sprintf("%g (%s)", p.Level, p.Basis)
			if c := rr.Summary.Capacity; c != nil && c.LowerBound && p.Basis == report.BasisCapacity {
				row[3] = fmt.Sprintf("%g (%s, a lower bound: the highest level run met the SLO)", p.Level, p.Basis)
			}
			if !r.slo.IsZero() && p.Basis == report.BasisHighest {
				// Under an SLO a run is priced so only when no level met
				// it; its row read as a run's without an SLO.
				row[3] = fmt.Sprintf("%g (%s: no level met the SLO)", p.Level, p.Basis)
			}
			row[4], row[5], row[6] = num(p.OutputTokensPerS, 1), num(p.TotalTokensPerS, 1), num(p.RequestsPerS, 2)
			if l := r.runs[i].level(p.Level); l != nil {
				row[7] = fmt.Sprintf("%s ms (n=%d)", report.MarkSmall(msv(l.TTFTMS.At(r.SLO.Percentile)), l.TTFTMS.N, r.SLO.Percentile), l.TTFTMS.N)
				if q := l.Requests; q.Failed > 0 && q.Total > 0 {
					// Without an SLO the priced level is the highest-throughput
					// one, however many of its requests failed.
					failed = append(failed, fmt.Sprintf("%s: %d of %d measured requests failed at its priced level, %g (%.1f %%); its tok/s and $/1M are of the requests that succeeded",
						rr.Label, q.Failed, q.Total, p.Level, 100*float64(q.Failed)/float64(q.Total)))
				}
			}
			if p.USDPer1MOutputTokens > 0 {
				row[8] = usd(p.USDPer1MOutputTokens) + " (" + p.OfferLabel + ")"
			}
		}
		t.Rows = append(t.Rows, row)
	}
	t.Notes = append(t.Notes, smallSampleNotes(t.Rows)...)
	t.Notes = append(t.Notes, failed...)
	return t
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// comparisonTable lays out one comparison's metrics.
func comparisonTable(c Comparison) table {
	t := table{Title: fmt.Sprintf("%s against %s", c.Candidate, c.Baseline),
		Columns: []string{"metric", "at", c.Baseline, c.Candidate, "ratio", fmt.Sprintf("%g %% CI", c.Confidence*100), "p", "better"}}
	add := func(m MetricComparison) {
		at := m.At
		if m.BaselineLevel != m.CandidateLevel || strings.HasPrefix(at, "capacity") || strings.HasPrefix(at, "priced") {
			at = fmt.Sprintf("%s (%g vs %g)", at, m.BaselineLevel, m.CandidateLevel)
		}
		better := m.Better
		switch better {
		case "candidate":
			better = c.Candidate
		case "baseline":
			better = c.Baseline
		default:
			better = "neither (not significant)"
		}
		t.Rows = append(t.Rows, []string{m.Title, at, valueIn(m.Baseline, m.Unit), valueIn(m.Candidate, m.Unit),
			num(m.Ratio, 3) + "×", "[" + num(m.CILow, 3) + ", " + num(m.CIHigh, 3) + "]", pText(m.PValue), better})
	}
	for _, m := range c.Capacity {
		add(m)
	}
	t.Notes = append(t.Notes, partNotes(c)...)
	over := "over requests"
	if len(c.Capacity) > 0 && !slices.ContainsFunc(c.Capacity, func(m MetricComparison) bool { return !m.Paired }) {
		over = "over requests in pairs (a request of one run with the other's of its ID, which asked for the same lengths: a resample draws both together)"
	}
	t.Notes = append(t.Notes, fmt.Sprintf("ratio = %s / %s; percentile-bootstrap interval %s (%d resamples, seed %d); significant when the interval excludes 1; p is the two-sided bootstrap p-value of ratio = 1; the interval is of these two runs' requests: a whole run of the same setup varies too (identical mock runs read output tokens/s 0.5 %% apart), so run each side twice before reading a difference of a few percent.",
		c.Candidate, c.Baseline, over, c.Resamples, c.Seed))
	if i := slices.IndexFunc(c.Capacity, func(m MetricComparison) bool { return m.BaselineLevels != nil }); i >= 0 {
		m := c.Capacity[i]
		t.Notes = append(t.Notes, fmt.Sprintf("capacity at SLO: each resample redraws every level's requests, judges every level by the SLO again and takes the best that met it, else, where none did, the highest-throughput level, as the report prices a run (%s: %s; %s: %s); the interval is the union of the fixed-level intervals of the pairs of levels chosen together in at least %s of the resamples (%s), so it holds which level is the capacity as well as its throughput.",
			c.Baseline, shareText(m.BaselineLevels, m.BaselineNoCapacity), c.Candidate, shareText(m.CandidateLevels, m.CandidateNoCapacity),
			percent(compare.MinPairShare), pairText(m.CapacityPairs)))
	}
	return t
}

// pairText lists the pairs of levels a capacity interval joins:
// "4 vs 4 in 84 %, 4 vs 8 in 16 %" (baseline's level first).
func pairText(ps []compare.LevelPair) string {
	var parts []string
	for _, p := range ps {
		parts = append(parts, fmt.Sprintf("%g vs %g in %s", p.Baseline, p.Candidate, percent(p.Share)))
	}
	return strings.Join(parts, ", ")
}

// shareText says how often each level was a run's capacity over the
// resamples, most often first, and how often none was: "level 4 in 84 %,
// 8 in 16 %"; the levels past the third are summed.
func shareText(ss []compare.LevelShare, none float64) string {
	var parts []string
	rest := 0.0
	for i, s := range ss {
		if i >= 3 {
			rest += s.Share
			continue
		}
		parts = append(parts, fmt.Sprintf("%g in %s", s.Level, percent(s.Share)))
	}
	if rest > 0 {
		parts = append(parts, fmt.Sprintf("others in %s", percent(rest)))
	}
	out := "level " + strings.Join(parts, ", ")
	if none > 0 {
		out += fmt.Sprintf(", no level meeting the SLO in %s", percent(none))
	}
	return out
}

// levelComparisonTable lays out the per-level comparisons compactly: one
// row per level both runs ran, one column per metric, each cell the ratio
// and its interval, "n.s." when not significant. Values are in the level
// tables; every field is in report.json.
func levelComparisonTable(c Comparison) (table, bool) {
	if len(c.Levels) == 0 {
		return table{}, false
	}
	t := table{Title: fmt.Sprintf("%s / %s at each load level both ran", c.Candidate, c.Baseline), Columns: []string{"level"}}
	var levels []float64
	cells := map[float64]map[string]string{}
	for _, m := range c.Levels {
		if !slices.Contains(t.Columns, m.Title) {
			t.Columns = append(t.Columns, m.Title)
		}
		if cells[m.BaselineLevel] == nil {
			cells[m.BaselineLevel] = map[string]string{}
			levels = append(levels, m.BaselineLevel)
		}
		cell := fmt.Sprintf("%s [%s–%s]", times(m.Ratio), times2(m.CILow), times2(m.CIHigh))
		if !m.Significant {
			cell += " n.s."
		}
		cells[m.BaselineLevel][m.Title] = cell
	}
	for _, lv := range levels {
		row := []string{fmt.Sprintf("%g", lv)}
		for _, col := range t.Columns[1:] {
			row = append(row, cmp.Or(cells[lv][col], "-"))
		}
		t.Rows = append(t.Rows, row)
	}
	t.Notes = append(t.Notes, partNotes(c)...)
	t.Notes = append(t.Notes, fmt.Sprintf("each cell: %s / %s with its %g %% bootstrap interval; below 1 is lower (better for latencies, worse for throughput); n.s.: not significant", c.Candidate, c.Baseline, c.Confidence*100))
	return t, true
}

// levelTable is one run's throughput and latency per level.
func (r *Report) levelTable(i int) table {
	rr := r.Runs[i]
	pct := r.SLO.Percentile
	pn := fmt.Sprintf("p%g", pct)
	t := table{Title: partLabel(rr.Label, rr.PartOfLoad) + ": load levels", Columns: []string{"level", "requests", "failed", "out tok/s", "total tok/s", "req/s", "goodput req/s",
		"TTFT p50", "TTFT " + pn, "TTFT p99", "TPOT p50", "TPOT " + pn, "ITL " + pn, "E2E " + pn, "user tok/s p50", "send lag p99", "SLO"}}
	for j, l := range rr.Summary.Levels {
		// The verdict in the terminal's words (live's result lines):
		// "pass", or "FAIL:" and the reasons.
		slo := "-"
		if j < len(rr.SLOByLevel) && r.SLO.Text != "no SLO" {
			if rr.SLOByLevel[j].Met {
				slo = "pass"
			} else {
				slo = "FAIL: " + strings.Join(rr.SLOByLevel[j].Why, "; ")
			}
		}
		t.Rows = append(t.Rows, []string{fmt.Sprintf("%g", l.Level), fmt.Sprint(l.Requests.Total), fmt.Sprint(l.Requests.Failed),
			num(l.OutputTokensPerS, 1), num(l.TotalTokensPerS, 1), num(l.RequestsPerS, 2), num(l.GoodputRPS, 2),
			distMS(l.TTFTMS, 50), distMS(l.TTFTMS, pct), distMS(l.TTFTMS, 99), distMS(l.TPOTMS, 50), distMS(l.TPOTMS, pct),
			distMS(l.ITLMS, pct), distMS(l.E2EMS, pct), distV(l.UserOutputTokensPerS, 50, 1), distMS(l.SendLagMS, 99), slo})
	}
	if m := r.levelMeaning(i); m != "" {
		t.Notes = append(t.Notes, "level: "+m)
	}
	t.Notes = append(t.Notes, "requests: measured requests actually sent at the level; latencies in ms over its successful ones (n = requests − failed; ITL over output tokens); definitions in report/metrics.go")
	t.Notes = append(t.Notes, smallSampleNotes(t.Rows)...)
	if c := rr.Summary.Capacity; c != nil {
		note := fmt.Sprintf("capacity at SLO (the passing level with the best output throughput): level %g, %s output tok/s", c.Level, num(c.OutputTokensPerS, 1))
		if c.LowerBound {
			note += " " + report.LowerBoundNote
		}
		t.Notes = append(t.Notes, note)
	}
	for _, l := range rr.Summary.Levels {
		if len(l.Errors) > 0 {
			var parts []string
			for _, k := range slices.Sorted(maps.Keys(l.Errors)) {
				part := fmt.Sprintf("%s %d", k, l.Errors[k])
				if ex := l.ErrorExamples[k]; ex != "" {
					part += fmt.Sprintf(" (the first: %s)", ex)
				}
				parts = append(parts, part)
			}
			t.Notes = append(t.Notes, fmt.Sprintf("level %g errors: %s", l.Level, strings.Join(parts, ", ")))
		}
	}
	for _, l := range rr.Summary.Levels {
		if sv := l.Server; sv != nil && sv.SimBehind != nil && sv.SimBehind.Flagged {
			t.Notes = append(t.Notes, fmt.Sprintf("level %g: %s", l.Level, sv.SimBehind.Warning()))
		}
		if sv := l.Server; sv != nil && sv.EngineChange != "" {
			t.Notes = append(t.Notes, fmt.Sprintf("level %g: %s", l.Level, sv.EngineChange))
		}
		if w := l.ResentWarning(); w != "" {
			t.Notes = append(t.Notes, w)
		}
		if w := l.RetriedWarning(); w != "" {
			t.Notes = append(t.Notes, w)
		}
	}
	if sb := rr.Summary.SimBehind; sb != nil && sb.Flagged {
		t.Notes = append(t.Notes, fmt.Sprintf("whole run (%.1f s of scrapes): %s", sb.SpanS, sb.Warning()))
	}
	return t
}

// distMS writes percentile p of d in ms, marked when d has too few
// samples for it (report.MarkSmall).
func distMS(d report.Dist, p float64) string {
	if d.N == 0 {
		return "-"
	}
	return report.MarkSmall(msv(d.At(p)), d.N, p)
}

func distV(d report.Dist, p float64, prec int) string {
	if d.N == 0 {
		return "-"
	}
	return report.MarkSmall(num(d.At(p), prec), d.N, p)
}

// smallSampleNotes is the footnote of a table with a marked percentile.
func smallSampleNotes(rows [][]string) []string {
	for _, row := range rows {
		for _, c := range row {
			if strings.Contains(c, report.SmallSampleMark) {
				return []string{report.SmallSampleNote}
			}
		}
	}
	return nil
}

// gpuTable is one run's GPU telemetry per level; ok is false without any.
func (r *Report) gpuTable(i int) (table, bool) {
	rr := r.Runs[i]
	t := table{Title: rr.Label + ": GPU telemetry per level", Columns: []string{"level", "GPUs", "samples", "util mean %", "util peak %",
		"memory peak GiB", "power mean W", "power peak W", "energy J", "output tok/J", "throttled"}}
	has := false
	for _, l := range rr.Summary.Levels {
		g := l.GPU
		if g == nil {
			continue
		}
		has = true
		row := []string{fmt.Sprintf("%g", l.Level), fmt.Sprint(g.GPUs), fmt.Sprint(g.Samples), "-", "-", "-", "-", "-", "-", "-", "no"}
		if u := g.UtilizationPct; u != nil {
			row[3], row[4] = num(u.Mean, 1), num(u.Peak, 1)
		}
		if m := g.MemoryUsedBytes; m != nil {
			row[5] = num(m.Peak/(1<<30), 1)
		}
		if p := g.PowerW; p != nil {
			row[6], row[7] = num(p.Mean, 0), num(p.Peak, 0)
		}
		if g.EnergyJ != nil {
			row[8] = num(*g.EnergyJ, 0) + " (" + g.EnergySource + ")"
		}
		if g.OutputTokensPerJ != nil {
			row[9] = num(*g.OutputTokensPerJ, 2)
		}
		if g.ThrottledShare != nil {
			row[10] = percent(*g.ThrottledShare)
			if g.Throttled {
				row[10] = "YES " + row[10] + ": " + g.ThrottleWords()
			}
		}
		t.Rows = append(t.Rows, row)
		if g.EnergyNote != "" {
			t.Notes = append(t.Notes, fmt.Sprintf("level %g: %s", l.Level, g.EnergyNote))
		}
	}
	return t, has
}

// costTable is one run's cost on every offer of its GPU.
func (r *Report) costTable(i int) (table, bool) {
	rr := r.Runs[i]
	if len(rr.Costs) == 0 || rr.Priced == nil {
		return table{}, false
	}
	ct := cost.CostsTable("", rr.Costs, nil)
	notes := []string{"$/1M output tokens = $/h / (output tokens/s × 3600) × 1e6, where $/h = GPUs × $/GPU-hour (owned hardware: + electricity), always busy; @50 %, @25 %, @10 %: the box busy that share of the time"}
	if rr.lowerBound() {
		notes = append(notes, "the capacity is a lower bound (no level above it was tried), so each $/1M is an upper bound: the GPU may serve more at the SLO, and cost less per token")
	}
	return table{Title: fmt.Sprintf("%s: cost per GPU offer at level %g (%s, %s output tok/s on %s, GPU %s)", rr.Label, rr.Priced.Level, rr.pricedBasis(), num(rr.Priced.OutputTokensPerS, 1), printable.Count(rr.GPUs, "GPU"), map[bool]string{true: "stated by the user", false: "from telemetry"}[rr.GPUFrom == cost.FromUser]),
		Columns: ct.Columns, Rows: ct.Rows,
		Notes: append(notes, ct.Notes...)}, true
}

// lowerBound reports whether the run is priced at a capacity at SLO that
// is a lower bound: its highest level met the SLO.
func (rr *RunReport) lowerBound() bool {
	c := rr.Summary.Capacity
	return rr.Priced != nil && rr.Priced.Basis == report.BasisCapacity && c != nil && c.LowerBound && c.Level == rr.Priced.Level
}

// pricedBasis is the priced level's basis in words, saying when a capacity
// at SLO is a lower bound.
func (rr *RunReport) pricedBasis() string {
	if rr.lowerBound() {
		return rr.Priced.Basis + ", a lower bound: the highest level run met the SLO"
	}
	return rr.Priced.Basis
}

// crossoverTable weighs each priced run against each API.
func (r *Report) crossoverTable() (table, bool) {
	x := r.Crossover
	if x == nil || len(x.Rows) == 0 {
		return table{}, false
	}
	at := ""
	if x.VolumeDefault {
		at = "the default "
	}
	t := table{Title: fmt.Sprintf("API vs self-hosted at %s%s tokens/day (%s tokens/month), %s offer", at, compact(x.TokensPerDay), compact(x.TokensPerDay*cost.DaysPerMonth), x.Offer),
		Columns: []string{"run (GPU offer)", "API", "API $/1M", "API monthly", "GPUs needed", "self-hosted monthly", "cheaper", "break-even tokens/day", "break-even utilization"}}
	// A note every row carries is said once; one that holds for some rows
	// only (self-hosting never pays) names its run and API.
	count := map[string]int{}
	for _, row := range x.Rows {
		for _, n := range row.Crossover.Notes {
			count[n]++
		}
	}
	var notes []string
	for _, row := range x.Rows {
		c := row.Crossover
		be, bu := "never", "-"
		if c.CrossoverTokensPerDay != nil {
			be = compact(*c.CrossoverTokensPerDay)
		}
		if c.BreakEvenUtilization != nil {
			bu = percent(*c.BreakEvenUtilization)
		}
		t.Rows = append(t.Rows, []string{row.Run + " (" + gpuReplica(row.GPU, c.GPUsPerReplica) + "; " + row.OfferLabel + ")", row.API, cost.USDPrice(c.APIUSDPer1M), usd(c.APIMonthlyUSD),
			fmt.Sprint(c.GPUsNeeded), usd(c.SelfHostedMonthlyUSD), c.Cheaper, be, bu})
		for _, n := range c.Notes {
			if count[n] < len(x.Rows) {
				n = row.Run + " vs " + row.API + ": " + n
			}
			if !slices.Contains(notes, n) {
				notes = append(notes, n)
			}
		}
	}
	t.Notes = append(append(append([]string{}, x.Notes...), notes...), apiMixNote(x.Mix))
	// Each API's prices, traced to their source and date (the GPU offers'
	// are under each run's cost table).
	var apis []string
	for _, row := range x.Rows {
		if !slices.Contains(apis, row.API) {
			apis = append(apis, row.API)
			t.Notes = append(t.Notes, "API price: "+row.API+": "+row.APIPriceSrc)
		}
	}
	return t, true
}

// manifestTable lays out a run's run.json.
func manifestTable(rr RunReport) table {
	t := table{Title: rr.Label, Columns: []string{"", ""}}
	add := func(k, v string) { t.Rows = append(t.Rows, []string{k, v}) }
	add("directory", rr.Dir)
	m := rr.Manifest
	if m == nil {
		add("run.json", "missing")
		return t
	}
	add("target", strings.TrimSpace(fmt.Sprintf("%s %s %s", m.Target.Kind, m.Target.API, m.Target.URL)))
	if m.Target.HTTP != "" {
		add("http", m.Target.HTTP)
	}
	add("model", m.Target.Model)
	add("tool", m.Tool+" "+m.Version)
	add("host", fmt.Sprintf("%s (%s/%s, %d CPUs, %s)", m.Host.Name, m.Host.OS, m.Host.Arch, m.Host.CPUs, m.Host.Go))
	run := m.Start.UTC().Format(time.RFC3339)
	if m.End != nil {
		run += fmt.Sprintf(", %.1f s", m.End.Sub(m.Start).Seconds())
	}
	add("started", run)
	add("exit", string(m.ExitState)+parenIf(m.ExitReason))
	l := m.Load
	load := l.Profile
	if l.Concurrency > 0 {
		load += fmt.Sprintf(", concurrency %d", l.Concurrency)
	}
	if l.Requests > 0 {
		load += fmt.Sprintf(", %d requests per level asked", l.Requests)
	}
	load += fmt.Sprintf(", warm-up %d, timeout %g s, seed %d", l.Warmup, l.TimeoutS, l.Seed)
	if l.StartSpread != "" {
		load += ", start spread " + l.StartSpread
	}
	add("load", load)
	add("sent", sentText(rr.Summary))
	add("records", fmt.Sprint(m.Records))
	gpus := m.GPUBackend
	if rr.GPUName != "" {
		gpus += fmt.Sprintf(": %d × %s", rr.GPUs, rr.GPUName)
	}
	add("GPU telemetry", joinOr(nonEmpty(gpus), "", "none"))
	return t
}

// apiMixNote says how the crossover's API prices mix input and output.
func apiMixNote(m cost.TokenMix) string {
	if m.From == "" {
		return "API price: input and output blended 3:1, (3 × input + output) / 4 (Artificial Analysis's convention, artificialanalysis.ai): the runs' input tokens are not known"
	}
	return fmt.Sprintf("API price: input and output mixed as the volume the GPUs were sized by, %s: share × input + (1 − share) × output", m)
}
