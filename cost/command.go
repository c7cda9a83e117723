package cost

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// The cost commands (cost, crossover, advise, gpus) as functions of their
// options: the command line fills the options and calls one of them. Errors
// are one line each, in the words of the flags.

// RunLevel is what a run directory says for pricing: its priced level
// (report.PricedLevel), that level's throughput and window, and the basis
// in words ("capacity at SLO (level 16)").
type RunLevel struct {
	Level      float64
	Throughput Throughput
	WindowS    float64
	// EnergyJ is the GPUs' energy over WindowS (all GPUs summed), 0 when
	// the run has no energy reading; it prices owned hardware's power as
	// the report's cost table does.
	EnergyJ float64
	Basis   string
	// LowerBound says the level's throughput is a lower bound of the
	// server's (its highest level met the SLO and more load was not
	// tried): every figure that divides by it is an upper bound, which
	// each command says of its own (lowerBoundWords).
	LowerBound bool
	// Offer is the offer the run's scenario prices it at (cost.offer), ""
	// when it names none: crossover's unless --offer says.
	Offer string
	// Simulated says the run's target or GPU telemetry was the mock.
	Simulated bool
	// Incomplete says that the run did not complete (interrupted, failed,
	// a merge of a shard that did not) and what that means for its
	// numbers; "" when it completed. The price of its level is said with it.
	Incomplete string
}

// lowerBoundWords is the basis of a run's level, with what its being a
// lower bound makes upper bounds (what, the command's figures) when it is
// one.
func (l RunLevel) lowerBoundWords(what string) string {
	if !l.LowerBound {
		return l.Basis
	}
	return l.Basis + ", so " + what + " are upper bounds"
}

// SimulatedNote leads the notes of a table that prices a simulated run.
const SimulatedNote = "SIMULATED: the run's target or GPU telemetry was inferbench's mock; this prices the simulation's throughput, not a measurement of any GPU"

// markSimulated marks t, a table that prices a simulated run, as every
// table of such a run is marked: its title says SIMULATED and its notes
// start with why. It returns t.
func markSimulated(t *Table, simulated bool) *Table {
	if simulated {
		t.Title += " — SIMULATED"
		t.Notes = append([]string{SimulatedNote}, t.Notes...)
	}
	return t
}

// RunReader reads run directories for the cost commands; the cost model
// imports nothing of ours, so the caller supplies it (report.RunReader).
type RunReader struct {
	// Level reads DIR/summary.json's priced level.
	Level func(dir string) (RunLevel, error)
	// GPU returns DIR/run.json's stated GPU and telemetry's GPU names,
	// nothing when the file or the fields are missing.
	GPU func(dir string) (stated string, names []string)
}

// Volume is a daily volume and the API price it is weighed at (crossover,
// advise).
type Volume struct {
	TokensPerDay     float64
	RequestsPerDay   float64
	TokensPerRequest float64
	APIPricePerM     float64
	APIModel         string
	// InputShare is the input tokens' share of the volume the API is
	// priced at (--input-share); 0: the run's measured mix, else 3:1.
	InputShare float64
	// CachedInputShare is the share of input tokens the API reads from
	// its prompt cache (--cached-input-share), at its cached-input price.
	CachedInputShare float64
}

// given reports whether any volume flag was given.
func (v *Volume) given() bool {
	return v.TokensPerDay != 0 || v.RequestsPerDay != 0 || v.TokensPerRequest != 0
}

// CostOptions is the cost command's input.
type CostOptions struct {
	RunDir        string
	GPU           string
	GPUs          int
	Offer         string
	OutputTPS     float64
	TotalTPS      float64
	RPS           float64
	USDPerGPUHour float64
	EnergyJ       float64
	EnergyWindowS float64
	Prices        string
	Format        Format
	Runs          RunReader
}

// check refuses contradictory or out-of-range flags.
func (o *CostOptions) check() error {
	switch {
	case o.RunDir != "" && o.OutputTPS != 0:
		return errors.New("pass --run or --output-tokens-per-s, not both")
	case o.RunDir != "" && (o.TotalTPS != 0 || o.RPS != 0):
		// The run's throughput replaced them without a word.
		return errors.New("--total-tokens-per-s and --requests-per-s go with --output-tokens-per-s; --run prices the run's own throughput: pass one or the other")
	case o.RunDir == "" && o.OutputTPS == 0:
		return errors.New("pass --run DIR or --output-tokens-per-s X")
	case o.OutputTPS != 0 && !finitePositive(o.OutputTPS):
		return fmt.Errorf("--output-tokens-per-s must be a positive number, got %v", o.OutputTPS)
	case o.TotalTPS != 0 && !finitePositive(o.TotalTPS):
		return fmt.Errorf("--total-tokens-per-s must be a positive number, got %v", o.TotalTPS)
	case o.TotalTPS != 0 && o.OutputTPS > 0 && o.TotalTPS < o.OutputTPS:
		// total = input + output tokens, so it cannot be below output.
		return fmt.Errorf("--total-tokens-per-s (input + output) must be at least --output-tokens-per-s %v, got %v", o.OutputTPS, o.TotalTPS)
	case o.RPS != 0 && !finitePositive(o.RPS):
		return fmt.Errorf("--requests-per-s must be a positive number, got %v", o.RPS)
	case o.GPUs < 0:
		return notPositive("--gpus", o.GPUs)
	case o.USDPerGPUHour < 0:
		return notPositive("--usd-per-gpu-hour", o.USDPerGPUHour)
	case o.EnergyJ < 0:
		return notPositive("--energy-joules", o.EnergyJ)
	case o.EnergyWindowS < 0:
		return notPositive("--energy-window-s", o.EnergyWindowS)
	case o.EnergyWindowS != 0 && o.EnergyJ == 0:
		// The window prices the energy measured over it; alone it was
		// ignored (and with --run it dropped the run's own reading).
		return errors.New("--energy-window-s needs --energy-joules (the energy measured over that window)")
	case o.USDPerGPUHour > 0 && (o.GPU != "" || o.Offer != ""):
		return errors.New("--usd-per-gpu-hour replaces the catalog: drop --gpu and --offer")
	case o.USDPerGPUHour > 0 && o.EnergyJ != 0:
		// Energy prices an owned offer's electricity (its PUE and $/kWh);
		// a GPU-hour price given whole has none to add, and the joules
		// were ignored without a word.
		return errors.New("--energy-joules prices an owned offer's electricity, and --usd-per-gpu-hour is a whole price with none: drop one (or price owned hardware from the catalog with --gpu and --offer owned)")
	}
	for _, b := range []struct {
		flag string
		v    float64
	}{{"--output-tokens-per-s", o.OutputTPS}, {"--total-tokens-per-s", o.TotalTPS}, {"--requests-per-s", o.RPS}} {
		if b.v != 0 {
			if err := within(b.flag, b.v, minPerS, maxPerS); err != nil {
				return err
			}
		}
	}
	return within("--usd-per-gpu-hour", o.USDPerGPUHour, zero, maxGPUHour)
}

// RunCost prices a run's capacity (or a throughput given) on each GPU
// offer, or at --usd-per-gpu-hour, and writes it to w.
func RunCost(w io.Writer, o CostOptions) error {
	if err := o.check(); err != nil {
		return err
	}
	q := QuoteRequest{GPU: o.GPU, GPUs: o.GPUs, Offer: o.Offer, USDPerGPUHour: o.USDPerGPUHour,
		Basis: "throughput given on the command line", Throughput: Throughput{OutputTokensPerS: o.OutputTPS, TotalTokensPerS: o.TotalTPS, RequestsPerS: o.RPS}}
	var level *float64
	simulated, incomplete := false, ""
	energyGiven := o.EnergyJ != 0 // on the command line, not the run's reading
	if o.RunDir != "" {
		lvl, err := o.Runs.Level(o.RunDir)
		if err != nil {
			return fmt.Errorf("cost: %w", err)
		}
		q.Basis, level, q.Throughput, simulated = lvl.lowerBoundWords("its costs per token"), &lvl.Level, lvl.Throughput, lvl.Simulated
		incomplete = lvl.Incomplete
		if o.EnergyWindowS == 0 {
			o.EnergyWindowS = lvl.WindowS
		}
		// The run's own energy reading, unless --energy-joules replaces it:
		// the report prices owned hardware the same way, so the two agree.
		if o.EnergyJ == 0 && lvl.EnergyJ > 0 && lvl.WindowS > 0 && o.EnergyWindowS == lvl.WindowS {
			o.EnergyJ, q.EnergyFromRun = lvl.EnergyJ, true
		}
		q.RunGPUStated, q.RunGPUNames = o.Runs.GPU(o.RunDir)
	}
	if o.EnergyJ != 0 {
		if !(o.EnergyWindowS > 0) {
			return errors.New("--energy-joules needs --energy-window-s (the seconds it was measured over) or a --run whose window it is")
		}
		if w := o.EnergyJ / o.EnergyWindowS; w > MaxAverageW {
			return quoteErrorf("--energy-joules %s over --energy-window-s %s is an average of %s W: above %s: a typo?",
				typed(o.EnergyJ), typed(o.EnergyWindowS), typed(w), maxWatts.words)
		}
		q.Energy = &Energy{Joules: o.EnergyJ, WindowS: o.EnergyWindowS}
	}
	if o.USDPerGPUHour > 0 {
		c, err := Evaluate(q.Throughput, max(q.GPUs, 1), Price{USDPerGPUHour: o.USDPerGPUHour}, nil)
		if err != nil {
			return fmt.Errorf("cost: %w", err)
		}
		var notes []string
		if incomplete != "" {
			notes = []string{incomplete}
		}
		return Write(w, o.Format, pricedCosts{Costs: c, Simulated: simulated, Incomplete: incomplete},
			markSimulated(CostsTable("Cost at "+q.Basis, []Costs{c}, notes), simulated))
	}
	cat, err := Load(o.Prices)
	if err != nil {
		return fmt.Errorf("cost: %w", err)
	}
	if err := cat.RefuseStatedGPU(o.GPU, o.RunDir, q.RunGPUNames); err != nil {
		return err
	}
	rep, err := cat.Quote(q)
	if err != nil {
		return err
	}
	if energyGiven && !slices.ContainsFunc(rep.Rows, func(c Costs) bool { return c.EnergyBasis != "" }) {
		// As with --usd-per-gpu-hour: the joules were dropped without a word.
		return quoteErrorf("--energy-joules prices an owned offer's electricity, and no offer priced here is owned (a rented GPU's power is in its rent): drop it, or pass --offer owned")
	}
	rep.RunDir, rep.Level, rep.Simulated, rep.Incomplete = o.RunDir, level, simulated, incomplete
	if incomplete != "" {
		rep.Notes = append([]string{incomplete}, rep.Notes...)
	}
	return Write(w, o.Format, rep, rep.Table())
}

// pricedCosts is the JSON of cost --usd-per-gpu-hour: the one row's costs,
// and whether the run priced was simulated, as the catalog's Quote says.
type pricedCosts struct {
	Costs
	Simulated  bool   `json:"simulated,omitempty"`
	Incomplete string `json:"incomplete,omitempty"`
}

// GuideOptions is the gpus command's input.
type GuideOptions struct {
	Fit        string
	Precision  Precision
	MemoryUtil float64
	Prices     string
	Format     Format
}

// guideReport is the JSON of gpus: the GPU catalog, and the fits when asked.
type guideReport struct {
	GPUs []GPU `json:"gpus"`
	Fits []Fit `json:"fits,omitempty"`
}

// RunGuide writes the GPU guide, with what fits each GPU when o.Fit names
// a model.
func RunGuide(w io.Writer, o GuideOptions) error {
	cat, err := Load(o.Prices)
	if err != nil {
		return fmt.Errorf("gpus: %w", err)
	}
	rep := guideReport{GPUs: cat.GPUs}
	if o.MemoryUtil != 0 && !(o.MemoryUtil > 0 && o.MemoryUtil <= 1) {
		return quoteErrorf("--gpu-memory-utilization must be above 0 and at most 1 (the share of each GPU's usable memory the engine takes), got %v", o.MemoryUtil)
	}
	if o.Fit != "" {
		m, err := cat.Model(o.Fit)
		if err != nil {
			return fmt.Errorf("--fit: %v", err)
		}
		for i := range cat.GPUs {
			f, err := FitModel(&cat.GPUs[i], m, o.Precision, o.MemoryUtil)
			if err != nil {
				return fmt.Errorf("--fit: %v", err)
			}
			rep.Fits = append(rep.Fits, f)
		}
	}
	t := GuideTable(cat, rep.Fits)
	if o.Fit != "" {
		t.Notes = append(t.Notes, fmt.Sprintf("fit: weights at %s, KV cache in BF16, the engine taking %.0f%% of usable memory; tensor parallelism 1, 2, 4 or 8", o.Precision, o.MemoryUtil*100))
	}
	t.Notes = append(t.Notes, "on-demand $/gpu-h (default) is the price every command (cost, crossover, report) uses: the first on-demand offer in the catalog, a hyperscaler's list price where there is one; cheaper alternative: the lowest other on-demand offer when it is below the default (marketplace clouds included), with its date, else none cheaper, or no other on-demand offer in the catalog; every offer priced at a throughput, with its exact price, source and date: `inferbench cost --gpu ID --output-tokens-per-s X` (all of them as data: `inferbench gpus --format json`)")
	return Write(w, o.Format, rep, t)
}

// AdviseOptions is the advise command's input.
type AdviseOptions struct {
	Volume
	MonthlyAPISpend float64
	Latency         Latency
	Compliance      []Compliance
	TeamRunsGPUs    bool
	VolumeUncertain bool
	Prices          string
	Format          Format
}

// adviceReport is the JSON of advise: the advice and how the spend was found.
type adviceReport struct {
	Advice
	SpendBasis string `json:"spend_basis"`
	// SpendWarning says the spend was priced at an API the compliance set
	// rules out, and which catalog APIs it allows.
	SpendWarning string `json:"spend_warning,omitempty"`
}

// RunAdvise writes the deployment path for a volume (or a monthly API
// spend), latency class and compliance set.
func RunAdvise(w io.Writer, o AdviseOptions) error {
	cat, err := Load(o.Prices)
	if err != nil {
		return fmt.Errorf("advise: %w", err)
	}
	var spend float64
	var basis, warning string
	switch {
	case o.MonthlyAPISpend != 0 && o.given():
		return errors.New("pass a volume or --monthly-api-spend, not both")
	case o.MonthlyAPISpend != 0 && (o.APIPricePerM != 0 || o.InputShare != 0 || o.CachedInputShare != 0):
		// They price a volume; the spend is already priced, and they were
		// dropped without a word.
		return errors.New("--api-price-per-m, --input-share and --cached-input-share price a volume: pass them with --tokens-per-day, not --monthly-api-spend")
	case o.MonthlyAPISpend < 0:
		return notPositive("--monthly-api-spend", o.MonthlyAPISpend)
	case o.MonthlyAPISpend > 0:
		if err := within("--monthly-api-spend", o.MonthlyAPISpend, zero, maxMonth); err != nil {
			return err
		}
		spend, basis = o.MonthlyAPISpend, "--monthly-api-spend"
	default:
		perDay, err := DailyTokens(o.TokensPerDay, o.RequestsPerDay, o.TokensPerRequest)
		if err != nil {
			return err
		}
		mix, err := ResolveMix(o.InputShare, o.CachedInputShare, nil, "")
		if err != nil {
			return err
		}
		price, priceBasis, err := cat.APIPrice(o.APIPricePerM, o.APIModel, mix)
		if err != nil {
			return err
		}
		spend = APIMonthlyUSD(MonthlyTokens(perDay), price)
		basis = fmt.Sprintf("%s tokens/day × 30 at %s per 1M (%s)", Tokens(perDay), USDPrice(price), priceBasis)
		if o.APIPricePerM == 0 {
			warning = cat.spendWarning(o.APIModel, o.Compliance)
		}
	}
	a, err := Advise(cat, AdviseInput{MonthlyAPISpendUSD: spend, Latency: o.Latency, Compliance: o.Compliance, TeamRunsGPUs: o.TeamRunsGPUs, VolumeUncertain: o.VolumeUncertain})
	if err != nil {
		return fmt.Errorf("advise: %v", err)
	}
	t := a.Table()
	lead := []string{"spend: " + basis}
	if warning != "" {
		lead = append(lead, "warning: "+warning)
	}
	t.Notes = append(lead, t.Notes...)
	return Write(w, o.Format, adviceReport{Advice: a, SpendBasis: basis, SpendWarning: warning}, t)
}

// spendWarning says, when the compliance set rules out the provider of
// the API a spend was priced at (openai/gpt-4o under HIPAA: no BAA), that
// the spend is a price the advice cannot pay, and which catalog APIs the
// set allows; "" when it allows the API.
func (c *Catalog) spendWarning(apiID string, comp []Compliance) string {
	a, err := c.API(apiID)
	if err != nil {
		return ""
	}
	why := func(p *Provider) string {
		switch {
		case slices.Contains(comp, Airgap):
			return "an air gap allows no hosted API"
		case p == nil:
			return "its provider is not in the catalog"
		case slices.Contains(comp, HIPAA) && !p.BAA:
			return p.ID + " signs no BAA in the catalog"
		case slices.Contains(comp, GDPR) && !p.EURegion:
			return p.ID + " has no EU region in the catalog"
		case slices.Contains(comp, SOC2) && !p.SOC2:
			return p.ID + " has no SOC 2 report in the catalog"
		}
		return ""
	}
	reason := why(c.Provider(a.Provider))
	if reason == "" {
		return ""
	}
	var allowed []string
	for _, x := range c.APIs {
		if why(c.Provider(x.Provider)) == "" {
			allowed = append(allowed, x.ID)
		}
	}
	s := fmt.Sprintf("the spend is priced at %s, which the compliance set rules out (%s)", a.ID, reason)
	if len(allowed) == 0 {
		return s + "; the catalog has no API it allows"
	}
	return s + "; price it at one it allows with --api-model: " + strings.Join(allowed, ", ")
}

// notPositive refuses a negative value of a flag whose 0 the command line
// refuses as "must be a positive number, got 0" (cmd's positiveWhenGiven):
// one message for both, not "must be at least 1" for -1 and "a positive
// number" for 0.
func notPositive[T int | float64](flag string, v T) error {
	return quoteErrorf("%s must be a positive number, got %v", flag, v)
}

// finitePositive is whether x is a number above 0 and below infinity: a
// throughput of +Inf would price every token at $0.
func finitePositive(x float64) bool {
	return x > 0 && !math.IsInf(x, 1)
}
