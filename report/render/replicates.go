package render

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

// RepeatedRuns is the report's section on runs given more than once: the
// runs of one setup are repeats, and their spread is the run-to-run
// variance that a comparison of two runs' requests does not hold
// (docs/gating.md, "Repeated runs in the qualification report").
type RepeatedRuns struct {
	// Setups are the runs grouped by setup, in the order given; a setup
	// is named by its first run's label.
	Setups []Setup `json:"setups"`
	// Ratios set the first setup against each other setup.
	Ratios []SetupRatio `json:"ratios"`
	// LeftOut names the runs not compared pairwise: every run of a setup
	// but its first.
	LeftOut []string `json:"left_out"`
	// Notes say what a setup is and which runs are compared; Method how
	// the ratios' interval is made (absent without ratios).
	Notes  []string `json:"notes"`
	Method string   `json:"method,omitempty"`
}

// Setup is a group of runs of one setup: the same model, scenario,
// target kind and sharding (compare.Check finds no reason against
// comparing them), the same resolved GPU and GPU count, the same server
// version and arguments, and the same scenario settings but for seeds.
type Setup struct {
	Name string     `json:"name"`
	Runs []SetupRun `json:"runs"`
	// Basis is the basis every run is priced on (report.BasisCapacity or
	// report.BasisHighest); empty when they differ or a run has no
	// priced level (Why says so).
	Basis string `json:"basis,omitempty"`
	// MeanOutputTokensPerS is the mean of the runs' output tokens/s at
	// their priced levels; CV their sample standard deviation over that
	// mean, absent for one run; GeoMeanOutputTokensPerS their geometric
	// mean (exp of the mean log), which the ratios set against each
	// other. All absent when Basis is.
	MeanOutputTokensPerS    float64  `json:"mean_output_tokens_per_s,omitempty"`
	CV                      *float64 `json:"cv,omitempty"`
	GeoMeanOutputTokensPerS float64  `json:"geomean_output_tokens_per_s,omitempty"`
	Why                     string   `json:"why,omitempty"`
}

// SetupRun is one run of a setup at its priced level (pricedLevel,
// PricedInfo); Basis is empty when the run served no token.
type SetupRun struct {
	Label            string  `json:"label"`
	Level            float64 `json:"level"`
	Basis            string  `json:"basis,omitempty"`
	LowerBound       bool    `json:"lower_bound,omitempty"`
	OutputTokensPerS float64 `json:"output_tokens_per_s"`
}

// SetupRatio is a candidate setup's geometric mean output tokens/s over
// the baseline setup's: exp(d), d = mean log candidate − mean log
// baseline. The interval is Welch's t on the same logs: exp(d ± t(DF) ×
// standard error), with DF by Welch–Satterthwaite, so the ratio lies
// inside it; absent with fewer than 2 runs a side. Ratio is absent when
// either setup has no mean (Why says why).
type SetupRatio struct {
	Baseline      string  `json:"baseline"`
	Candidate     string  `json:"candidate"`
	BaselineRuns  int     `json:"baseline_runs"`
	CandidateRuns int     `json:"candidate_runs"`
	Ratio         float64 `json:"ratio,omitempty"`
	CILow         float64 `json:"ci_low,omitempty"`
	CIHigh        float64 `json:"ci_high,omitempty"`
	DF            float64 `json:"df,omitempty"`
	Method        string  `json:"method,omitempty"`
	Why           string  `json:"why,omitempty"`
	// Unlike says what makes the ratio not like for like: the setups
	// priced on different bases (unlike; a difference of models the
	// pair's verdict says).
	Unlike []string `json:"unlike,omitempty"`
	// Bound is "at least" when a run of the candidate setup is priced at
	// a capacity that is a lower bound (the highest level run met the
	// SLO), "at most" when one of the baseline's is; empty otherwise.
	Bound string `json:"bound,omitempty"`
}

// welchMethod names the interval's method in the report.
const welchMethod = "Welch t on log output tokens/s per run"

// grouping is the runs grouped into setups (their indices, in the order
// given), with why runs that would otherwise be one setup's are not.
type grouping struct {
	setups [][]int
	// apart says, for the section's notes, why runs alike in all else
	// were not grouped (an unknown GPU).
	apart []string
	// copies are the runs that are another run given again or a copy of
	// it (copyOf): in no setup, for a copy is not a repeat.
	copies []copied
}

// copied is run i, a copy of run of; again when it is that directory
// given again (copyOf).
type copied struct {
	i, of int
	again bool
}

// groupSetups groups runs (with their report entries rr) into setups, in
// the order given: each run joins the first setup whose first run is of
// its setup (sameSetup), else starts one; gpus are the runs' GPUs
// (setupGPU). A copy of a run given before it
// joins none: its requests are the other's, and counted as a repeat they
// would read as a run-to-run variance of 0.
func groupSetups(runs []*Run, rr []RunReport, gpus []string) grouping {
	var g grouping
	metas := make([]*compare.Meta, len(runs))
	for i, r := range runs {
		if r.Manifest != nil {
			m := compare.MetaOf(r.Manifest)
			metas[i] = &m
		}
	}
	for i := range runs {
		if of, again, ok := copyOf(runs, i); ok {
			g.copies = append(g.copies, copied{i, of, again})
			continue
		}
		var apart []string
		j := slices.IndexFunc(g.setups, func(s []int) bool {
			same, why := sameSetup(runs[s[0]], runs[i], metas[s[0]], metas[i], [2]string{gpus[s[0]], gpus[i]}, [2]string{rr[s[0]].Label, rr[i].Label})
			if why != "" {
				apart = append(apart, why)
			}
			return same
		})
		if j < 0 {
			// Why a run starting a setup is none of those before it;
			// a repeat joining one is said nothing (it was unlike the
			// other setups' first runs once already).
			g.apart = append(g.apart, apart...)
			g.setups = append(g.setups, []int{i})
		} else {
			g.setups[j] = append(g.setups[j], i)
		}
	}
	return g
}

// together says runs i and j are of one setup.
func (g grouping) together(i, j int) bool {
	return slices.ContainsFunc(g.setups, func(s []int) bool { return slices.Contains(s, i) && slices.Contains(s, j) })
}

// reruns says runs i and j are each the first run of a setup of its own
// and both setups hold more than one run: the pair's verdict need not
// advise running each side again, for the across-runs ratio has
// (repeatedRuns).
func (g grouping) reruns(i, j int) bool {
	si := slices.IndexFunc(g.setups, func(s []int) bool { return s[0] == i })
	sj := slices.IndexFunc(g.setups, func(s []int) bool { return s[0] == j })
	return si >= 0 && sj >= 0 && si != sj && len(g.setups[si]) > 1 && len(g.setups[sj]) > 1
}

// targetURL is the run's target URL as a setup compares it: scheme, host
// and path, without port, query, fragment or user. Not the port: a server
// started again on another port (the demo's mock takes a free one each
// time) is the same box; another host is another box.
func targetURL(m *rundir.Manifest) string {
	u, err := url.Parse(m.Target.URL)
	if err != nil {
		return m.Target.URL
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + strings.TrimSuffix(u.Path, "/")
}

// sameSetup says whether two runs are repeats of one setup: compare.Check
// gives no reason against comparing them (model, scenario, target kind,
// sharding), they sent to the same target URL (targetURL), their GPUs
// (gpu, setupGPU) are known and the same, their servers report the same
// version and arguments, and their scenario settings differ in seeds alone
// (compare.SettingsDiff). A run without run.json is a setup of its own.
// An unknown GPU is not the same GPU: two servers that record none (a
// server on another box without --gpu) may be any two. Runs of one model,
// scenario and target URL kept apart are said why (a setup that changed
// on one server is what a reader asks about).
func sameSetup(x, y *Run, a, b *compare.Meta, gpu, label [2]string) (same bool, why string) {
	if a == nil || b == nil {
		return false, ""
	}
	if reasons, _ := compare.Check(*a, *b); len(reasons) > 0 {
		return false, ""
	}
	if targetURL(x.Manifest) != targetURL(y.Manifest) {
		return false, ""
	}
	apart := func(f string, args ...any) (bool, string) {
		return false, fmt.Sprintf("%s and %s are not grouped as repeats: ", label[0], label[1]) + fmt.Sprintf(f, args...)
	}
	var unknown []string
	for k, g := range gpu {
		if g == "" {
			unknown = append(unknown, label[k])
		}
	}
	switch {
	case len(unknown) > 0:
		return apart("no GPU is recorded for %s, and an unknown GPU is not the same GPU (state each box's with --gpu ID[xN])", strings.Join(unknown, " and "))
	case gpu[0] != gpu[1]:
		return apart("their GPUs differ (%s, %s)", gpu[0], gpu[1])
	case a.ServerVersion != b.ServerVersion || a.ServerArgs != b.ServerArgs:
		return apart("their servers report another version or arguments")
	case !seedsAlone(a, b):
		return apart("their scenario settings differ in more than seeds")
	}
	return true, ""
}

// setupGPU is the GPU a run is a setup of, by the rule its pricing uses
// (cost.Catalog.ResolveRunGPU over the GPU stated, report --gpu or
// run.json's gpu_stated, and telemetry's names; cat nil: the built-in
// catalog): the catalog GPU and its count ("a100-80gb ×1": a stated GPU's
// count, else the GPUs that served the run), so a run whose GPU was stated
// and a rerun whose telemetry saw that GPU are alike. A GPU the catalog
// does not know is telemetry's names and count (compare.GPUOf), or as
// stated; "" when the run records none.
func setupGPU(cat *cost.Catalog, run *Run, stated string) string {
	if run.Manifest == nil {
		return ""
	}
	stated = run.statedGPU(stated)
	if cat == nil {
		cat, _ = cost.Builtin()
	}
	if cat != nil {
		rg, err := cat.ResolveRunGPU(stated, run.deviceNames())
		switch {
		case err == nil && rg != nil && rg.From == cost.FromUser:
			return fmt.Sprintf("%s ×%d", rg.GPU.ID, rg.Count)
		case err == nil && rg != nil:
			return fmt.Sprintf("%s ×%d", rg.GPU.ID, run.GPUs())
		}
	}
	if stated != "" {
		return stated + " (stated)"
	}
	return compare.GPUOf(run.Manifest).String()
}

// seedsAlone says whether the runs' scenario settings are the same but
// for seeds (isSeed, as fairness tells seeds from other settings).
func seedsAlone(a, b *compare.Meta) bool {
	if string(a.Settings) == string(b.Settings) {
		return true
	}
	diffs, err := rundir.DiffScenarios(a.Settings, b.Settings)
	if err != nil {
		return false
	}
	return !slices.ContainsFunc(diffs, func(d rundir.ScenarioDifference) bool { return !isSeed(d.Path) })
}

// repeated reports whether some setup has more than one run.
func repeated(setups [][]int) bool {
	return slices.ContainsFunc(setups, func(s []int) bool { return len(s) > 1 })
}

// comparedRuns lists the runs compared pairwise with the first: every
// other run without repeats; with repeats, the first run of each other
// setup (two runs of one setup differ by noise, not by a finding). When
// every run is of one setup there is no other: each is compared with the
// first as before, and its verdict says they are repeats (repeatedRuns);
// a copy of a run, with repeats, is compared with none.
func comparedRuns(g grouping, n int) []int {
	var out []int
	setups := g.setups
	if !repeated(setups) {
		for i := 1; i < n; i++ {
			out = append(out, i)
		}
		return out
	}
	if len(setups) == 1 {
		// A copy of a run is not compared as a repeat.
		return setups[0][1:]
	}
	for _, s := range setups[1:] {
		out = append(out, s[0])
	}
	return out
}

// repeatedRuns builds the section from the setups of the runs rr (nil
// without repeats) and adds its across-runs sentence to the verdict of
// each comparison of the first setup's first run with another setup's.
func repeatedRuns(g grouping, rr []RunReport, comps []Comparison) *RepeatedRuns {
	setups := g.setups
	if !repeated(setups) {
		return nil
	}
	sec := &RepeatedRuns{Setups: []Setup{}, Ratios: []SetupRatio{}, LeftOut: []string{}, Notes: []string{}}
	values := make([][]float64, len(setups))
	var leftOut []string
	for k, s := range setups {
		st := Setup{Name: rr[s[0]].Label}
		for n, i := range s {
			run := &rr[i]
			sr := SetupRun{Label: run.Label}
			if p := run.Priced; p != nil {
				sr.Level, sr.Basis, sr.LowerBound, sr.OutputTokensPerS = p.Level, p.Basis, run.lowerBound(), p.OutputTokensPerS
			}
			st.Runs = append(st.Runs, sr)
			if n > 0 && len(setups) > 1 {
				sec.LeftOut = append(sec.LeftOut, run.Label)
				leftOut = append(leftOut, fmt.Sprintf("%s (a repeat of %s)", run.Label, st.Name))
			}
		}
		st.Basis, st.Why = setupBasis(st.Runs)
		if st.Basis != "" {
			for _, r := range st.Runs {
				values[k] = append(values[k], r.OutputTokensPerS)
			}
			mean, sd := meanSD(values[k])
			st.MeanOutputTokensPerS, st.GeoMeanOutputTokensPerS = mean, math.Exp(meanLog(values[k]))
			if len(values[k]) > 1 {
				cv := sd / mean
				st.CV = &cv
			}
		}
		sec.Setups = append(sec.Setups, st)
	}
	var copyNotes []string
	for _, c := range g.copies {
		sec.LeftOut = append(sec.LeftOut, rr[c.i].Label)
		leftOut = append(leftOut, fmt.Sprintf("%s (a copy of %s)", rr[c.i].Label, rr[c.of].Label))
		copyNotes = append(copyNotes, fmt.Sprintf("%s is a copy of %s (the same directory, or run.json's host, pid, start, end and records): not a repeat, so it is in no setup's runs", rr[c.i].Label, rr[c.of].Label))
	}
	for k := 1; k < len(setups); k++ {
		base, cand := &sec.Setups[0], &sec.Setups[k]
		x := SetupRatio{Baseline: base.Name, Candidate: cand.Name, BaselineRuns: len(base.Runs), CandidateRuns: len(cand.Runs)}
		switch {
		case base.Basis == "" || cand.Basis == "":
			var why []string
			for _, st := range []*Setup{cand, base} {
				if st.Why != "" {
					why = append(why, st.Why)
				}
			}
			x.Why = "no ratio: " + strings.Join(why, "; ")
		case x.BaselineRuns < 2 || x.CandidateRuns < 2:
			x.Ratio = logRatio(values[0], values[k])
			var one []string
			for _, st := range []*Setup{cand, base} {
				if len(st.Runs) < 2 {
					one = append(one, st.Name)
				}
			}
			x.Why = fmt.Sprintf("no interval: Welch's t needs 2 runs a side, and %s ran once (run it again)", strings.Join(one, " and "))
		default:
			x.Ratio = logRatio(values[0], values[k])
			x.CILow, x.CIHigh, x.DF = welchLogInterval(values[0], values[k], Confidence)
			x.Method = welchMethod
		}
		x.Unlike = unlike(base, cand)
		if lb := lowerBound(cand); lb != lowerBound(base) {
			x.Bound = map[bool]string{true: "at least", false: "at most"}[lb]
		}
		sec.Ratios = append(sec.Ratios, x)
		for i := range comps {
			if comps[i].Baseline == base.Name && comps[i].Candidate == cand.Name && (x.BaselineRuns > 1 || x.CandidateRuns > 1) {
				comps[i].Headline += acrossRuns(x, base, cand)
			}
		}
	}
	sec.Notes = append(sec.Notes,
		"runs of one setup are repeats: the same model, scenario, target kind and sharding, the same target host (scheme, host and path of its URL; not the port), the same known GPU in the same count, the same server version and arguments, and the same scenario settings but for seeds; the order given is kept, and a setup is named by its first run")
	sec.Notes = append(sec.Notes, g.apart...)
	sec.Notes = append(sec.Notes, copyNotes...)
	sec.Notes = append(sec.Notes, prefixCacheNotes(setups, rr)...)
	if len(setups) == 1 {
		// Nothing to compare across setups: the pairwise verdicts stay,
		// and say what they measure.
		st := sec.Setups[0]
		if len(leftOut) > 0 {
			sec.Notes = append(sec.Notes, "left out of pairwise comparison: "+strings.Join(leftOut, ", "))
		}
		sec.Notes = append(sec.Notes, fmt.Sprintf("every run given is of one setup, %s: the Qualification section compares each with the first, and what it finds is run-to-run variance unless something run.json does not record differs", st.Name))
		for i := range comps {
			comps[i].Headline += fmt.Sprintf(" %s and %s are runs of one setup (Repeated runs): a difference between them is run-to-run variance, unless something run.json does not record differs.", comps[i].Candidate, comps[i].Baseline)
		}
		return sec
	}
	sec.Notes = append(sec.Notes,
		fmt.Sprintf("left out of pairwise comparison: %s: two runs of one setup differ by noise, not by a finding, so the Qualification section compares only the first run of %s with the first run of each other setup",
			strings.Join(leftOut, ", "), sec.Setups[0].Name))
	sec.Method = fmt.Sprintf("ratio = candidate setup's geometric mean output tokens/s / baseline setup's, each run at its priced level: exp of the difference of the mean logs; its %g %% interval is Welch's t on the same logs (that difference ± t × its standard error, degrees of freedom by Welch–Satterthwaite, taken back by exp), so the ratio lies inside it; the interval holds run-to-run variance: the Qualification section's intervals are of one pair of runs' requests; CV is the runs' sample standard deviation over their (arithmetic) mean",
		Confidence*100)
	return sec
}

// prefixCacheNotes flags, in each setup of two runs or more, a run whose
// prefix cache hit rate (compare.PrefixCacheOf of its summary: each
// level's, as its server reported it) is unlike that of most of the
// setup's other runs at some level. Two runs' rates at a level are unlike
// by compare.Check's rule for a baseline and a candidate: both reported
// and more than compare.PrefixCacheDiffPoints percentage points apart, or
// one reported none where the other's is above that (a run without a
// summary is not judged). Repeats are one experiment run again; a run
// whose server answered more or fewer of its prompt tokens from its
// prefix cache (a warm cache, a rerun with the same --seed) ran another,
// and its TTFT and throughput may differ for that alone. Of two runs
// neither is the odd one: one note names both.
func prefixCacheNotes(setups [][]int, rr []RunReport) []string {
	var notes []string
	for _, s := range setups {
		if len(s) < 2 {
			continue
		}
		rates := make([]map[float64]float64, len(s))
		var levels []float64
		for n, i := range s {
			if rr[i].Summary != nil {
				rates[n] = compare.PrefixCacheOf(rr[i].Summary)
			}
			for lv := range rates[n] {
				if !slices.Contains(levels, lv) {
					levels = append(levels, lv)
				}
			}
		}
		slices.Sort(levels)
		for n, i := range s {
			if len(s) == 2 && n == 0 {
				continue
			}
			var at []string
			for _, lv := range levels {
				unlike := 0
				each := []string{rr[i].Label + "'s " + cacheRate(rates[n], lv)}
				for m, j := range s {
					if m == n {
						continue
					}
					each = append(each, rr[j].Label+"'s "+cacheRate(rates[m], lv))
					if cacheUnlike(rates[n], rates[m], lv) {
						unlike++
					}
				}
				if 2*unlike > len(s)-1 {
					at = append(at, fmt.Sprintf("level %g: %s", lv, strings.Join(each, ", ")))
				}
			}
			if len(at) == 0 {
				continue
			}
			who := fmt.Sprintf("%s's prefix cache hit rate is unlike that of most of setup %s's other runs", rr[i].Label, rr[s[0]].Label)
			if len(s) == 2 {
				who = fmt.Sprintf("%s and %s, the runs of setup %s, differ in prefix cache hit rate", rr[i].Label, rr[s[0]].Label, rr[s[0]].Label)
			}
			notes = append(notes, fmt.Sprintf("%s (%s): repeats are one experiment run again, and a server that answered more or fewer prompt tokens from its prefix cache (a warm cache, a rerun with the same --seed) ran another, whose TTFT and throughput may differ for that alone (rates are unlike more than %g points apart, or where one run reports none and the other more than %g %%)",
				who, strings.Join(at, "; "), float64(compare.PrefixCacheDiffPoints), float64(compare.PrefixCacheDiffPoints)))
		}
	}
	return notes
}

// cacheUnlike says whether prefix cache hit rates a and b (0–1 by level,
// compare.PrefixCacheOf) are unlike at level lv: both known and more than
// compare.PrefixCacheDiffPoints points apart, or one reported none where
// the other's is above that; nil (no summary) is not judged.
func cacheUnlike(a, b map[float64]float64, lv float64) bool {
	if a == nil || b == nil {
		return false
	}
	x, okx := a[lv]
	y, oky := b[lv]
	if okx && oky {
		return math.Abs(x-y)*100 > compare.PrefixCacheDiffPoints
	}
	return okx != oky && max(x, y)*100 > compare.PrefixCacheDiffPoints
}

// cacheRate writes a run's prefix cache hit rate at level lv, "none
// reported" where its server reported none.
func cacheRate(rates map[float64]float64, lv float64) string {
	if v, ok := rates[lv]; ok {
		return percent(v)
	}
	return "none reported"
}

// unlike says what makes the ratio of setup cand's mean to base's not
// like for like: runs priced on different bases (capacity at SLO against
// highest throughput measure different things). What else differs
// between the setups' first runs (their models, …) the pair's verdict
// says, in the sentence this one joins (fairness).
func unlike(base, cand *Setup) []string {
	var out []string
	if base.Basis != "" && cand.Basis != "" && base.Basis != cand.Basis {
		out = append(out, fmt.Sprintf("priced on different bases (%s's runs at %s, %s's at %s)", cand.Name, cand.Basis, base.Name, base.Basis))
	}
	return out
}

// setupBasis is the basis every run of a setup is priced on, or why the
// setup has none: a run with no priced level, or runs priced on
// different bases (capacity at SLO and highest throughput), which are not
// repeats of one measurement.
func setupBasis(runs []SetupRun) (basis, why string) {
	for _, r := range runs {
		if r.Basis == "" {
			return "", fmt.Sprintf("%s has no level with output throughput", r.Label)
		}
	}
	var bases []string
	for _, r := range runs {
		if !slices.Contains(bases, r.Basis) {
			bases = append(bases, r.Basis)
		}
	}
	if len(bases) > 1 {
		var each []string
		for _, r := range runs {
			each = append(each, r.Label+" at "+r.Basis)
		}
		return "", fmt.Sprintf("%s's runs are priced on different bases (%s)", runs[0].Label, strings.Join(each, ", "))
	}
	return bases[0], ""
}

// lowerBound says whether a run of st is priced at a capacity that is a
// lower bound.
func lowerBound(st *Setup) bool {
	return slices.ContainsFunc(st.Runs, func(r SetupRun) bool { return r.LowerBound })
}

// bounded is a ratio's words with its bound: "at least 3.52×".
func bounded(x SetupRatio) string {
	if x.Bound == "" {
		return times(x.Ratio)
	}
	return x.Bound + " " + times(x.Ratio)
}

// acrossRuns is the verdict's sentence on the setups' runs.
func acrossRuns(x SetupRatio, base, cand *Setup) string {
	counts := fmt.Sprintf("Across %d and %d runs (%s's and %s's)", x.CandidateRuns, x.BaselineRuns, cand.Name, base.Name)
	if x.Ratio == 0 {
		return fmt.Sprintf(" %s: %s.", counts, x.Why)
	}
	unlike := ""
	if len(x.Unlike) > 0 {
		unlike = fmt.Sprintf(" Not a like-for-like ratio: %s.", strings.Join(x.Unlike, "; "))
	}
	if x.Method == "" {
		return fmt.Sprintf(" %s: %s the geometric mean output tokens/s, %s.%s", counts, bounded(x), x.Why, unlike)
	}
	of := "the runs' capacities"
	if base.Basis != report.BasisCapacity || cand.Basis != report.BasisCapacity {
		of = "the runs' output tokens/s at their priced levels"
	}
	return fmt.Sprintf(" %s: %s [%s–%s] the geometric mean output tokens/s (Welch t on the log of %s, df %s): this interval holds the run-to-run variance, which the one above, of two runs' requests, does not.%s",
		counts, bounded(x), times2(x.CILow), times2(x.CIHigh), of, dfText(x.DF), unlike)
}

// meanSD is the mean and sample standard deviation (n − 1) of xs; the
// deviation is 0 for one value.
func meanSD(xs []float64) (mean, sd float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1))
}

// meanLog is the mean of the logs of xs, all positive: the log of their
// geometric mean.
func meanLog(xs []float64) float64 {
	m, _ := meanSD(logs(xs))
	return m
}

// logRatio is b's geometric mean over a's, exp(mean log b − mean log a):
// the point welchLogInterval's interval is about.
func logRatio(a, b []float64) float64 {
	return math.Exp(meanLog(b) - meanLog(a))
}

// logs is the natural log of each of xs.
func logs(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = math.Log(x)
	}
	return out
}

// dfText writes an interval's degrees of freedom, "-" for none.
func dfText(df float64) string {
	if df == 0 {
		return "-"
	}
	return num(df, 1)
}

// welchLogInterval is the confidence interval of the ratio of b's
// geometric mean to a's from Welch's t on the logs: exp(d ± t × se), d
// the difference of the mean logs, se² = s²a/na + s²b/nb, and df by
// Welch–Satterthwaite, se⁴ / ((s²a/na)²/(na−1) + (s²b/nb)²/(nb−1)). Both
// need at least 2 values, all positive. When neither side varies, the
// interval is the ratio itself, with no df (0).
func welchLogInterval(a, b []float64, confidence float64) (lo, hi, df float64) {
	ma, sa := meanSD(logs(a))
	mb, sb := meanSD(logs(b))
	va, vb := sa*sa/float64(len(a)), sb*sb/float64(len(b))
	d, se2 := mb-ma, va+vb
	if se2 == 0 {
		// Welch–Satterthwaite's df is 0/0 here: none (0, shown "-").
		return math.Exp(d), math.Exp(d), 0
	}
	df = se2 * se2 / (va*va/float64(len(a)-1) + vb*vb/float64(len(b)-1))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(1 - (1-confidence)/2)
	se := math.Sqrt(se2)
	return math.Exp(d - t*se), math.Exp(d + t*se), df
}

// repeatedTables lays the section out: each setup's runs, the setups,
// and the ratios; none without repeats.
func (r *Report) repeatedTables() []table {
	sec := r.Repeated
	if sec == nil {
		return nil
	}
	runs := table{Title: "Runs by setup", Columns: []string{"setup", "run", "priced level", "basis", "output tok/s"}}
	setups := table{Title: "Setups", Columns: []string{"setup", "runs", "mean output tok/s", "CV", "geometric mean"}}
	for _, st := range sec.Setups {
		for _, sr := range st.Runs {
			if sr.Basis == "" {
				runs.Rows = append(runs.Rows, []string{st.Name, sr.Label, "-", "no level with output throughput", "-"})
				continue
			}
			basis := sr.Basis
			if sr.LowerBound {
				basis += ", a lower bound"
			}
			runs.Rows = append(runs.Rows, []string{st.Name, sr.Label, fmt.Sprintf("%g", sr.Level), basis, num(sr.OutputTokensPerS, 1)})
		}
		mean, cv, geo := "-", "-", "-"
		if st.Basis != "" {
			mean, geo = num(st.MeanOutputTokensPerS, 1), num(st.GeoMeanOutputTokensPerS, 1)
		}
		if st.CV != nil {
			cv = percent(*st.CV)
		}
		setups.Rows = append(setups.Rows, []string{st.Name, fmt.Sprint(len(st.Runs)), mean, cv, geo})
		if st.Why != "" {
			setups.Notes = append(setups.Notes, st.Why+": no mean")
		}
	}
	if len(sec.Ratios) == 0 {
		setups.Notes = append(setups.Notes, sec.Notes...)
		return []table{runs, setups}
	}
	setups.Notes = append(setups.Notes, sec.Notes...)
	ratios := table{Title: "Across runs: the first setup against each other", Columns: []string{"setups", "runs", "ratio of geometric means", fmt.Sprintf("%g %% CI", Confidence*100), "df"}}
	for _, x := range sec.Ratios {
		row := []string{x.Candidate + " / " + x.Baseline, fmt.Sprintf("%d and %d", x.CandidateRuns, x.BaselineRuns), "-", "-", "-"}
		if x.Ratio != 0 {
			row[2] = times(x.Ratio)
		}
		if x.Method != "" {
			row[3], row[4] = "["+times2(x.CILow)+"–"+times2(x.CIHigh)+"]", dfText(x.DF)
		}
		if x.Why != "" {
			ratios.Notes = append(ratios.Notes, x.Candidate+" / "+x.Baseline+": "+x.Why)
		}
		if len(x.Unlike) > 0 {
			ratios.Notes = append(ratios.Notes, x.Candidate+" / "+x.Baseline+": not like for like: "+strings.Join(x.Unlike, "; "))
		}
		if x.Bound != "" {
			row[2] = bounded(x)
			ratios.Notes = append(ratios.Notes, fmt.Sprintf("%s / %s: %s: a capacity at SLO of a run is a lower bound (the highest level run met the SLO, more load was not tried)", x.Candidate, x.Baseline, x.Bound))
		}
		ratios.Rows = append(ratios.Rows, row)
	}
	ratios.Notes = append(ratios.Notes, sec.Method)
	return []table{runs, setups, ratios}
}

// writeMDRepeated writes the Repeated runs section; nothing without repeats.
func writeMDRepeated(b *strings.Builder, r *Report) {
	ts := r.repeatedTables()
	if len(ts) == 0 {
		return
	}
	b.WriteString("## Repeated runs\n\n")
	for _, t := range ts {
		writeMDTable(b, t)
	}
}
