package render

import (
	"cmp"
	"errors"
	"fmt"
	"time"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// Report kinds.
const (
	KindRun           = "run"
	KindQualification = "qualification"
)

// DefaultOffer is the offer kind the headline and the crossover price: the
// one every command uses (cost.DefaultOfferKind).
const DefaultOffer = string(cost.DefaultOfferKind)

// DefaultTokensPerDay is the crossover's volume when none is stated: the
// seed's worked example (10M tokens a day, 300M a month).
const DefaultTokensPerDay = 10e6

// DefaultAPIModels are the APIs the crossover weighs self-hosting against:
// a frontier model, its small sibling, and an 8B open-weight model served
// as an API (the like-for-like choice for Llama-3-8B).
func DefaultAPIModels() []string {
	return []string{"openai/gpt-4o", "openai/gpt-4o-mini", "groq/llama-3.1-8b-instant"}
}

// Options says how to build a report.
type Options struct {
	// SLO is the SLO the runs were loaded with (LoadRuns returns it);
	// SLOSource says where it came from ("flags", "run.json", "none").
	SLO       report.SLO
	SLOSource string
	// Catalog prices the runs' GPUs; nil leaves costs and the crossover out.
	Catalog *cost.Catalog
	// Offer is the offer kind (or id) the headline and crossover price;
	// "" means DefaultOffer.
	Offer string
	// TokensPerDay is the crossover's stated volume; 0 means DefaultTokensPerDay.
	TokensPerDay float64
	// APIModels are catalog API ids for the crossover; nil means DefaultAPIModels.
	APIModels []string
	// OpsMonthUSD is the fixed monthly cost of running GPUs in the crossover.
	OpsMonthUSD float64
	// CachedInputShare is the share of input tokens the APIs of the
	// crossover read from their prompt cache (0: none), priced at their
	// cached-input price; an API whose catalog entry has none is left out,
	// with a note.
	CachedInputShare float64
	// Resamples and Seed configure the bootstrap; 0 means DefaultResamples
	// and DefaultSeed.
	Resamples int
	Seed      uint64
	// Version is the tool version written into the report.
	Version string
	// PNGDPI is the resolution of the PNG figures; 0 means plot.PNGDPI.
	PNGDPI float64
	// GPUStated is the GPU the runs are priced on as the user states it
	// (--gpu ID[xN]): one for every run, or one per run in order; it
	// replaces run.json's gpu_stated. Empty: what run.json says.
	GPUStated []string
	// VLLMPercentiles are the percentiles of the vLLM export (format vllm);
	// none means report.DefaultVLLMPercentiles.
	VLLMPercentiles []float64
}

// Report is everything a report shows; the JSON renderer writes it as is
// (snake_case keys, a public contract like summary.json).
type Report struct {
	// Tool and Version name the program that wrote the report.
	Tool    string `json:"tool"`
	Version string `json:"version"`
	// Kind is "run" for one run, "qualification" for several.
	Kind string `json:"kind"`
	// Simulated is true when any run is simulated (rundir.Manifest.IsSimulated).
	Simulated bool `json:"simulated"`
	// SLO is the SLO capacity and goodput were judged by.
	SLO SLOInfo `json:"slo"`
	// Runs are in the order given; the first is the baseline.
	Runs []RunReport `json:"runs"`
	// Comparisons set every other run against the first; with repeated
	// runs, the first run of each other setup (RepeatedRuns).
	Comparisons []Comparison `json:"comparisons"`
	// Repeated groups the runs into setups and compares them across their
	// runs, absent when no setup was run more than once.
	Repeated *RepeatedRuns `json:"repeated_runs,omitempty"`
	// Crossover weighs each priced run against the APIs, nil without a catalog.
	Crossover *CrossoverSection `json:"crossover"`
	// Figures lists the plot files, relative to the report's directory.
	Figures []FigureRef `json:"figures"`
	// Warnings are every run's problems that did not stop the report.
	Warnings []string `json:"warnings"`

	runs   []*Run
	slo    report.SLO
	pngDPI float64
	// vllmPercentiles are Options.VLLMPercentiles.
	vllmPercentiles []float64
	// catalog is Options.Catalog: the offers behind the cost figure's bars.
	catalog *cost.Catalog
	// copyWarnings are the warnings on runs given twice (warnRepeatedDirs),
	// known once the runs are grouped: the terminal prints them after the
	// runs' own.
	copyWarnings []string
}

// SLOInfo is the SLO the report judged by.
type SLOInfo struct {
	// TTFTMS, TPOTMS, E2EMS and ITLMS are the thresholds in milliseconds,
	// absent when not set.
	TTFTMS float64 `json:"ttft_ms,omitempty"`
	TPOTMS float64 `json:"tpot_ms,omitempty"`
	E2EMS  float64 `json:"e2e_ms,omitempty"`
	ITLMS  float64 `json:"itl_ms,omitempty"`
	// Percentile is the percentile levels are judged at; MaxErrorRate the
	// largest failed fraction a level may have (0–1).
	Percentile   float64 `json:"percentile"`
	MaxErrorRate float64 `json:"max_error_rate"`
	// Text is the SLO as a condition ("TTFT p95 ≤ 1s"), "no SLO" when unset.
	Text string `json:"text"`
	// Source says where it came from: "flags", "run.json" or "none".
	Source string `json:"source"`
}

// RunReport is one run in a report.
type RunReport struct {
	// Label names the run; Dir is its directory as given.
	Label string `json:"label"`
	Dir   string `json:"dir"`
	// Manifest is run.json, null when the run has none.
	Manifest *rundir.Manifest `json:"manifest"`
	// GPUName is the first GPU's name from run.json; GPU is the catalog id
	// the run is priced on, empty when unknown; GPUFrom says where it came
	// from ("stated by the user" or "telemetry"); GPUs is how many served
	// the run.
	GPUName string `json:"gpu_name,omitempty"`
	GPU     string `json:"gpu,omitempty"`
	GPUFrom string `json:"gpu_from,omitempty"`
	GPUs    int    `json:"gpus"`
	// Simulated is true when the run's target or GPU telemetry was the mock.
	Simulated bool `json:"simulated"`
	// PartOfLoad is the part of a sharded run's load the run measured
	// (report.PartOfLoad: "shard 0/2", "shard 0 of 2 merged (partial)"),
	// absent for a whole run: its throughput is not the server's, and it
	// is not priced.
	PartOfLoad string `json:"part_of_load,omitempty"`
	// Summary is summary.json, recomputed from the records.
	Summary *report.Summary `json:"summary"`
	// SLOByLevel says whether each level met the SLO, and why not.
	SLOByLevel []LevelSLO `json:"slo_by_level"`
	// Priced is the level the cost model prices, null when no level had
	// output throughput.
	Priced *PricedInfo `json:"priced"`
	// Costs prices Priced on every catalog offer of the run's GPU.
	Costs []cost.Costs `json:"costs"`
	// Warnings are the run's problems that did not stop the report.
	Warnings []string `json:"warnings"`
}

// LevelSLO is one level's SLO check.
type LevelSLO struct {
	// Level is the load level; Met says whether it met the SLO, Why why not.
	Level float64  `json:"level"`
	Met   bool     `json:"met"`
	Why   []string `json:"why,omitempty"`
}

// PricedInfo is the level whose throughput is priced, and on what basis.
type PricedInfo struct {
	// Level is the priced load level; Basis says why it was chosen
	// ("capacity at SLO" or "highest-throughput level").
	Level float64 `json:"level"`
	Basis string  `json:"basis"`
	// OutputTokensPerS, TotalTokensPerS and RequestsPerS are its throughput.
	OutputTokensPerS float64 `json:"output_tokens_per_s"`
	TotalTokensPerS  float64 `json:"total_tokens_per_s"`
	RequestsPerS     float64 `json:"requests_per_s"`
	// Offer is the headline offer; USDPer1MOutputTokens its cost, 0 when
	// the GPU is not in the catalog.
	Offer                string  `json:"offer,omitempty"`
	USDPer1MOutputTokens float64 `json:"usd_per_1m_output_tokens,omitempty"`
	// OfferLabel says which offer the price is, to print beside it
	// ("on-demand, aws").
	OfferLabel string `json:"offer_label,omitempty"`
}

// pricedLevel is a run's priced level with the headline offer's hourly cost.
type pricedLevel struct {
	report.Priced
	Offer      string
	USDPerHour float64
	Costs      *cost.Costs
}

// runPriced is a compared run with its priced level (nil when it has none),
// as the comparison's sentences walk the two runs.
type runPriced struct {
	r *Run
	p *pricedLevel
}

// CrossoverSection is the API-versus-self-hosted comparison at a stated volume.
type CrossoverSection struct {
	// TokensPerDay is the stated volume (input + output tokens);
	// VolumeDefault says none was stated and it is DefaultTokensPerDay.
	TokensPerDay  float64 `json:"tokens_per_day"`
	VolumeDefault bool    `json:"volume_default,omitempty"`
	// Offer is the offer kind (or id) each GPU is priced at.
	Offer string `json:"offer"`
	// Mix is the input tokens' share of the volume each API's input and
	// output prices are mixed at: the priced runs' measured mix (their
	// input and output tokens/s summed), whose total tokens/s size the
	// GPUs, else 3:1.
	Mix cost.TokenMix `json:"api_mix"`
	// Rows weigh each priced run against each API.
	Rows []CrossoverRow `json:"rows"`
	// Notes state the assumptions.
	Notes []string `json:"notes"`
}

// CrossoverRow is one run's GPU against one API.
type CrossoverRow struct {
	// Run is the run's label; GPU its catalog GPU and offer ("h100-sxm aws-p5-od").
	Run string `json:"run"`
	GPU string `json:"gpu"`
	// OfferLabel is the offer's kind and provider ("on-demand, aws").
	OfferLabel string `json:"offer_label,omitempty"`
	// API is the catalog API id; APIPriceSrc where its price came from.
	API         string `json:"api"`
	APIPriceSrc string `json:"api_price_source"`
	// Crossover is the cost package's comparison at the stated volume.
	Crossover cost.Crossover `json:"crossover"`
}

// FigureRef names a figure's files.
type FigureRef struct {
	// Name is the file stem; Title and Caption describe the figure.
	Name    string `json:"name"`
	Title   string `json:"title"`
	Caption string `json:"caption"`
	// SVG and PNG are the files' paths, relative to the report's directory.
	SVG string `json:"svg"`
	PNG string `json:"png"`
}

// Build loads nothing: it assembles the report of runs (loaded with
// LoadRun) under o. One run gives a run report; several a qualification
// report comparing each with the first.
func Build(runs []*Run, o Options) (*Report, error) {
	if err := o.refuseContradictedGPU(runs); err != nil {
		return nil, err
	}
	return build(runs, o)
}

// build is Build for runs whose stated GPUs were checked against their
// telemetry (refuseContradictedGPU; Command checks them before it prints
// the runs' tables).
func build(runs []*Run, o Options) (*Report, error) {
	if len(runs) == 0 {
		return nil, errors.New("no run to report")
	}
	r := &Report{Tool: "inferbench", Version: o.Version, Kind: KindRun, Comparisons: []Comparison{}, Figures: []FigureRef{}, Warnings: []string{}, runs: runs}
	if len(runs) > 1 {
		r.Kind = KindQualification
	}
	labels := map[string]int{}
	for _, run := range runs {
		labels[run.Label]++
		if labels[run.Label] > 1 {
			run.Label = fmt.Sprintf("%s (%d)", run.Label, labels[run.Label])
			run.timeline.Label = run.Label
		}
	}
	slo := o.SLO
	r.SLO.Source = cmp.Or(o.SLOSource, "flags")
	if slo.IsZero() {
		r.SLO.Source = "none"
	}
	r.SLO.TTFTMS, r.SLO.TPOTMS, r.SLO.E2EMS, r.SLO.ITLMS = msOf(slo.TTFT), msOf(slo.TPOT), msOf(slo.E2E), msOf(slo.ITL)
	r.SLO.Percentile = cmp.Or(slo.Percentile, report.DefaultSLOPercentile)
	r.SLO.MaxErrorRate = slo.ErrorBudget()
	r.SLO.Text = sloText(slo)
	offer := cmp.Or(o.Offer, runsOffer(runs), DefaultOffer)

	priced := make([]*pricedLevel, len(runs))
	for i, run := range runs {
		rr := RunReport{Label: run.Label, Dir: run.Dir, Manifest: run.Manifest, GPUName: run.GPUName(), GPUs: run.GPUs(),
			Summary: run.Summary, SLOByLevel: []LevelSLO{}, Costs: []cost.Costs{}, Warnings: append([]string{}, run.Warnings...),
			Simulated: run.Manifest.IsSimulated(), PartOfLoad: report.PartOfLoad(run.Manifest)}
		r.Simulated = r.Simulated || rr.Simulated
		kind := ""
		if run.Manifest != nil {
			kind = run.Manifest.Target.Kind
		}
		for _, l := range run.Summary.Levels {
			// The run's table prints these (report.Level.OutputWarnings).
			for _, w := range l.OutputWarnings(kind) {
				rr.Warnings = append(rr.Warnings, fmt.Sprintf("level %g: %s", l.Level, w))
			}
		}
		for j := range run.Summary.Levels {
			l := &run.Summary.Levels[j]
			met, why := report.MeetsSLO(l, slo)
			if slo.IsZero() {
				met, why = false, []string{"no SLO set"}
			}
			rr.SLOByLevel = append(rr.SLOByLevel, LevelSLO{Level: l.Level, Met: met, Why: why})
		}
		var p *pricedLevel
		if pl, ok := report.PricedLevel(run.Summary); !ok && o.Catalog != nil {
			// Nothing to price (every request failed), but the GPU is named
			// all the same: --gpu given once is every run's.
			resolveGPU(o.Catalog, run, &rr, o.gpuStated(i), false)
		} else if ok {
			p = &pricedLevel{Priced: pl, Offer: offer}
			rr.Priced = &PricedInfo{Level: p.Level.Level, Basis: p.Basis, OutputTokensPerS: p.Level.OutputTokensPerS,
				TotalTokensPerS: p.Level.TotalTokensPerS, RequestsPerS: p.Level.RequestsPerS}
			if o.Catalog != nil {
				if g := resolveGPU(o.Catalog, run, &rr, o.gpuStated(i), true); g != nil {
					costs, head, warn := priceRun(g, p, rr.GPUs, offer)
					rr.Costs = costs
					rr.Warnings = append(rr.Warnings, warn...)
					if head != nil {
						p.Costs, p.USDPerHour = head, head.USDPerHour
						rr.Priced.Offer, rr.Priced.USDPer1MOutputTokens = head.Offer, head.USDPer1MOutputTokens
						rr.Priced.OfferLabel = head.OfferLabel()
					}
				}
			}
		}
		priced[i] = p
		r.Runs = append(r.Runs, rr)
	}
	bs := bootstrapper{resamples: cmp.Or(o.Resamples, DefaultResamples), seed: cmp.Or(o.Seed, DefaultSeed)}
	gpus := make([]string, len(runs))
	for i, run := range runs {
		gpus[i] = setupGPU(o.Catalog, run, o.gpuStated(i))
	}
	setups := groupSetups(runs, r.Runs, gpus)
	r.copyWarnings = warnRepeatedDirs(setups, runs, r.Runs)
	for _, i := range comparedRuns(setups, len(runs)) {
		r.Comparisons = append(r.Comparisons, compareRuns(runs[0], runs[i], priced[0], priced[i], slo, bs, setups.together(0, i), setups.reruns(0, i)))
	}
	r.Repeated = repeatedRuns(setups, r.Runs, r.Comparisons)
	if o.Catalog != nil {
		x, err := crossover(o, r, priced, offer)
		if err != nil {
			return nil, err
		}
		r.Crossover = x
	}
	for _, rr := range r.Runs {
		for _, w := range rr.Warnings {
			r.Warnings = append(r.Warnings, rr.Label+": "+w)
		}
	}
	r.slo, r.pngDPI, r.vllmPercentiles, r.catalog = slo, o.PNGDPI, o.VLLMPercentiles, o.Catalog
	return r, nil
}

// runsOffer is the offer the first run whose scenario names one prices its
// runs at (cost.offer), "" when none does.
func runsOffer(runs []*Run) string {
	for _, r := range runs {
		if r.Manifest != nil {
			if o := report.ManifestOffer(r.Manifest.Scenario); o != "" {
				return o
			}
		}
	}
	return ""
}

// priceRun prices p on every offer of g; head is the first offer of kind
// (or id) offer.
func priceRun(g *cost.GPU, p *pricedLevel, gpus int, offer string) (rows []cost.Costs, head *cost.Costs, warnings []string) {
	tp := p.Throughput()
	var energy *cost.Energy
	if gl := p.Level.GPU; gl != nil && gl.EnergyJ != nil && p.Level.WindowS > 0 {
		energy = &cost.Energy{Joules: *gl.EnergyJ, WindowS: p.Level.WindowS}
	}
	rows = []cost.Costs{}
	headOffer, err := g.Offer(offer)
	if err != nil {
		warnings = append(warnings, fmt.Sprintf("offer %q: %v", offer, err))
	}
	for i := range g.Offers {
		of := &g.Offers[i]
		c, err := cost.Evaluate(tp, gpus, cost.PriceOf(g, of), energy)
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("cost of %s %s: %v", g.ID, of.ID, err))
			continue
		}
		rows = append(rows, c)
		if headOffer != nil && of.ID == headOffer.ID {
			head = &rows[len(rows)-1]
		}
	}
	if head != nil {
		h := *head
		head = &h
	}
	return rows, head, warnings
}

// crossover weighs each priced run's GPU, at the headline offer and its
// measured total tokens/s, against each API at the stated volume.
func crossover(o Options, r *Report, priced []*pricedLevel, offer string) (*CrossoverSection, error) {
	x := &CrossoverSection{TokensPerDay: cmp.Or(o.TokensPerDay, DefaultTokensPerDay), VolumeDefault: o.TokensPerDay == 0, Offer: offer, Rows: []CrossoverRow{}, Notes: []string{}}
	if x.VolumeDefault {
		// Its "cheaper" column is at a volume the buyer never gave.
		x.Notes = append(x.Notes, fmt.Sprintf("no volume was stated: %s tokens/day is the default; state yours with --tokens-per-day", compact(x.TokensPerDay)))
	}
	apis := o.APIModels
	if apis == nil {
		apis = DefaultAPIModels()
	}
	var measured cost.Throughput
	var labels []string
	for i, p := range priced {
		if p != nil && p.Costs != nil {
			measured.TotalTokensPerS += p.Level.TotalTokensPerS
			measured.OutputTokensPerS += p.Level.OutputTokensPerS
			labels = append(labels, r.Runs[i].Label)
		}
	}
	from := "the priced runs"
	if len(labels) == 1 {
		from = labels[0]
	}
	mix, err := cost.ResolveMix(0, o.CachedInputShare, &measured, from)
	if err != nil {
		return nil, fmt.Errorf("crossover: %w", err)
	}
	x.Mix = mix
	var priceable []*cost.API
	for _, id := range apis {
		a, err := o.Catalog.API(id)
		if err != nil {
			return nil, fmt.Errorf("crossover: %w", err)
		}
		if !x.Mix.Prices(*a) {
			x.Notes = append(x.Notes, fmt.Sprintf("%s: left out: the catalog has no cached-input price for it (give one as usd_per_1m_cached_input in --prices)", id))
			continue
		}
		priceable = append(priceable, a)
	}
	for i, p := range priced {
		rr := &r.Runs[i]
		if p == nil || p.Costs == nil {
			continue
		}
		if p.Basis != report.BasisCapacity {
			x.Notes = append(x.Notes, fmt.Sprintf("%s: no capacity at SLO; its GPUs are sized by its highest-throughput level (%g)", rr.Label, p.Level.Level))
		}
		if rr.lowerBound() {
			x.Notes = append(x.Notes, fmt.Sprintf("%s: its capacity at SLO (level %g) is a lower bound, so its GPUs needed, self-hosted monthly, break-even volume and break-even utilization are upper bounds", rr.Label, p.Level.Level))
		}
		for _, a := range priceable {
			price, err := x.Mix.Price(*a)
			if err != nil {
				return nil, fmt.Errorf("crossover: %w", err)
			}
			c, err := cost.ComputeCrossover(cost.CrossoverInput{
				TokensPerDay: x.TokensPerDay, APIUSDPer1M: price,
				GPUMonthUSD:        p.Costs.USDPerMonth / float64(rr.GPUs),
				OpsMonthUSD:        o.OpsMonthUSD,
				CapacityTokensPerS: p.Level.TotalTokensPerS, GPUsPerReplica: rr.GPUs,
			})
			if err != nil {
				return nil, fmt.Errorf("crossover %s vs %s: %w", rr.Label, a.ID, err)
			}
			x.Rows = append(x.Rows, CrossoverRow{Run: rr.Label, GPU: rr.GPU + " " + p.Costs.Offer, OfferLabel: p.Costs.OfferLabel(), API: a.ID,
				APIPriceSrc: fmt.Sprintf("%s from %s", x.Mix, cost.APIPrices(*a, false)), Crossover: c})
		}
	}
	return x, nil
}

// LoadRuns loads each run directory with LoadRun. When slo is zero, the
// SLO of the scenario recorded in the first run's run.json is used for all
// of them, if it has one. It returns the SLO used and where it came from:
// "flags" (slo), "run.json" or "none".
func LoadRuns(dirs []string, slo report.SLO, opts ...LoadOption) (runs []*Run, used report.SLO, source string, err error) {
	if len(dirs) == 0 {
		return nil, slo, "", errors.New("no run directory")
	}
	used, source = slo, "flags"
	if slo.IsZero() {
		source = "none"
		if m, err := rundir.ReadManifest(dirs[0]); err == nil {
			if s := report.ManifestSLO(m.Scenario); !s.IsZero() {
				used, source = s, "run.json"
			}
		}
	}
	for _, d := range dirs {
		r, err := LoadRun(d, used, opts...)
		if err != nil {
			return nil, used, source, err
		}
		runs = append(runs, r)
	}
	return runs, used, source, nil
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
