package render

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/plot"
	"github.com/inferbench/inferbench/rundir"
)

// PlotsDir is the directory of the figure files, inside a report's directory.
const PlotsDir = "plots"

// Plots builds every figure of the report, in report order: latency
// against throughput, the Pareto plot, TTFT and TPOT CDFs, the ITL
// histogram, the timeline, cost per 1M tokens and the crossover (the last
// two only when the report was built with a catalog and a run's GPU is in
// it).
func (r *Report) Plots() []*plot.Figure {
	var runs []plot.Run
	var timelines []plot.Timeline
	for _, run := range r.runs {
		runs = append(runs, plot.Run{Label: run.Label, Summary: run.Summary, GPUs: run.GPUs(), NoGPU: run.noGPU()})
		timelines = append(timelines, run.timeline)
	}
	lt := plot.LatencyThroughput(runs, r.slo)
	lt.Caption += r.noCapacityNote()
	pareto := plot.Pareto(runs)
	if m := r.levelsMeaning(); m != "" {
		pareto.Caption += " Levels: " + m + "."
	}
	figs := []*plot.Figure{lt, pareto}

	sel, where := r.distributionLevels()
	var ttft, tpot []plot.Curve
	var itl []plot.HistCurve
	for _, s := range sel {
		ttft = append(ttft, plot.Curve{Label: s.label, Values: s.data.sample.TTFTs()})
		tpot = append(tpot, plot.Curve{Label: s.label, Values: s.data.sample.TPOTs()})
		itl = append(itl, plot.HistCurve{Label: s.label, Hist: s.data.itl})
	}
	where += noCurveNote(sel)
	fig := plot.CDF("ttft-cdf", "TTFT distribution", "TTFT (ms)", ttft, r.SLO.TTFTMS, sloLineLabel(report.SLO{TTFT: r.slo.TTFT, Percentile: r.slo.Percentile}))
	fig.Caption = "Empirical CDF of time to first token over the successful measured requests, " + where + "."
	figs = append(figs, fig)
	fig = plot.CDF("tpot-cdf", "TPOT distribution", "TPOT (ms per output token)", tpot, r.SLO.TPOTMS, sloLineLabel(report.SLO{TPOT: r.slo.TPOT, Percentile: r.slo.Percentile}))
	fig.Caption = "Empirical CDF of time per output token over the successful measured requests with more than one output token, " + where + "."
	figs = append(figs, fig)
	fig = plot.ITLHistogram(itl, "Inter-token latency")
	fig.Caption += " Levels: " + where + "."
	figs = append(figs, fig)
	figs = append(figs, plot.TimelineFigure(timelines))

	if r.Crossover != nil {
		var bars []plot.CostBar
		for ri, rr := range r.Runs {
			seen := map[string]bool{}
			for _, c := range rr.Costs {
				kind := string(c.Kind)
				if seen[kind] {
					continue // the first offer of a kind is its default
				}
				seen[kind] = true
				bars = append(bars, plot.CostBar{Group: kind, Series: rr.Label, USDPer1M: c.USDPer1MOutputTokens, Run: ri})
			}
		}
		if len(bars) > 0 {
			fig = plot.CostBars(bars, "Cost per 1M output tokens at the priced level")
			fig.Caption = "Cost per 1M output tokens of each run's GPU box at its priced level (" + r.pricedText() +
				"), always busy, on the catalog's default offer of each kind; owned hardware includes energy; a slot labelled \"no … price in the catalog\" is a GPU the catalog has no offer of that kind for (add one with --prices)." + r.costBarOffers() + r.unpricedNote()
			figs = append(figs, fig)
		}
		if len(r.Crossover.Rows) > 0 {
			figs = append(figs, r.crossoverFigure())
		}
	}
	if r.Simulated {
		for _, f := range figs {
			f.MarkSimulated()
		}
	}
	return figs
}

// maxNoCapacityLevels is the most failing levels noCapacityNote names
// for one run; the load-level table's SLO column has them all.
const maxNoCapacityLevels = 4

// noCapacityNote says, for the latency figure's caption, why a run has no
// capacity ring under an SLO: every level failed it, for reasons a figure
// of latency percentiles may not show (an error rate over the budget, an
// ITL or E2E threshold). "" when every run has a capacity or no SLO is set.
func (r *Report) noCapacityNote() string {
	if r.slo.IsZero() {
		return ""
	}
	var out string
	for _, rr := range r.Runs {
		if rr.Summary == nil || rr.Summary.Capacity != nil || len(rr.SLOByLevel) == 0 {
			continue
		}
		if slices.ContainsFunc(rr.SLOByLevel, func(l LevelSLO) bool { return l.Met }) {
			continue
		}
		var why []string
		for i, l := range rr.SLOByLevel {
			if i == maxNoCapacityLevels {
				why = append(why, fmt.Sprintf("%d more in the load-level table", len(rr.SLOByLevel)-i))
				break
			}
			why = append(why, fmt.Sprintf("level %g: %s", l.Level, strings.Join(l.Why, "; ")))
		}
		out += fmt.Sprintf(" No ring for %s: no level met the SLO (%s).", rr.Label, strings.Join(why, "; "))
	}
	return out
}

// sloLineLabel is the legend of a CDF's SLO line, slo holding that one
// threshold: written as the report writes the SLO (report.SLO.Bounds,
// "SLO: TTFT p95 ≤ 1s"), "" when it is unset.
func sloLineLabel(slo report.SLO) string {
	if slo.IsZero() {
		return ""
	}
	return "SLO: " + slo.Bounds()
}

// maxCurves is the most distributions one CDF or histogram shows: beyond
// six, dash patterns and markers repeat and the figure stops being readable.
const maxCurves = 6

// selected is one distribution drawn in the CDF and histogram figures.
type selected struct {
	label string
	data  *levelData
}

// distributionLevels picks what the distribution figures show: every level
// of a single run; for several runs, each at the baseline's priced level
// when every run ran it, else each at its own priced level. It also says
// so in words.
func (r *Report) distributionLevels() ([]selected, string) {
	if len(r.runs) == 1 {
		run := r.runs[0]
		var levels []float64
		for _, l := range run.Summary.Levels {
			if run.levels[l.Level] != nil {
				levels = append(levels, l.Level)
			}
		}
		where := "one curve per load level"
		if len(levels) > maxCurves {
			var keep []float64
			if p := r.Runs[0].Priced; p != nil {
				keep = append(keep, p.Level)
			}
			slots := maxCurves - len(keep)
			for i := range slots {
				lv := levels[i*(len(levels)-1)/(slots-1)]
				if !slices.Contains(keep, lv) {
					keep = append(keep, lv)
				}
			}
			slices.Sort(keep)
			levels = keep
			where = fmt.Sprintf("%d of the %d load levels (the lowest, the highest, the priced level and evenly spaced ones between)", len(keep), len(run.Summary.Levels))
		}
		var out []selected
		for _, lv := range levels {
			out = append(out, selected{label: fmt.Sprintf("level %g", lv), data: run.levels[lv]})
		}
		return out, where
	}
	base := r.Runs[0].Priced
	common := base != nil
	for _, run := range r.runs {
		common = common && run.levels[base.Level] != nil
	}
	var out []selected
	if common {
		for _, run := range r.runs {
			out = append(out, selected{label: run.Label, data: run.levels[base.Level]})
		}
		return out, fmt.Sprintf("every run at level %g (%s's priced level)", base.Level, r.Runs[0].Label)
	}
	for i, run := range r.runs {
		if p := r.Runs[i].Priced; p != nil {
			out = append(out, selected{label: fmt.Sprintf("%s, level %g", run.Label, p.Level), data: run.levels[p.Level]})
		}
	}
	return out, "each run at its own priced level"
}

// costBarOffers says, for the cost figure's caption, which offer each of
// a run's bars is (the first of its kind, as Plots draws them) and, where
// the cost table has a cheaper offer of a kind, the cheapest: the demo's
// on-demand bars were AWS's, $0.541 per 1M output tokens on the A100,
// while its cost table listed on-demand A100s from $0.219, and the figure
// named neither.
func (r *Report) costBarOffers() string {
	var bars, cheaper, above []string
	for _, rr := range r.Runs {
		var kinds []string
		bar, low := map[string]int{}, map[string]int{}
		for i, c := range rr.Costs {
			kind := string(c.Kind)
			if _, ok := bar[kind]; !ok {
				bar[kind], low[kind] = i, i
				kinds = append(kinds, kind)
			}
			if c.USDPer1MOutputTokens < rr.Costs[low[kind]].USDPer1MOutputTokens {
				low[kind] = i
			}
		}
		var parts []string
		for _, kind := range kinds {
			parts = append(parts, kind+" "+rr.Costs[bar[kind]].Offer)
			if l := rr.Costs[low[kind]]; low[kind] != bar[kind] {
				cheaper = append(cheaper, fmt.Sprintf("%s %s from %s (%s)", rr.Label, kind, usd(l.USDPer1MOutputTokens), l.Offer))
			}
		}
		if i, ok := bar[string(cost.OnDemand)]; ok {
			for _, kind := range kinds {
				if c := rr.Costs[bar[kind]]; discountKind(c.Kind) && c.USDPer1MOutputTokens > rr.Costs[i].USDPer1MOutputTokens {
					above = append(above, r.aboveOnDemand(rr, rr.Costs[i], c))
				}
			}
		}
		if len(parts) > 0 {
			bars = append(bars, rr.Label+": "+strings.Join(parts, ", "))
		}
	}
	if len(bars) == 0 {
		return ""
	}
	out := " Bars: " + strings.Join(bars, "; ") + "."
	if len(cheaper) > 0 {
		out += " Cheaper offers in the cost tables: " + strings.Join(cheaper, "; ") + "."
	}
	if len(above) > 0 {
		out += " " + strings.Join(above, " ")
	}
	return out
}

// discountKind says whether an offer kind is sold as a saving on on-demand
// (a commitment or spot capacity): its bar above the on-demand bar needs
// words.
func discountKind(k cost.OfferKind) bool {
	return k == cost.Reserved1y || k == cost.Reserved3y || k == cost.Spot
}

// aboveOnDemand says why rr's bar c, of a kind sold as a saving, stands
// above its on-demand bar od: the kinds' first offers are on different
// instances (an A10G's on-demand bar is a g5.xlarge, one GPU; its reserved
// bars g5.48xlarge's, eight), and the same instance on demand, where the
// catalog has it, costs more than c.
func (r *Report) aboveOnDemand(rr RunReport, od, c cost.Costs) string {
	var g *cost.GPU
	if r.catalog != nil {
		g, _ = r.catalog.GPU(rr.GPU)
	}
	instance := func(id string) string { // a derived offer has its base's (cost.Load)
		if g == nil {
			return ""
		}
		if o, err := g.Offer(id); err == nil {
			return o.Instance
		}
		return ""
	}
	named := func(x cost.Costs, inst string) string {
		if inst == "" {
			return fmt.Sprintf("%s, %s", usd(x.USDPer1MOutputTokens), x.Offer)
		}
		return fmt.Sprintf("%s, %s, %s", usd(x.USDPer1MOutputTokens), x.Offer, inst)
	}
	ci, oi := instance(c.Offer), instance(od.Offer)
	s := fmt.Sprintf("%s's %s bar (%s) stands above its on-demand bar (%s)", rr.Label, c.Kind, named(c, ci), named(od, oi))
	if ci == "" || ci == oi {
		return s + ": see the cost table for its offers."
	}
	s += ": different instances"
	for _, x := range rr.Costs {
		if x.Kind == cost.OnDemand && instance(x.Offer) == ci {
			return s + fmt.Sprintf("; a %s on demand (%s) is %s, %.0f %% more than %s.", ci, x.Offer, usd(x.USDPer1MOutputTokens),
				(x.USDPer1MOutputTokens/c.USDPer1MOutputTokens-1)*100, c.Kind)
		}
	}
	return s + fmt.Sprintf("; the catalog has no %s on demand to set it against.", ci)
}

// pricedText says at which level each run was priced.
func (r *Report) pricedText() string {
	var parts []string
	for _, rr := range r.Runs {
		if rr.Priced != nil && len(rr.Costs) > 0 {
			parts = append(parts, fmt.Sprintf("%s: level %g, %s", rr.Label, rr.Priced.Level, rr.pricedBasis()))
		}
	}
	return joinOr(parts, "; ", "none")
}

// unpricedNote names, for the cost and crossover captions, the runs that
// have no bar and no step line, and why ("" when every run is priced): an
// A100 against a GH200 the catalog lacks drew the A100 alone, and the
// figures said nothing of the other.
func (r *Report) unpricedNote() string {
	var parts []string
	for _, rr := range r.Runs {
		if len(rr.Costs) > 0 {
			continue
		}
		var why string
		switch {
		case rr.Priced == nil:
			why = "no level with output throughput"
		case rr.GPU != "":
			why = fmt.Sprintf("the catalog has no offer for %s: add one with --prices", rr.GPU)
		case rr.GPUName != "":
			why = fmt.Sprintf("its GPU, %q, is not in the catalog: add it with --prices, or state a catalog GPU with --gpu ID[xN]", rr.GPUName)
		default:
			why = "its GPU is not known: state it with --gpu ID[xN]"
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", rr.Label, why))
	}
	if len(parts) == 0 {
		return ""
	}
	return " Not priced: " + strings.Join(parts, "; ") + "."
}

// crossoverFigure draws the crossover section: each API a line, each
// priced run's GPU a step line, break-evens ringed.
func (r *Report) crossoverFigure() *plot.Figure {
	x := r.Crossover
	ch := plot.CrossoverChart{VolumeTokensPerDay: x.TokensPerDay, VolumeDefault: x.VolumeDefault}
	var apis, opts []string
	for _, row := range x.Rows {
		c := row.Crossover
		if !slices.Contains(apis, row.API) {
			apis = append(apis, row.API)
			ch.APIs = append(ch.APIs, plot.APILine{Label: row.API, USDPer1M: c.APIUSDPer1M})
		}
		if !slices.Contains(opts, row.Run) {
			opts = append(opts, row.Run)
			capTPS := 0.0
			if c.CapacityTokensPerS != nil {
				capTPS = *c.CapacityTokensPerS
			}
			ch.Options = append(ch.Options, plot.SelfHosted{Label: fmt.Sprintf("self-hosted %s, %s", row.Run, gpuReplica(row.GPU, c.GPUsPerReplica)),
				GPUMonthUSD: c.GPUMonthUSD, GPUsPerReplica: c.GPUsPerReplica, OpsMonthUSD: c.OpsMonthUSD, CapacityTokensPerS: capTPS,
				Run: r.runIndex(row.Run)})
		}
		if c.CrossoverTokensPerDay != nil {
			v := *c.CrossoverTokensPerDay
			ch.BreakEvens = append(ch.BreakEvens, plot.Mark{Label: fmt.Sprintf("%s vs %s, %s tok/day", row.Run, row.API, compact(v)),
				MonthlyTokens: v * 30, MonthlyUSD: v * 30 / 1e6 * c.APIUSDPer1M})
		}
	}
	fig := plot.Crossover(ch)
	fig.Caption = fmt.Sprintf("Monthly cost against tokens per day (a month is 30 days): each API a line, its input and output prices %s; each run's GPU box at the %s offer a step line (one more replica each time the volume passes a replica's measured capacity, spread evenly over the day); rings mark the first break-even volumes; the dashed line is %s.", x.Mix, x.Offer, volumeWords(x))
	var bounded []string
	for _, rr := range r.Runs {
		if rr.lowerBound() {
			bounded = append(bounded, rr.Label)
		}
	}
	if len(bounded) > 0 {
		fig.Caption += fmt.Sprintf(" The capacity of %s is a lower bound (its highest level met the SLO): its steps may come at larger volumes, so its line is an upper bound.", strings.Join(bounded, " and "))
	}
	fig.Caption += r.unpricedNote()
	return fig
}

// volumeWords names the crossover's volume line for its caption: stated,
// or the default no one stated.
func volumeWords(x *CrossoverSection) string {
	if x.VolumeDefault {
		return fmt.Sprintf("the default volume of %s tokens/day, which no one stated (--tokens-per-day)", compact(x.TokensPerDay))
	}
	return fmt.Sprintf("the stated volume of %s tokens/day", compact(x.TokensPerDay))
}

// runIndex is the index of the run labelled label among r.Runs, which
// picks its style in every figure (0 if none is).
func (r *Report) runIndex(label string) int {
	return max(0, slices.IndexFunc(r.Runs, func(rr RunReport) bool { return rr.Label == label }))
}

// refOf names a figure's files, relative to the report's directory.
func refOf(f *plot.Figure) FigureRef {
	return FigureRef{Name: f.Name, Title: f.Title, Caption: f.Caption,
		SVG: PlotsDir + "/" + f.Name + ".svg", PNG: PlotsDir + "/" + f.Name + ".png"}
}

// renderedFigure is a figure's SVG, kept for inlining in the HTML.
type renderedFigure struct {
	ref FigureRef
	svg []byte
}

// writeFigures renders each figure as SVG and PNG under dir/plots and
// returns their references (paths relative to dir) and SVGs. Figures are
// rendered concurrently, one goroutine per figure (a figure's plots are
// not safe to draw from two goroutines at once).
func writeFigures(dir string, figs []*plot.Figure) ([]renderedFigure, error) {
	if err := os.MkdirAll(filepath.Join(dir, PlotsDir), 0o755); err != nil {
		return nil, err
	}
	out := make([]renderedFigure, len(figs))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, f := range figs {
		g.Go(func() error {
			ref := refOf(f)
			var svg, png bytes.Buffer
			if err := f.Write(&svg, plot.SVG); err != nil {
				return err
			}
			if err := f.Write(&png, plot.PNG); err != nil {
				return err
			}
			// rundir.WriteFile replaces a link in the report's directory
			// instead of writing through it, as every file of a report is.
			if err := rundir.WriteFile(dir, ref.SVG, svg.Bytes()); err != nil {
				return err
			}
			if err := rundir.WriteFile(dir, ref.PNG, png.Bytes()); err != nil {
				return err
			}
			out[i] = renderedFigure{ref: ref, svg: svg.Bytes()}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// gpuReplica names a replica: "aws-p5-od" or "4 × aws-p5-od" (the offer
// part of "gpu offer").
func gpuReplica(gpuOffer string, gpus int) string {
	_, offer, ok := strings.Cut(gpuOffer, " ")
	if !ok {
		offer = gpuOffer
	}
	if gpus > 1 {
		return fmt.Sprintf("%d × %s", gpus, offer)
	}
	return offer
}
