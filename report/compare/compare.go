// Package compare is inferbench's regression gate: it compares a candidate
// run with a baseline — another run, or earlier runs kept in the history —
// per load level and metric, and says for each whether it regressed,
// improved or stayed within noise.
//
// A metric regresses only when its change exceeds its threshold in the bad
// direction AND the change is statistically significant, so that a nightly
// job fails loudly on a slower serving stack and stays quiet on noise. The
// test depends on what the baseline is:
//
//   - a run directory (with its requests.jsonl): a two-sample percentile
//     bootstrap over requests — both runs' requests resampled with
//     replacement, the metric recomputed on each resample; significant when
//     the (1−α) interval of the change excludes 0. Latency distributions
//     also get a Mann–Whitney U test, reported beside;
//   - one or two earlier runs known only by their summaries: the candidate
//     is resampled and the baseline value held fixed;
//   - three or more earlier runs (history:median-of-N): the baseline is their
//     median, and the change is significant when the candidate falls
//     outside the (1−α) prediction interval of the earlier runs' values —
//     night-to-night noise, which a resample of one run's requests cannot
//     see. A value far from the others (an outlier by its modified z-score)
//     is left out of the interval, which it would widen until a regression
//     of its size read as noise; and an earlier run CLIENT-BOUND or
//     MOCK-BEHIND at a level is left out of that level's baseline while
//     unflagged ones remain (unflaggedAt).
//
// Like package report it reads run directories and summaries only; it
// imports no database and no network code (the history lives in package
// history).
package compare

import (
	"cmp"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/inferbench/inferbench/report"
)

// Bootstrap defaults. 2,000 resamples put the 2.5 % and 97.5 % quantiles
// of the replicates within about ±0.5 percentile of their limit (Efron &
// Tibshirani, An Introduction to the Bootstrap, 1993, ch. 19, ask for
// 1,000 or more for percentile intervals).
const (
	DefaultResamples = 2000
	DefaultSeed      = 1
)

// MaxResamples bounds Options.Resamples (compare --resamples): a level's
// bootstrap holds 8 bytes a resample for each metric it compares (168 MB
// a level at 1,000,000, 232 MB with the turns' TTFT of a session run;
// 100,000,000 asked for 16.8 GB) and its time grows alike,
// while a 95 % interval's ends are within about ±0.5 percentile at the
// default 2,000 already.
const MaxResamples = 1_000_000

// checkResamples refuses a number of resamples Compare cannot use: below
// 0 (0 is DefaultResamples) or above MaxResamples.
func checkResamples(n int) error {
	switch {
	case n < 0:
		return fmt.Errorf("--resamples %d: want a positive number (default %d)", n, DefaultResamples)
	case n > MaxResamples:
		return fmt.Errorf("--resamples %d: want at most 1,000,000 (each resample holds up to %d bytes at every level, 8 for each of up to %d metrics, and takes its time; the default, 2,000, puts a 95 %% interval's ends within about ±0.5 percentile)",
			n, 8*len(Metrics()), len(Metrics()))
	}
	return nil
}

// Options configure Compare. Zero values take the defaults.
type Options struct {
	// Thresholds gate the metrics; a zero value (nil Limits) means the
	// runs' scenario gates over DefaultThresholds, the stricter of the two
	// where they differ (thresholdsFor).
	Thresholds Thresholds
	// Resamples is the number of bootstrap resamples, at most
	// MaxResamples; 0 means DefaultResamples.
	Resamples int
	// Seed seeds the bootstrap (math/rand/v2 PCG), so a comparison is
	// reproducible; 0 means DefaultSeed.
	Seed uint64
}

// Baseline is what a candidate is compared against: one run with its
// requests, or the summaries of earlier runs.
type Baseline struct {
	// Label names the baseline in reports: a run directory, "history:#12",
	// "history:median-of-7 (#5 #6 …)".
	Label string
	// Meta decides comparability.
	Meta Meta
	// Run is the baseline run with its requests; nil when the baseline is
	// known by Summaries only.
	Run *Run
	// Summaries are earlier runs' summaries, used when Run is nil.
	Summaries []*report.Summary
	// Warnings say what the baseline could not be made of as asked (a
	// history entry's summary stored by an older inferbench whose run is
	// gone); Compare adds them to the result's.
	Warnings []string
}

// RunBaseline returns a baseline made of one loaded run.
func RunBaseline(r *Run) Baseline { return Baseline{Label: r.Dir, Meta: r.Meta, Run: r} }

// Verdict is a row's outcome.
type Verdict string

// The verdicts. A metric without a threshold is NotGated whatever its change.
const (
	Regression  Verdict = "regression"
	Improvement Verdict = "improvement"
	WithinNoise Verdict = "within noise"
	// WithinLimit: the change is real (its interval excludes 0) but no
	// larger than the metric's limit.
	WithinLimit Verdict = "within limit"
	NotGated    Verdict = "not gated"
	// NotMeasured: a gated metric one side has no value for at this level
	// (no request succeeded there). Its row says so rather than vanish; the
	// error rate is what judges such a level.
	NotMeasured Verdict = "not measured"
)

// The methods a row's interval came from.
const (
	MethodBootstrap     = "bootstrap"
	MethodPaired        = "paired bootstrap"
	MethodFixedBaseline = "bootstrap, baseline fixed"
	MethodHistory       = "history prediction interval"
)

// Row is one metric at one level.
type Row struct {
	// Level is the load level.
	Level float64 `json:"level"`
	// Metric is the metric's name; Title and Unit describe it.
	Metric string `json:"metric"`
	Title  string `json:"title"`
	Unit   string `json:"unit"`
	// Points says Change and its interval are differences in fraction
	// units (error rate 0.02 → 0.05 is +0.03, "+3 points"); otherwise they
	// are relative to the baseline (+0.60 is +60 %).
	Points bool `json:"points"`
	// Baseline and Candidate are the metric's values (for error_rate:
	// fractions).
	Baseline  float64 `json:"baseline"`
	Candidate float64 `json:"candidate"`
	// Change is the candidate's change from the baseline; CILow and CIHigh
	// its (1−alpha) interval. NaN when undefined (a zero baseline).
	Change float64 `json:"change"`
	CILow  float64 `json:"ci_low"`
	CIHigh float64 `json:"ci_high"`
	// P is the two-sided p-value of "no change" from the bootstrap; NaN for
	// the history method.
	P float64 `json:"p"`
	// MannWhitney tests the whole latency distribution (candidate first, so
	// Effect > 0.5 means the candidate is slower); nil for rates and
	// summary baselines.
	MannWhitney *MannWhitney `json:"mann_whitney,omitempty"`
	// Method is how the interval was computed (Method* constants); N the
	// number of baseline runs for the history method.
	Method string `json:"method"`
	N      int    `json:"baseline_runs"`
	// Outliers are the earlier runs' values the history method left out
	// of its prediction interval (withoutOutliers); they still count in
	// N and in the baseline median.
	Outliers []float64 `json:"baseline_outliers,omitempty"`
	// Threshold is the metric's limit (0 when not gated), Significant
	// whether the interval excludes 0, Verdict the outcome.
	Threshold   float64 `json:"threshold"`
	Significant bool    `json:"significant"`
	Verdict     Verdict `json:"verdict"`
}

// Result is a comparison: every row, and what the reader must know.
type Result struct {
	// Baseline and Candidate label the two sides; BaselineMeta and
	// CandidateMeta describe them.
	Baseline      string `json:"baseline"`
	Candidate     string `json:"candidate"`
	BaselineMeta  Meta   `json:"baseline_meta"`
	CandidateMeta Meta   `json:"candidate_meta"`
	// Alpha, Resamples and Seed are the statistics' settings.
	Alpha     float64 `json:"alpha"`
	Resamples int     `json:"resamples"`
	Seed      uint64  `json:"seed"`
	// Thresholds are the limits applied, by metric name.
	Thresholds map[string]float64 `json:"thresholds"`
	// Warnings say what differs between the runs without preventing the
	// comparison (tool version, host, settings, levels in one run only).
	Warnings []string `json:"warnings"`
	// Flags name, per compared level, each side whose level was
	// CLIENT-BOUND or MOCK-BEHIND: numbers that are not the server's alone
	// (baseline's first, by level). The rows are judged as any others.
	Flags []LevelFlag `json:"flags,omitempty"`
	// Rows holds every metric at every level both sides have, by level
	// then Metrics order.
	Rows []Row `json:"rows"`
	// NoBaseline says why nothing was compared: the history held no
	// baseline and --allow-empty-baseline passed the gate (no rows).
	NoBaseline string `json:"no_baseline,omitempty"`
	// WholeSessions says a level compared was of multi-turn sessions,
	// resampled by whole sessions (LevelSample.clusters).
	WholeSessions bool `json:"whole_sessions,omitempty"`
	// levelOf maps the index in Warnings of a warning about one level
	// (warnLevel) to that level; the others are about the whole comparison.
	levelOf map[int]float64
}

// warnLevel adds warning w, about level lv alone (the JUnit gives it to
// that level's suite only).
func (res *Result) warnLevel(lv float64, w string) {
	if res.levelOf == nil {
		res.levelOf = map[int]float64{}
	}
	res.levelOf[len(res.Warnings)] = lv
	res.Warnings = append(res.Warnings, w)
}

// Regressions returns the rows that regressed.
func (r *Result) Regressions() []Row {
	var out []Row
	for _, row := range r.Rows {
		if row.Verdict == Regression {
			out = append(out, row)
		}
	}
	return out
}

// NotComparableError says why two runs cannot be compared.
type NotComparableError struct {
	// Reasons lists each difference that forbids the comparison.
	Reasons []string
}

func (e *NotComparableError) Error() string {
	return "runs cannot be compared: " + strings.Join(e.Reasons, "; ")
}

// PrefixCacheDiffPoints is the difference, in percentage points, between
// two runs' prefix cache hit rates at a level above which Check warns.
const PrefixCacheDiffPoints = 10

// Check says whether runs described by base and cand can be compared:
// reasons not to (a different model, scenario or target kind) and
// warnings (a different tool version, host, server version or args, GPU or
// scenario settings).
func Check(base, cand Meta) (reasons, warnings []string) {
	reasons = differing(
		[3]string{"model differs", base.Model, cand.Model},
		[3]string{"scenario differs", base.Scenario, cand.Scenario},
		[3]string{"target kind differs", base.TargetKind, cand.TargetKind})
	if base.Shard != cand.Shard {
		// A shard's records carry the level of the whole run and its part
		// of the load: against another part, or the whole, every
		// throughput reads as a change of the serving stack.
		// A merge of some of the shards (merge --partial) is part of the
		// load too: its run.json keeps the whole run's load.
		part := func(s string) string {
			switch {
			case s == "":
				return "the whole run"
			case strings.Contains(s, "merged"):
				return s
			}
			return "shard " + s
		}
		reasons = append(reasons, fmt.Sprintf("sharding differs: baseline %s, candidate %s (a shard, or a merge of some of the shards, carries its part of the load: compare runs merged from every shard, inferbench merge)",
			part(base.Shard), part(cand.Shard)))
	}
	for _, side := range []struct {
		name string
		m    Meta
	}{{"baseline", base}, {"candidate", cand}} {
		if side.m.Ended != "" {
			warnings = append(warnings, fmt.Sprintf("the %s run was %s: it is judged on the requests it finished, fewer than its scenario asks, and what it did not run is not judged", side.name, side.m.Ended))
		}
	}
	warnings = append(warnings, differing(
		[3]string{"inferbench version differs", base.ToolVersion, cand.ToolVersion},
		[3]string{"load-generator host differs", base.Host, cand.Host},
		[3]string{"server version differs", base.ServerVersion, cand.ServerVersion},
		[3]string{"server args differ", base.ServerArgs, cand.ServerArgs})...)
	if base.GPU.Count > 0 && cand.GPU.Count > 0 && !base.GPU.Same(cand.GPU) {
		// A warning, not a reason: comparing GPUs is what a qualification
		// does on purpose (report); a gate across them says so.
		warnings = append(warnings, differing([3]string{"GPU differs", base.GPU.String(), cand.GPU.String()})...)
	}
	if base.HTTP != "" && cand.HTTP != "" {
		// Over HTTP/2 every stream shares a connection, and its first
		// requests carry one handshake instead of one each.
		warnings = append(warnings, differing([3]string{"HTTP version differs", base.HTTP, cand.HTTP})...)
	}
	if base.Prompts != cand.Prompts {
		// A server's prompt cache answers prompts it has seen in an earlier
		// run: the side that repeats them reads a lower TTFT.
		side := func(p string) string { return cmp.Or(p, "drawn for the run") }
		warnings = append(warnings, fmt.Sprintf("synthetic prompts differ: baseline's %s, candidate's %s: a server's prompt cache answers prompts sent in earlier runs, so the side that repeats them may read a lower TTFT",
			side(base.Prompts), side(cand.Prompts)))
	}
	// A server's prefix cache answers the prompt tokens it holds: a side
	// it answered much more often (a rerun with the same --seed, a warm
	// server) reads a lower TTFT for that alone.
	// A side whose server reported no rate where the other's reported one
	// above the bound differs too: an engine with its prefix cache off
	// (vLLM's --no-enable-prefix-caching) reports no hits at all. A side
	// whose rates are unknown (nil: its summaries were not read) is not
	// judged so.
	var differ []string
	rate := func(m map[float64]float64, lv float64) string {
		if v, ok := m[lv]; ok {
			return fmt.Sprintf("%.1f%%", 100*v)
		}
		return "none reported"
	}
	levels := slices.Collect(maps.Keys(base.PrefixCache))
	for lv := range cand.PrefixCache {
		if _, ok := base.PrefixCache[lv]; !ok {
			levels = append(levels, lv)
		}
	}
	slices.Sort(levels)
	for _, lv := range levels {
		b, okb := base.PrefixCache[lv]
		c, okc := cand.PrefixCache[lv]
		known := base.PrefixCache != nil && cand.PrefixCache != nil
		if (okb && okc && math.Abs(c-b)*100 > PrefixCacheDiffPoints) || (known && okb != okc && max(b, c)*100 > PrefixCacheDiffPoints) {
			differ = append(differ, fmt.Sprintf("level %g: baseline's %s, candidate's %s", lv, rate(base.PrefixCache, lv), rate(cand.PrefixCache, lv)))
		}
	}
	if len(differ) > 0 {
		warnings = append(warnings, fmt.Sprintf("prefix cache hit rate differs by more than %g points (%s): the server answered one side's prompt tokens from its prefix cache more often, so that side may read a lower TTFT (a rerun with the same --seed sends prompts the server has seen; a server that reports none may have its prefix cache off, or not report it)",
			float64(PrefixCacheDiffPoints), strings.Join(differ, "; ")))
	}
	if len(base.Settings) > 0 && len(cand.Settings) > 0 && string(base.Settings) != string(cand.Settings) {
		for _, d := range SettingsDiff(base.Settings, cand.Settings) {
			warnings = append(warnings, "scenario setting differs: "+d)
		}
	}
	return reasons, warnings
}

// differing says, for each {what, baseline, candidate} whose two values
// differ, "what: baseline %q, candidate %q", in the order given.
func differing(fields ...[3]string) []string {
	var out []string
	for _, f := range fields {
		if f[1] != f[2] {
			out = append(out, fmt.Sprintf("%s: baseline %q, candidate %q", f[0], f[1], f[2]))
		}
	}
	return out
}

// Compare compares cand with base at every load level both have. It
// returns a *NotComparableError when the runs differ in model, scenario,
// target kind or sharding, or share no load level.
func Compare(base Baseline, cand *Run, o Options) (*Result, error) {
	if err := checkResamples(o.Resamples); err != nil {
		return nil, err
	}
	th, gateWarning, err := thresholdsFor(o.Thresholds, base, cand)
	if err != nil {
		return nil, err
	}
	alpha := cmp.Or(th.Alpha, DefaultAlpha)
	res := &Result{Baseline: base.Label, Candidate: cand.Dir, BaselineMeta: base.Meta, CandidateMeta: cand.Meta,
		Alpha: alpha, Resamples: cmp.Or(o.Resamples, DefaultResamples), Seed: cmp.Or(o.Seed, DefaultSeed),
		Thresholds: maps.Clone(th.Limits)}
	if base.Meta.PrefixCache == nil && base.Run == nil && len(base.Summaries) > 0 {
		// A history baseline's Meta is its run.json's (MetaOf): its
		// rates are its summaries'.
		base.Meta.PrefixCache = PrefixCacheOf(base.Summaries...)
	}
	reasons, warnings := Check(base.Meta, cand.Meta)
	if len(reasons) > 0 {
		return nil, &NotComparableError{Reasons: reasons}
	}
	res.Warnings = append(res.Warnings, warnings...)
	res.Warnings = append(res.Warnings, base.Warnings...)
	if gateWarning != "" {
		res.Warnings = append(res.Warnings, gateWarning)
	}
	if base.Run == nil && len(base.Summaries) == 0 {
		return nil, &NotComparableError{Reasons: []string{"the baseline has no run"}}
	}
	candLevels := slices.Sorted(maps.Keys(cand.levels))
	var common []float64
	for _, lv := range candLevels {
		if base.hasLevel(lv) {
			common = append(common, lv)
		} else {
			res.warnLevel(lv, fmt.Sprintf("level %g: not in the baseline", lv))
		}
	}
	for _, lv := range base.levels() {
		if _, ok := cand.levels[lv]; !ok {
			res.warnLevel(lv, fmt.Sprintf("level %g: not in the candidate", lv))
		}
	}
	if len(common) == 0 {
		return nil, &NotComparableError{Reasons: []string{fmt.Sprintf("no load level in common (baseline: %s; candidate: %s)", levelList(base.levels()), levelList(candLevels))}}
	}
	for _, lv := range common {
		var rows []Row
		sums := base.Summaries
		if base.Run == nil {
			var left, of int
			if sums, left, of = unflaggedAt(base.Summaries, lv); left > 0 {
				res.warnLevel(lv, fmt.Sprintf("level %g: %d of %d earlier runs left out of the baseline: %s or %s at this level (their numbers measure the load generator or the host, not the server)",
					lv, left, of, FlagClientBound, FlagMockBehind))
			}
			if sums, left, of = answeredAt(sums, lv); left > 0 {
				res.warnLevel(lv, fmt.Sprintf("level %g: %d of %d earlier runs left out of the baseline: every request failed at this level (the server was down or refused them: no latency, no throughput, and an error rate of 100 %% that widened the noise interval until errors passed)",
					lv, left, of))
			}
		}
		var bt turnSet
		if base.Run != nil {
			bt = base.Run.levels[lv].turnsHad()
		} else {
			bt = summaryTurns(sums, lv)
		}
		if w := turnsWarning(lv, bt, cand.levels[lv].turnsHad(), th); w != "" {
			res.warnLevel(lv, w)
		}
		switch {
		case base.Run != nil:
			rows = bootstrapRows(base.Run.levels[lv], cand.levels[lv], lv, res)
		case len(sums) >= minHistoryRuns:
			rows = historyRows(sums, cand.levels[lv], lv, res)
		default:
			rows = fixedRows(sums, cand.levels[lv], lv, res)
		}
		for i := range rows {
			judge(&rows[i], th)
		}
		res.Rows = append(res.Rows, rows...)
		if base.Run != nil {
			res.Flags = append(res.Flags, base.flags(lv)...)
		} else {
			res.Flags = append(res.Flags, levelFlags("baseline", sums, lv)...)
		}
		res.Flags = append(res.Flags, levelFlags("candidate", []*report.Summary{cand.Summary}, lv)...)
	}
	res.dropUncompared()
	return res, nil
}

// unflaggedAt returns the earlier runs' summaries that have level lv
// unflagged there (levelFlags: CLIENT-BOUND or MOCK-BEHIND, numbers of the
// load generator or the host, not the server's), with left the number of
// flagged ones it left out of the of that have lv; all of those, and 0
// left, when every one that has lv is flagged there: a baseline of flagged
// runs only is still one, and the flag says so. Runs without lv are never
// kept: counted, they chose the history's interval for a level that one or
// two runs had, and an interval of so few values is none (the level could
// not regress).
func unflaggedAt(sums []*report.Summary, lv float64) (kept []*report.Summary, left, of int) {
	return keepAt(sums, lv, func(s *report.Summary, _ *report.Level) bool {
		return len(levelFlags("", []*report.Summary{s}, lv)) > 0
	})
}

// answeredAt returns the earlier runs' summaries in which some request
// succeeded at level lv, with left the number of those it left out of the
// of given, every request of which failed there: such a night measured
// that the server was down, not how fast it serves, and its error rate of
// 100 %, among nights of 0 % (a MAD of 0: the outlier rule leaves nothing
// out), widened the error rate's interval until a candidate with half its
// requests failing passed. All of them, and 0 left, when no run has a
// success there: a baseline of failed runs only is still one. sums are
// the runs that have lv (unflaggedAt).
func answeredAt(sums []*report.Summary, lv float64) (kept []*report.Summary, left, of int) {
	return keepAt(sums, lv, func(_ *report.Summary, l *report.Level) bool {
		return l.Requests.Total > 0 && l.Requests.OK == 0
	})
}

// keepAt returns the summaries of sums that have level lv and that drop
// does not drop there, with left the number it dropped and of the number
// that have lv; all of those, and 0 left, when it drops every one.
func keepAt(sums []*report.Summary, lv float64, drop func(*report.Summary, *report.Level) bool) (kept []*report.Summary, left, of int) {
	var has []*report.Summary
	for _, s := range sums {
		i := slices.IndexFunc(s.Levels, func(l report.Level) bool { return l.Level == lv })
		if i < 0 {
			continue
		}
		has = append(has, s)
		if drop(s, &s.Levels[i]) {
			left++
			continue
		}
		kept = append(kept, s)
	}
	if len(kept) == 0 {
		return has, 0, len(has)
	}
	return kept, left, len(has)
}

// minHistoryRuns is the fewest baseline summaries the prediction interval
// is used with; below it the baseline is held fixed.
const minHistoryRuns = 3

// hasLevel reports whether the baseline ran level lv.
func (b Baseline) hasLevel(lv float64) bool {
	return slices.Contains(b.levels(), lv)
}

// levels lists the baseline's levels, ascending.
// levelList writes levels as a reader does ("2, 8"), "none" for none.
func levelList(lvs []float64) string {
	if len(lvs) == 0 {
		return "none"
	}
	s := make([]string, len(lvs))
	for i, lv := range lvs {
		s[i] = strconv.FormatFloat(lv, 'g', -1, 64)
	}
	return strings.Join(s, ", ")
}

func (b Baseline) levels() []float64 {
	if b.Run != nil {
		return slices.Sorted(maps.Keys(b.Run.levels))
	}
	var lvs []float64
	for _, s := range b.Summaries {
		for _, l := range s.Levels {
			if !slices.Contains(lvs, l.Level) {
				lvs = append(lvs, l.Level)
			}
		}
	}
	slices.Sort(lvs)
	return lvs
}

// change is the change from b to c: c − b for a Points metric, else
// (c − b) / b (NaN for a zero baseline).
func change(m Metric, b, c float64) float64 {
	if m.Points {
		return c - b
	}
	if b == 0 {
		return math.NaN()
	}
	return (c - b) / b
}

// newRow starts a row of metric m at level lv.
func newRow(m Metric, lv, b, c float64, method string) Row {
	return Row{Level: lv, Metric: m.Name, Title: m.Title, Unit: m.Unit, Points: m.Points,
		Baseline: b, Candidate: c, Change: change(m, b, c), Method: method, P: math.NaN(), N: 1}
}

// notMeasured appends to rows the row of a gated metric m that one side
// (value NaN) has no value for at level lv, its change and interval
// undefined, and n the baseline runs behind b (0 when b is NaN); a metric
// not gated is left out, as before.
func (res *Result) notMeasured(rows []Row, m Metric, lv, b, c float64, method string, n int) []Row {
	if _, gated := res.Thresholds[m.Name]; !gated {
		return rows
	}
	row := newRow(m, lv, b, c, method)
	row.Change, row.CILow, row.CIHigh = math.NaN(), math.NaN(), math.NaN()
	row.N = n
	if math.IsNaN(b) {
		row.N = 0
	}
	return append(rows, row)
}

// levelRNG seeds the bootstrap of one level: the same seed and level give
// the same resamples whatever else is compared.
func levelRNG(seed uint64, lv float64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, math.Float64bits(lv)))
}

// replicates runs the two-sample bootstrap of metrics ms on two levels:
// each of n replicates resamples both sides' requests (with replacement,
// from rng) and calls f with the replicate's index and both sides' stats,
// concurrently (eachResample: f writes only replicate k's results).
// b0 and c0 are the stats of the samples themselves. It is the one
// resampling loop of the comparison engine: the gate's changes (Compare)
// and the report's ratios (Ratios) both come from it. Levels that ran the
// same request list are resampled in pairs (pairing), and paired says so.
func replicates(bs, cs *LevelSample, ms []Metric, n int, rng *rand.Rand, f func(k int, b, c *sideStats)) (b0, c0 *sideStats, paired bool) {
	b0, c0 = newSideStats(ms), newSideStats(ms)
	bs.stats(nil, b0)
	cs.stats(nil, c0)
	var links []link
	if pairs := pairing(bs, cs); pairs != nil {
		links = []link{{from: 0, to: 1, pairs: pairs}}
	}
	eachResample([]*LevelSample{bs, cs}, []*sideStats{b0, c0}, ms, links, n, rng, func(k int, st []*sideStats) {
		f(k, st[0], st[1])
	})
	return b0, c0, links != nil
}

// bootstrapRows compares two levels with requests by a two-sample
// bootstrap: each replicate resamples both sides' requests and records the
// change of every metric.
func bootstrapRows(bs, cs *LevelSample, lv float64, res *Result) []Row {
	res.WholeSessions = res.WholeSessions || bs.clusters != nil || cs.clusters != nil
	ms := comparedMetrics(bs.turnsHad(), cs.turnsHad())
	reps := make([][]float64, len(ms))
	for i := range reps {
		reps[i] = make([]float64, res.Resamples)
	}
	b0, c0, paired := replicates(bs, cs, ms, res.Resamples, levelRNG(res.Seed, lv), func(k int, bst, cst *sideStats) {
		for i, m := range ms {
			reps[i][k] = change(m, bst.value(m), cst.value(m))
		}
	})
	method := MethodBootstrap
	if paired {
		method = MethodPaired
	}
	// Mann–Whitney's test takes the two samples for independent, which
	// paired ones are not: paired rows have none.
	var mw [nFields]*MannWhitney
	for f := fieldTTFT; f < nFields && !paired; f++ {
		// The samples the rank indexes hold (LevelSample.samples).
		x, y := &c0.idx.ws[f-fieldTTFT], &b0.idx.ws[f-fieldTTFT]
		if x.len() > 0 && y.len() > 0 {
			u := mannWhitney(x, y)
			mw[f] = &u
		}
	}
	var rows []Row
	for i, m := range ms {
		b, c := b0.value(m), c0.value(m)
		if math.IsNaN(b) || math.IsNaN(c) {
			rows = res.notMeasured(rows, m, lv, b, c, method, 1)
			continue
		}
		row := newRow(m, lv, b, c, method)
		row.P = report.BootstrapP(reps[i], 0)
		row.CILow, row.CIHigh = report.BootstrapInterval(reps[i], res.Alpha)
		if m.field != noField {
			row.MannWhitney = mw[m.field]
		}
		rows = append(rows, row)
	}
	return rows
}

// A Ratio is one metric of a candidate level over a baseline level, with
// its percentile-bootstrap interval and two-sided p-value of "ratio = 1".
type Ratio struct {
	Metric Metric
	// Baseline and Candidate are the metric on each whole sample.
	Baseline, Candidate float64
	// Ratio is Candidate / Baseline; Low and High bound it at 1 − alpha.
	Ratio, Low, High float64
	// P is the two-sided bootstrap p-value of "ratio = 1"
	// (report.BootstrapP).
	P float64
	// Paired says the two levels ran the same request list and were
	// resampled in pairs (pairing).
	Paired bool
	// reps are the defined replicates of the ratio (PAt); parts, for a
	// union of ratios (CapacityRatio), its ratios instead.
	reps  []float64
	parts []Ratio
}

// PAt is the two-sided bootstrap p-value of "ratio = null" from r's
// replicates (report.BootstrapP): P is PAt(1). A metric that is the
// ratio's times a constant k is 1 where the ratio is 1/k, and its p-value
// is PAt(1/k). A union's is the largest of its parts'.
func (r Ratio) PAt(null float64) float64 {
	if r.parts == nil {
		return report.BootstrapP(r.reps, null)
	}
	p := 0.0
	for _, x := range r.parts {
		p = max(p, x.PAt(null))
	}
	return p
}

// Ratios compares metrics ms of candidate level cs with baseline level bs
// as ratios, by the same two-sample bootstrap as Compare (resamples
// replicates seeded by seed and key, so a comparison is reproducible and a
// metric's interval does not depend on what else is compared). A metric
// whose baseline is not positive, or whose replicates are undefined more
// than half the time, is left out.
func Ratios(bs, cs *LevelSample, ms []Metric, alpha float64, resamples int, seed uint64, key string) []Ratio {
	h := fnv.New64a()
	h.Write([]byte(key))
	reps := make([][]float64, len(ms))
	for i := range reps {
		reps[i] = make([]float64, resamples)
	}
	b0, c0, paired := replicates(bs, cs, ms, resamples, rand.New(rand.NewPCG(seed, h.Sum64())), func(k int, bst, cst *sideStats) {
		for i, m := range ms {
			reps[i][k] = cst.value(m) / bst.value(m)
		}
	})
	var out []Ratio
	for i, m := range ms {
		if r, ok := ratioOf(m, b0.value(m), c0.value(m), reps[i], alpha, paired); ok {
			out = append(out, r)
		}
	}
	return out
}

// ratioOf is the Ratio of metric m, candidate c over baseline b, from its
// replicates reps (each resample's candidate over baseline; taken over):
// those defined (a positive baseline, a finite ratio) give its interval
// at 1 − alpha and its p-value. ok is false when b is not positive, c or
// b not finite, or fewer than half the replicates are defined.
func ratioOf(m Metric, b, c float64, reps []float64, alpha float64, paired bool) (Ratio, bool) {
	n := len(reps)
	reps = slices.DeleteFunc(reps, func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) || x < 0 })
	if !(b > 0) || math.IsNaN(c) || math.IsInf(b, 0) || math.IsInf(c, 0) || len(reps) < n/2 {
		return Ratio{}, false
	}
	r := Ratio{Metric: m, Baseline: b, Candidate: c, Ratio: c / b, Paired: paired, reps: reps}
	r.Low, r.High = report.BootstrapInterval(reps, alpha)
	r.P = r.PAt(1)
	return r, true
}

// baselineValues returns metric m's value at level lv in each summary that
// has it.
func baselineValues(sums []*report.Summary, m Metric, lv float64) []float64 {
	var vs []float64
	for _, s := range sums {
		for i := range s.Levels {
			if s.Levels[i].Level == lv {
				if v, ok := m.Value(&s.Levels[i]); ok {
					vs = append(vs, v)
				}
			}
		}
	}
	return vs
}

// fixedRows compares a level with requests against one or two baseline
// summaries (their median, held fixed): only the candidate is resampled.
func fixedRows(sums []*report.Summary, cs *LevelSample, lv float64, res *Result) []Row {
	res.WholeSessions = res.WholeSessions || cs.clusters != nil
	ms := comparedMetrics(summaryTurns(sums, lv), cs.turnsHad())
	c0 := newSideStats(ms)
	cs.stats(nil, c0)
	base, runs := make([]float64, len(ms)), make([]int, len(ms))
	for i, m := range ms {
		base[i] = math.NaN()
		if vs := baselineValues(sums, m, lv); len(vs) > 0 {
			base[i], runs[i] = median(vs), len(vs)
		}
	}
	reps := make([][]float64, len(ms))
	for i := range reps {
		reps[i] = make([]float64, res.Resamples)
	}
	eachResample([]*LevelSample{cs}, []*sideStats{c0}, ms, nil, res.Resamples, levelRNG(res.Seed, lv), func(k int, st []*sideStats) {
		for i, m := range ms {
			reps[i][k] = change(m, base[i], st[0].value(m))
		}
	})
	var rows []Row
	for i, m := range ms {
		c := c0.value(m)
		if math.IsNaN(base[i]) || math.IsNaN(c) {
			rows = res.notMeasured(rows, m, lv, base[i], c, MethodFixedBaseline, runs[i])
			continue
		}
		row := newRow(m, lv, base[i], c, MethodFixedBaseline)
		row.N = runs[i]
		row.P = report.BootstrapP(reps[i], 0)
		row.CILow, row.CIHigh = report.BootstrapInterval(reps[i], res.Alpha)
		rows = append(rows, row)
	}
	return rows
}

// historyRows compares a level against three or more earlier runs'
// summaries: the baseline is their median; the interval of the change is
// the candidate's value less the (1−alpha) prediction interval of the
// earlier values (an outlier among them left out: withoutOutliers), so it
// excludes 0 exactly when the candidate falls outside that interval.
//
// A metric fewer than minHistoryRuns of the runs measured (the others had
// no value for it at lv) has no such interval: its row is fixedRows'
// (the candidate's requests bootstrapped against those runs' median held
// fixed), as a level so few runs have is (Compare).
func historyRows(sums []*report.Summary, cs *LevelSample, lv float64, res *Result) []Row {
	ms := comparedMetrics(summaryTurns(sums, lv), cs.turnsHad())
	c0 := newSideStats(ms)
	cs.stats(nil, c0)
	var rows, fixed []Row
	for _, m := range ms {
		c := c0.value(m)
		vs := baselineValues(sums, m, lv)
		if math.IsNaN(c) || len(vs) == 0 {
			rows = res.notMeasured(rows, m, lv, median(vs), c, MethodHistory, len(vs))
			continue
		}
		if len(vs) < minHistoryRuns {
			if fixed == nil {
				fixed = fixedRows(sums, cs, lv, res)
			}
			// The metric has values on both sides, so fixedRows gave it a
			// row whether or not it is gated.
			k := slices.IndexFunc(fixed, func(r Row) bool { return r.Metric == m.Name })
			rows = append(rows, fixed[k])
			continue
		}
		kept, out, b := withoutOutliers(vs, minHistoryRuns)
		lo, hi := predictionInterval(kept, res.Alpha)
		row := newRow(m, lv, b, c, MethodHistory)
		row.N, row.Outliers = len(vs), out
		// Every metric is at least 0, and so is the candidate shifted by
		// the history's spread: past that the interval read below −100 %
		// (output tokens/s [−100.1 %, −99.9 %] of a run that produced none).
		// Flooring it moves no verdict: 0 stays on its side of b.
		row.CILow, row.CIHigh = change(m, b, max(b+c-hi, 0)), change(m, b, max(b+c-lo, 0))
		rows = append(rows, row)
	}
	if w := res.outlierWarning(lv, rows); w != "" {
		res.warnLevel(lv, w)
	}
	return rows
}

// outlierWarning names, for level lv, the values of gated metrics that
// the history's interval left out (Row.Outliers), so that a reader sees
// why it is narrower than the runs' whole spread; "" when none was. The
// rows keep them for every metric (baseline_outliers in the JSON).
func (res *Result) outlierWarning(lv float64, rows []Row) string {
	var parts []string
	for _, r := range rows {
		if _, gated := res.Thresholds[r.Metric]; !gated || len(r.Outliers) == 0 {
			continue
		}
		vs := make([]string, len(r.Outliers))
		for i, v := range r.Outliers {
			vs[i] = formatValue(r, v)
		}
		unit := ""
		if r.Unit != "" && !r.Points {
			unit = " " + r.Unit
		}
		parts = append(parts, fmt.Sprintf("%s %s%s (median %s%s)", r.Title, strings.Join(vs, ", "), unit, formatValue(r, r.Baseline), unit))
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("level %g: earlier runs' values left out of the noise interval as outliers (modified z-score > %g and over %g %% from the median; still in the median): %s",
		lv, outlierZ, 100*outlierMinShare, strings.Join(parts, "; "))
}

// judge sets a row's threshold, significance and verdict: a regression
// when the change exceeds the threshold in the bad direction and the
// interval excludes 0; an improvement likewise in the good direction;
// within noise when the interval holds 0, within limit when it does not
// but the change is no larger than the threshold.
func judge(r *Row, th Thresholds) {
	m, _ := LookupMetric(r.Metric)
	r.Significant = !math.IsNaN(r.CILow) && !math.IsNaN(r.CIHigh) && (r.CILow > 0 || r.CIHigh < 0)
	limit, gated := th.Limits[r.Metric]
	if !gated {
		r.Verdict = NotGated
		return
	}
	r.Threshold = limit
	if math.IsNaN(r.Baseline) || math.IsNaN(r.Candidate) {
		r.Verdict = NotMeasured
		return
	}
	bad := float64(badSign(m)) * r.Change
	switch {
	case math.IsNaN(r.Change) || !r.Significant:
		r.Verdict = WithinNoise
	case bad > limit:
		r.Verdict = Regression
	case -bad > limit:
		r.Verdict = Improvement
	default:
		r.Verdict = WithinLimit
	}
}

// MarshalJSON writes r as encoding/json would, field by field in order
// under the same tag rules (a "-" or unexported field is left out, an
// untagged one goes by its name, omitempty leaves out an empty value), but
// for the values JSON cannot hold: a NaN or ±Inf float is written as null,
// and a MannWhitney of undefined values (NaN) is left out.
func (r Row) MarshalJSON() ([]byte, error) {
	if mw := r.MannWhitney; mw != nil && (math.IsNaN(mw.P) || math.IsNaN(mw.U)) {
		r.MannWhitney = nil
	}
	v := reflect.ValueOf(r)
	b := []byte{'{'}
	for i := range v.NumField() {
		sf := v.Type().Field(i)
		tag := sf.Tag.Get("json")
		if !sf.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		f := v.Field(i)
		if slices.Contains(strings.Split(opts, ","), "omitempty") && emptyJSON(f) {
			continue
		}
		val := f.Interface()
		if x, ok := val.(float64); ok && (math.IsNaN(x) || math.IsInf(x, 0)) {
			val = nil
		}
		fb, err := json.Marshal(val)
		if err != nil {
			return nil, err
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(strconv.AppendQuote(b, cmp.Or(name, sf.Name)), ':')
		b = append(b, fb...)
	}
	return append(b, '}'), nil
}

// emptyJSON is encoding/json's omitempty test: false, 0, "", a nil pointer
// or interface, an empty slice, map or array; never a struct.
func emptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Struct:
		return false
	}
	return v.IsZero()
}
